// The core runs in Node as it runs in a SharedWorker: two peers built by createPeer in plain Node
// (no DOM, no IndexedDB) over the in-memory network reconcile, and a listing one posts reaches the
// other's store and search.

import { afterEach, expect, it } from "vitest";
import { generateIdentity } from "../../src/core/crypto.ts";
import { createPeer, type Peer } from "../../src/core/peer.ts";
import { consoleLogger, systemClock } from "../../src/shared/system.ts";
import { MemoryNetwork } from "../support/memory-link.ts";
import { MemoryStore } from "../support/memory-store.ts";
import { draft } from "./fixtures.ts";

const peers: Peer[] = [];
afterEach(() => {
  for (const peer of peers.splice(0)) peer.dispose();
});

async function nodePeer(network: MemoryNetwork): Promise<Peer> {
  const store = new MemoryStore();
  const identity = await store.initIdentity(await generateIdentity(Date.now()));
  const peer = await createPeer({
    store,
    link: network.link(identity.peerId),
    clock: systemClock,
    logger: consoleLogger,
  });
  peers.push(peer);
  return peer;
}

it("two Node peers built by createPeer meet and a posted listing reaches the other", async () => {
  expect(typeof (globalThis as { document?: unknown }).document).toBe("undefined");
  expect(typeof (globalThis as { indexedDB?: unknown }).indexedDB).toBe("undefined");
  const network = new MemoryNetwork();
  const alice = await nodePeer(network);
  const bob = await nodePeer(network);
  const before = await alice.api.post(draft({ title: "Posted before they met" }));
  if (!before.ok) throw new Error(before.message);
  // Bob's dialer finds Alice the way it finds anyone: she is a known candidate.
  bob.dialer.addCandidates([alice.identity.peerId]);
  await bob.dialer.tick();
  await expect
    .poll(async () => (await bob.api.listing(before.listing.id))?.title, { timeout: 5_000 })
    .toBe("Posted before they met");
  const after = await alice.api.post(draft({ title: "Posted while connected" }));
  if (!after.ok) throw new Error(after.message);
  await expect
    .poll(async () => (await bob.api.search({ text: "connected" })).listings.map((l) => l.id), { timeout: 5_000 })
    .toEqual([after.listing.id]);
  expect((await bob.api.status()).peers).toEqual([
    expect.objectContaining({ id: alice.identity.peerId, stage: "ready" }),
  ]);
});
