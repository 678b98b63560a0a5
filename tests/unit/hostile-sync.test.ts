// Sync against a peer that stays inside the rate limits: announcements it never delivers hold a
// bounded table, and a made-up version of a record, far in the future or not, never stops the
// real one being fetched from honest peers.

import "fake-indexeddb/auto";
import { afterEach, describe, expect, it, vi } from "vitest";
import { PENDING_PER_PEER_MAX } from "../../src/core/sync/pending-fetches.ts";
import { frame } from "../../src/core/wire.ts";
import { MemoryNetwork } from "../support/memory-link.ts";
import { buildPeer, post, type TestPeer } from "../support/peers.ts";
import { draft } from "./fixtures.ts";

const WAIT = { timeout: 5_000, interval: 5 };
const peers: TestPeer[] = [];
afterEach(async () => {
  for (const peer of peers.splice(0)) await peer.close();
  vi.restoreAllMocks();
});

async function node(network: MemoryNetwork) {
  const peer = await buildPeer(network, { memory: true });
  peers.push(peer);
  return peer;
}

async function connect(network: MemoryNetwork, a: TestPeer, b: TestPeer) {
  network.connect(a.id, b.id);
  await vi.waitFor(() => {
    expect(a.session.readyPeers()).toContain(b.id);
    expect(b.session.readyPeers()).toContain(a.id);
  }, WAIT);
  await a.session.whenIdle(b.id);
  await b.session.whenIdle(a.id);
}

const announce = (keys: [number, string][]) =>
  frame({ type: "SYNC", set: "listings", from: [0, ""], ranges: [], have: keys });

describe("sync against a hostile peer", () => {
  it("announcements never delivered hold at most a fixed number of pending requests", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const network = new MemoryNetwork();
    const hub = await node(network);
    const mallory = await node(network);
    await connect(network, hub, mallory);
    const framesIn = () => hub.session.connectedPeers().find((p) => p.id === mallory.id)?.framesIn ?? 0;
    const before = framesIn();
    const now = Date.now();
    const frames = Math.ceil((PENDING_PER_PEER_MAX * 1.25) / 500);
    for (let f = 0; f < frames; f++)
      mallory.session.send(
        hub.id,
        announce(Array.from({ length: 500 }, (_, i) => [now, `fake-${f}-${i}-padding`] as [number, string])),
      );
    await vi.waitFor(() => expect(framesIn()).toBeGreaterThanOrEqual(before + frames), WAIT);
    await hub.session.whenIdle(mallory.id);
    expect(hub.sync?.outstanding("listings")).toBeLessThanOrEqual(PENDING_PER_PEER_MAX);
    expect(hub.sync?.outstanding("listings")).toBeGreaterThan(0);
  });

  it("a key dated at the end of time is refused, and the listing still comes from an honest peer", async () => {
    const network = new MemoryNetwork();
    const alice = await node(network);
    const hub = await node(network);
    const mallory = await node(network);
    const listing = await post(alice, draft());
    await connect(network, hub, mallory);
    mallory.session.send(hub.id, announce([[Number.MAX_SAFE_INTEGER, listing.id]]));
    await hub.session.whenIdle(mallory.id);
    await connect(network, hub, alice);
    await vi.waitFor(async () => expect(await hub.store.getListing(listing.id)).toEqual(listing), WAIT);
  });

  it("a made-up newer version within the clock skew does not stop the real one being asked of others", async () => {
    const network = new MemoryNetwork();
    const alice = await node(network);
    const hub = await node(network);
    const mallory = await node(network);
    const listing = await post(alice, draft());
    await connect(network, hub, mallory);
    mallory.session.send(hub.id, announce([[Date.now() + 60_000, listing.id]]));
    await hub.session.whenIdle(mallory.id);
    await connect(network, hub, alice);
    await vi.waitFor(async () => expect(await hub.store.getListing(listing.id)).toEqual(listing), WAIT);
  });

  it("the key-hash cache holds the keys of the current set only, not every version ever seen", async () => {
    const network = new MemoryNetwork();
    const alice = await node(network);
    const hub = await node(network);
    const first = await node(network);
    const second = await node(network);
    const posted = [];
    for (let i = 0; i < 20; i++) posted.push(await post(alice, draft({ title: `Lamp ${i}` })));
    await connect(network, hub, alice);
    await vi.waitFor(async () => expect(await hub.store.listListings()).toHaveLength(20), WAIT);
    await connect(network, hub, first);
    // Every listing is edited: twenty keys replace twenty others.
    for (const listing of posted) await alice.actions.edit(listing.id, draft({ title: `${listing.title}, brass` }));
    await vi.waitFor(async () => {
      const titles = (await hub.store.listListings()).map((l) => l.title);
      expect(titles.every((t) => t.endsWith("brass"))).toBe(true);
    }, WAIT);
    await connect(network, hub, second);
    expect(hub.sync?.cachedHashes("listings")).toBe(20);
  });
});
