// A flood of listings by one identity inside the rate limits: each author keeps its newest
// listings up to a cap, nobody is struck for relaying, and when storage runs short the author
// holding the most goes first, never the honest listings nor the user's own.

import "fake-indexeddb/auto";
import { afterEach, describe, expect, it, vi } from "vitest";
import { generateIdentity } from "../../src/core/crypto.ts";
import { LISTINGS_PER_AUTHOR } from "../../src/core/listings/author-quota.ts";
import { createListing } from "../../src/core/listings/draft.ts";
import { QuotaKeeper } from "../../src/core/listings/quota.ts";
import { MemoryNetwork } from "../support/memory-link.ts";
import { MemoryStore } from "../support/memory-store.ts";
import { buildPeer, type TestPeer } from "../support/peers.ts";
import { draft } from "./fixtures.ts";

const peers: TestPeer[] = [];
afterEach(async () => {
  for (const peer of peers.splice(0)) await peer.close();
  vi.restoreAllMocks();
});

describe("a flood of listings from one identity", () => {
  it("keeps the author's newest listings up to the cap, strikes nobody, and still takes others'", async () => {
    const network = new MemoryNetwork();
    const hub = await buildPeer(network, { memory: true });
    peers.push(hub);
    const [mallory, honest] = await Promise.all([generateIdentity(Date.now()), generateIdentity(Date.now())]);
    const flood = [];
    for (let i = 0; i < LISTINGS_PER_AUTHOR * 2; i++)
      flood.push(await createListing(mallory, draft({ title: `Flood ${i}` }), Date.now() - 10_000 + i));
    const relayer = "pb-relayerrelayerrelayerrela";
    for (let i = 0; i < flood.length; i += 20) await hub.listings.accept(relayer, flood.slice(i, i + 20));
    const stored = await hub.store.listListings();
    expect(stored.filter((l) => l.author === mallory.peerId)).toHaveLength(LISTINGS_PER_AUTHOR);
    // The newest are the ones kept.
    expect(stored.map((l) => l.id)).toContain(flood.at(-1)?.id);
    expect(stored.map((l) => l.id)).not.toContain(flood[0]?.id);
    expect(hub.session.policy.standing(relayer).total).toBe(0);
    const fair = await createListing(honest, draft({ title: "Honest" }), Date.now());
    await hub.listings.accept(relayer, [fair]);
    expect(await hub.store.getListing(fair.id)).toEqual(fair);
  });

  it("under storage pressure the author holding the most is pruned first", async () => {
    const store = new MemoryStore();
    const [me, mallory] = await Promise.all([generateIdentity(Date.now()), generateIdentity(Date.now())]);
    const honest = [];
    // Honest listings are the oldest here: oldest-first alone would prune them first.
    for (let a = 0; a < 10; a++) {
      const author = await generateIdentity(Date.now());
      for (let i = 0; i < 5; i++) {
        const listing = await createListing(author, draft({ title: `Honest ${a}.${i}` }), Date.now() - 100_000 + i);
        honest.push(listing);
        await store.putListingIf(listing, () => true);
      }
    }
    for (let i = 0; i < 100; i++)
      await store.putListingIf(
        await createListing(mallory, draft({ title: `Flood ${i}` }), Date.now() + i),
        () => true,
      );
    let usage = 95;
    const keeper = new QuotaKeeper(store, {
      me: me.peerId,
      estimate: async () => ({ usage, quota: 100 }),
      notify: () => {},
      pruned: async (ids) => {
        // Each listing pruned frees 0.3 % of the quota: two batches of 50 bring usage under 75 %.
        usage -= ids.length * 0.3;
      },
      now: Date.now,
    });
    expect(await keeper.check()).toBeGreaterThan(0);
    const left = (await store.listListings()).map((l) => l.id);
    for (const listing of honest) expect(left).toContain(listing.id);
  });
});
