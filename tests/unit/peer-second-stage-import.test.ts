// The second stage's code (peer-second-stage.ts) is loaded by a dynamic import once the first
// stage serves and the host's hold settles, so a browser's hub evaluates only the first stage
// before its first answers (peer.ts). Its own file: the module registry is per test file.

import { expect, it, vi } from "vitest";
import { generateIdentity } from "../../src/core/crypto.ts";
import { startPeer } from "../../src/core/peer.ts";
import { consoleLogger, systemClock } from "../../src/shared/system.ts";
import { MemoryNetwork } from "../support/memory-link.ts";
import { MemoryStore } from "../support/memory-store.ts";

const loads = vi.hoisted(() => ({ secondStage: 0 }));

// The real module, counted when something first imports it.
vi.mock("../../src/core/peer-second-stage.ts", async (importOriginal) => {
  loads.secondStage++;
  return importOriginal();
});

it("the second stage's module is not loaded while the first stage serves, and is loaded once the hold settles", async () => {
  const store = new MemoryStore();
  const identity = await store.initIdentity(await generateIdentity(Date.now()));
  const link = new MemoryNetwork().link(identity.peerId);
  let go: () => void = () => undefined;
  const start = await startPeer(
    { store, link, clock: systemClock, logger: consoleLogger },
    { background: false, secondStageAfter: () => new Promise<void>((resolve) => (go = resolve)) },
  );
  expect((await start.api.search({ text: "" })).total).toBe(0);
  expect(await start.api.listingCount()).toBe(0);
  await new Promise((resolve) => setTimeout(resolve, 20));
  expect(loads.secondStage).toBe(0);

  go();
  const peer = await start.peer;
  expect(loads.secondStage).toBe(1);
  expect(await peer.api.deals()).toEqual([]);
  peer.dispose();
});
