import { afterEach, beforeEach, expect, it, vi } from "vitest";
import type { Listing } from "../../src/shared/records.ts";
import { draft } from "../unit/fixtures.ts";
import { Mesh } from "./mesh.ts";

let mesh: Mesh | undefined;

beforeEach(() => {
  // Hubs hang up on dialers past the connection cap; the warnings are expected noise here.
  vi.spyOn(console, "warn").mockImplementation(() => undefined);
});

afterEach(() => {
  mesh?.close();
  vi.restoreAllMocks();
});

it("with 50 hubs and random bounded connections, every listing reaches every hub", { timeout: 120_000 }, async () => {
  mesh = await Mesh.create({ hubs: 50 });
  const m = mesh;
  // Some listings exist before anyone connects: sync on connect must carry them.
  const early: Listing[] = [];
  for (const index of [0, 17, 33]) early.push(await m.hub(index).protocol.post(draft({ title: `Early ${index}` })));
  await m.form();
  const degrees = m.degrees();
  expect(Math.max(...degrees)).toBeLessThanOrEqual(8);
  expect(Math.min(...degrees)).toBeGreaterThanOrEqual(1);
  // Then listings posted on a formed mesh travel by gossip.
  const late: Listing[] = [];
  for (const index of [5, 21, 49]) late.push(await m.hub(index).protocol.post(draft({ title: `Late ${index}` })));
  await vi.waitFor(
    async () => {
      for (const listing of [...early, ...late]) expect(await m.holders(listing)).toBe(50);
    },
    { timeout: 60_000, interval: 100 },
  );
});
