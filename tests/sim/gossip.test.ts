import { afterEach, beforeEach, expect, it, vi } from "vitest";
import type { Listing } from "../../src/core/listings/records.ts";
import type { Profile } from "../../src/core/profiles/profile.ts";
import { post } from "../support/peers.ts";
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

/** Saves a profile at hub `index` and returns it as stored. */
async function saveProfile(m: Mesh, index: number): Promise<Profile> {
  const result = await m.hub(index).profiles.save({ name: `Hub ${index}`, about: "" });
  if (!result.ok) throw new Error(result.message);
  return result.profile;
}

it("with 50 hubs and random bounded connections, every listing and profile reaches every hub", {
  timeout: 120_000,
}, async () => {
  mesh = await Mesh.create({ hubs: 50 });
  const m = mesh;
  // Some listings and profiles exist before anyone connects: sync on connect must carry them.
  const early: Listing[] = [];
  const profiles: Profile[] = [];
  for (const index of [0, 17, 33]) early.push(await post(m.hub(index), draft({ title: `Early ${index}` })));
  for (const index of [0, 9, 40]) profiles.push(await saveProfile(m, index));
  await m.form();
  const degrees = m.degrees();
  expect(Math.max(...degrees)).toBeLessThanOrEqual(8);
  expect(Math.min(...degrees)).toBeGreaterThanOrEqual(1);
  // Then listings posted on a formed mesh travel by gossip.
  const late: Listing[] = [];
  for (const index of [5, 21, 49]) late.push(await post(m.hub(index), draft({ title: `Late ${index}` })));
  // A new profile and a changed one travel by gossip too.
  for (const index of [9, 26]) profiles.push(await saveProfile(m, index));
  await vi.waitFor(
    async () => {
      for (const listing of [...early, ...late]) expect(await m.holders(listing)).toBe(50);
      for (const profile of profiles) expect(await m.profileHolders(profile)).toBe(50);
    },
    { timeout: 60_000, interval: 100 },
  );
});

it("in a mesh of 100 hubs no hub receives a new listing whole more than 3 extra times, and none is more than 5 hops from its author", {
  timeout: 120_000,
}, async () => {
  mesh = await Mesh.create({ hubs: 100 });
  const m = mesh;
  await m.form();
  for (let i = 0; i < 8; i++) {
    const author = m.hub((i * 37) % 100);
    const sentFrom = m.network.sent.length;
    const listing = await post(author, draft({ title: `Spread ${i}` }));
    await vi.waitFor(async () => expect(await m.holders(listing)).toBe(100), { timeout: 30_000, interval: 20 });
    await m.settle(50);
    const { hops, duplicates } = m.spread(listing, sentFrom);
    expect(hops).toHaveLength(99);
    expect(Math.max(...duplicates)).toBeLessThanOrEqual(3);
    expect(Math.max(...hops)).toBeLessThanOrEqual(5);
  }
});

it("after rounds of churn the mesh still carries a new listing to all 50 hubs", { timeout: 120_000 }, async () => {
  mesh = await Mesh.create({ hubs: 50 });
  const m = mesh;
  await m.form();
  const before = new Set(m.hubs.flatMap((hub) => hub.session.readyPeers().map((peer) => `${hub.id}>${peer}`)));
  for (let round = 0; round < 3; round++) await m.churn();
  const after = new Set(m.hubs.flatMap((hub) => hub.session.readyPeers().map((peer) => `${hub.id}>${peer}`)));
  // Churn changed who talks to whom, within the bounds.
  expect([...after].filter((edge) => !before.has(edge)).length).toBeGreaterThan(0);
  expect(Math.max(...m.degrees())).toBeLessThanOrEqual(8);
  const listing = await post(m.hub(7), draft({ title: "After churn" }));
  await vi.waitFor(async () => expect(await m.holders(listing)).toBe(50), { timeout: 60_000, interval: 100 });
});
