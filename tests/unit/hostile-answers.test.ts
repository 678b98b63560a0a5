// Answers against a peer that stays inside the rate limits: repeated ids are answered once, and
// every kind of answer (listings, profiles, images, SYNC replies) comes out of one per-peer budget,
// so small requests cannot make a hub upload without bound.

import "fake-indexeddb/auto";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createListing } from "../../src/core/listings/draft.ts";
import { frame, frameSize } from "../../src/core/wire.ts";
import { MemoryNetwork } from "../support/memory-link.ts";
import { buildPeer, type TestPeer, type TestPeerOptions } from "../support/peers.ts";
import { draft } from "./fixtures.ts";

const peers: TestPeer[] = [];
afterEach(async () => {
  for (const peer of peers.splice(0)) await peer.close();
  vi.restoreAllMocks();
});

async function node(network: MemoryNetwork, options: TestPeerOptions = {}) {
  const peer = await buildPeer(network, { memory: true, ...options });
  peers.push(peer);
  return peer;
}

async function pair(options: TestPeerOptions = {}, seeded = 0) {
  const network = new MemoryNetwork();
  const hub = await node(network, options);
  // Stored before anyone connects: the hub's sync reads its keys once, on its first exchange.
  const listings = await seed(hub, seeded);
  const mallory = await node(network);
  network.connect(mallory.id, hub.id);
  await vi.waitFor(() => expect(hub.session.readyPeers()).toContain(mallory.id), { timeout: 3000 });
  await hub.session.whenIdle(mallory.id);
  return { network, hub, mallory, listings };
}

/** Frames of `type` the hub sent Mallory since `from`, once the hub has handled all she sent. */
async function answered(network: MemoryNetwork, hub: TestPeer, mallory: TestPeer, type: string, from: number) {
  await new Promise((resolve) => setTimeout(resolve, 50));
  await hub.session.whenIdle(mallory.id);
  return network.sent
    .slice(from)
    .filter((s) => s.from === hub.id && s.to === mallory.id && (s.frame as { type: string }).type === type)
    .map((s) => s.frame);
}

async function seed(hub: TestPeer, count: number) {
  const author = await node(new MemoryNetwork());
  const listings = [];
  for (let i = 0; i < count; i++)
    listings.push(await createListing(author.identity, draft({ title: `Listing ${i}` }), Date.now() - 1000 + i));
  await hub.store.putListingsIf(listings, () => true);
  return listings;
}

describe("answers to a hostile peer", () => {
  it("a LISTING_REQUEST naming one id a thousand times is answered with one listing", async () => {
    const { network, hub, mallory, listings } = await pair({}, 1);
    const [listing] = listings;
    // The sync on connect brings it once; what follows is the request's answer alone.
    await vi.waitFor(async () => expect(await mallory.store.getListing(listing?.id as string)).toBeDefined());
    await hub.session.whenIdle(mallory.id);
    const from = network.sent.length;
    mallory.session.send(hub.id, frame({ type: "LISTING_REQUEST", ids: Array(1000).fill(listing?.id) }));
    const frames = (await answered(network, hub, mallory, "LISTING_BROADCAST", from)) as { listings: unknown[] }[];
    expect(frames.flatMap((f) => f.listings)).toHaveLength(1);
  });

  it("a PROFILE_REQUEST naming one id a thousand times is answered with one profile", async () => {
    const { network, hub, mallory } = await pair();
    await hub.api.saveProfile({ name: "Hub", about: "x".repeat(400) });
    const from = network.sent.length;
    mallory.session.send(hub.id, frame({ type: "PROFILE_REQUEST", ids: Array(1000).fill(hub.id) }));
    const frames = (await answered(network, hub, mallory, "PROFILE_BROADCAST", from)) as { profiles: unknown[] }[];
    expect(frames.flatMap((f) => f.profiles)).toHaveLength(1);
  });

  it("requests repeated again and again get no more than the peer's answer budget", async () => {
    const budget = { burstBytes: 100_000, bytesPerMinute: 0 };
    const { network, hub, mallory, listings } = await pair({ answerBudget: budget }, 60);
    const ids = listings.map((l) => l.id);
    const from = network.sent.length;
    for (let i = 0; i < 30; i++) mallory.session.send(hub.id, frame({ type: "LISTING_REQUEST", ids }));
    const frames = await answered(network, hub, mallory, "LISTING_BROADCAST", from);
    const bytes = frames.reduce((n: number, f) => n + frameSize(f), 0);
    expect(bytes).toBeGreaterThan(0);
    expect(bytes).toBeLessThanOrEqual(budget.burstBytes);
  });

  it("SYNC ranges listing no keys, repeated, get no more than the same budget", async () => {
    const budget = { burstBytes: 50_000, bytesPerMinute: 0 };
    const { network, hub, mallory } = await pair({ answerBudget: budget }, 300);
    const from = network.sent.length;
    for (let i = 0; i < 40; i++)
      mallory.session.send(
        hub.id,
        frame({
          type: "SYNC",
          set: "listings",
          from: [0, ""],
          ranges: [{ b: [Number.MAX_SAFE_INTEGER, ""], ids: [] }],
        }),
      );
    const frames = await answered(network, hub, mallory, "SYNC", from);
    // Keys listed once in this exchange are not listed again, and all of it is within the budget.
    expect(frames.reduce((n: number, f) => n + frameSize(f), 0)).toBeLessThanOrEqual(budget.burstBytes);
  });
});
