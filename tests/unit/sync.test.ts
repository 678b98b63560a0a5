import "fake-indexeddb/auto";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { generateIdentity, type PeerId } from "../../src/core/crypto.ts";
import { createListing } from "../../src/core/listings/draft.ts";
import type { Listing } from "../../src/core/listings/records.ts";
import { FIRST_SCREEN, type SyncProgress } from "../../src/core/sync/sync.ts";
import { type Frame, frame, parseFrame } from "../../src/core/wire.ts";
import type { MemoryNetwork } from "../support/memory-link.ts";
import { post, type TestPeer } from "../support/peers.ts";
import { usePeers } from "../support/use-peers.ts";
import { draft, nextVersion } from "./fixtures.ts";

const WAIT = { timeout: 5_000, interval: 5 };

const peers = usePeers({ quiet: true });
let network: MemoryNetwork;
beforeEach(() => {
  network = peers.network();
});
const node = () => peers.node();
const connectReady = peers.connect;
type Node = TestPeer;

/** Listings by a third author, as if learnt earlier from someone else. */
async function foreignListings(count: number, prefix: string): Promise<Listing[]> {
  const author = await generateIdentity(Date.now());
  const out: Listing[] = [];
  for (let i = 0; i < count; i++)
    out.push(await createListing(author, draft({ title: `${prefix} ${i}` }), Date.now() - i));
  return out;
}

async function seed(n: Node, listings: Listing[]): Promise<void> {
  for (const listing of listings) await n.store.putListingIf(listing, () => true);
}

const ids = async (n: Node) => (await n.store.listListings()).map((l) => `${l.id}@${l.version}`).sort();

function listingsCarried(from: PeerId, to: PeerId): number {
  return network.sent
    .filter((s) => s.from === from && s.to === to && (s.frame as Frame).type === "LISTING_BROADCAST")
    .reduce((sum, s) => sum + (s.frame as { listings: unknown[] }).listings.length, 0);
}

describe("sync on connect (reconcile)", () => {
  it("ends with both holding the union, and moves only the listings the other side lacked", async () => {
    const a = await node();
    const b = await node();
    const shared = await foreignListings(80, "Shared");
    const onlyA = await foreignListings(7, "Only A");
    const onlyB = await foreignListings(5, "Only B");
    await seed(a, [...shared, ...onlyA]);
    await seed(b, [...shared, ...onlyB]);
    await connectReady(a, b);
    const union = [...shared, ...onlyA, ...onlyB].map((l) => `${l.id}@${l.version}`).sort();
    await vi.waitFor(async () => {
      expect(await ids(a)).toEqual(union);
      expect(await ids(b)).toEqual(union);
    }, WAIT);
    expect(listingsCarried(a.id, b.id)).toBe(7);
    expect(listingsCarried(b.id, a.id)).toBe(5);
    const syncFrames = network.sent.filter((s) => (s.frame as Frame).type === "SYNC");
    expect(syncFrames.length).toBeGreaterThan(0);
    for (const s of syncFrames) expect(parseFrame(s.frame).ok).toBe(true);
  });

  it("carries a newer version of a listing both sides know", async () => {
    const a = await node();
    const b = await node();
    const v1 = await createListing(a.identity, draft({ title: "Chair" }), Date.now() - 10_000);
    const v2 = await nextVersion(a.identity, v1, { title: "Chair, reduced", updatedAt: Date.now() });
    await seed(a, [v1]);
    await seed(b, [v2]);
    await connectReady(a, b);
    await vi.waitFor(async () => expect(await a.store.getListing(v1.id)).toEqual(v2), WAIT);
    expect(await b.store.getListing(v1.id)).toEqual(v2);
    // The stale v1 is never asked for.
    expect(listingsCarried(a.id, b.id)).toBe(0);
  });

  it("reports progress of the requested listings and resets when all have arrived", async () => {
    const a = await node();
    const b = await node();
    // More than the newest records a holder pushes to a newcomer unasked (FIRST_SCREEN): those
    // are not requested, and whether the rest's requests leave before or after they arrive is
    // timing, so the total is between the two.
    const count = FIRST_SCREEN + 90;
    await seed(b, await foreignListings(count, "Old"));
    const seen: SyncProgress[] = [];
    a.sync?.onProgress((p) => seen.push(p));
    await connectReady(a, b);
    await vi.waitFor(async () => expect(await a.store.listListings()).toHaveLength(count), WAIT);
    await vi.waitFor(() => expect(seen.at(-1)).toEqual({ received: 0, total: 0 }), WAIT);
    const total = Math.max(...seen.map((p) => p.total));
    expect(total).toBeGreaterThanOrEqual(count - FIRST_SCREEN);
    expect(total).toBeLessThanOrEqual(count);
    expect(seen).toContainEqual({ received: total, total });
    // Counted as they come, not only at the end.
    expect(seen.some((p) => p.total === total && p.received > 0 && p.received < total)).toBe(true);
  }, 15_000);
});

describe("gossip: announce and pull", () => {
  const announce = (listing: Listing) =>
    frame({ type: "SYNC", set: "listings", from: [0, ""], ranges: [], have: [[listing.updatedAt, listing.id]] });

  it("a relay announces a listing rather than pushing it; a hub that hears of it from two peers pulls it once", async () => {
    // A is connected to B and C; D only to B and C.
    const [a, b, c, d] = await peers.diamond(() => node());
    const posted = await post(a, draft({ title: "Diamond" }));
    await vi.waitFor(async () => expect(await d.store.getListing(posted.id)).toEqual(posted), WAIT);
    await new Promise((resolve) => setTimeout(resolve, 50));
    // The author sends it whole to its peers; D gets one copy, from whichever announced first.
    expect(listingsCarried(a.id, b.id) + listingsCarried(a.id, c.id)).toBe(2);
    expect(listingsCarried(b.id, d.id) + listingsCarried(c.id, d.id)).toBe(1);
    expect(listingsCarried(b.id, c.id) + listingsCarried(c.id, b.id)).toBe(0);
    const requests = network.sent.filter((s) => s.to !== d.id && (s.frame as Frame).type === "LISTING_REQUEST");
    expect(requests.map((s) => s.from)).toEqual([d.id]);
  });

  it("when the peer asked leaves without answering, another peer that announced the listing is asked", async () => {
    const [b, d, e] = await Promise.all([node(), node(), node()]);
    const [listing] = await foreignListings(1, "Wanted");
    if (!listing) throw new Error("no listing");
    await seed(b, [listing]);
    // E announces a listing it cannot deliver; D asks E, then meets B, who holds it.
    await connectReady(d, e);
    e.session.send(d.id, announce(listing));
    await vi.waitFor(() => expect(requestsFor(e.id, d.id)).toBe(1), WAIT);
    await connectReady(d, b);
    b.session.send(d.id, announce(listing));
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Already on its way from E as far as D knows: neither reconciliation nor the announcement asks B.
    expect(requestsFor(b.id, d.id)).toBe(0);
    network.disconnect(d.id, e.id);
    await vi.waitFor(async () => expect(await d.store.getListing(listing.id)).toEqual(listing), WAIT);
  });

  it("our own listing that comes back from a peer (as after an identity import) is announced, not pushed", async () => {
    const [a, b, c] = await Promise.all([node(), node(), node()]);
    const mine = await createListing(a.identity, draft({ title: "Written on the old device" }), Date.now());
    await seed(b, [mine]);
    await connectReady(a, c);
    await connectReady(a, b);
    await vi.waitFor(async () => expect(await c.store.getListing(mine.id)).toEqual(mine), WAIT);
    // C asked A for it after an announcement: A did not push its old listing to everyone.
    expect(requestsFor(a.id, c.id)).toBe(1);
  });

  function requestsFor(to: PeerId, from: PeerId): number {
    return network.sent.filter((s) => s.from === from && s.to === to && (s.frame as Frame).type === "LISTING_REQUEST")
      .length;
  }
});

describe("bad SYNC frames", () => {
  async function pair() {
    const a = await node();
    const b = await node();
    await connectReady(a, b);
    return { a, b };
  }

  const sync = (body: Record<string, unknown>) =>
    ({ v: 1, type: "SYNC", id: "bad-sync", set: "listings", from: [0, ""], ranges: [], ...body }) as unknown as Frame;

  it("drops a SYNC whose ranges go backwards, counts it, and changes nothing stored", async () => {
    const { a, b } = await pair();
    const before = await ids(a);
    b.session.send(a.id, sync({ from: [10, ""], ranges: [{ b: [5, ""], fp: "A".repeat(22) }] }));
    await vi.waitFor(() => expect(a.session.policy.score(b.id)).toBeGreaterThan(0), WAIT);
    expect(await ids(a)).toEqual(before);
  });

  it("drops a malformed SYNC (unknown set, bad fingerprint) and counts it", async () => {
    const { a, b } = await pair();
    b.session.send(a.id, sync({ set: "deals" }));
    b.session.send(a.id, sync({ ranges: [{ b: [5, ""], fp: "not base64!" }] }));
    await vi.waitFor(() => expect(a.session.policy.score(b.id)).toBe(4), WAIT);
  });

  it("drops an oversized SYNC before parsing it, and counts it", async () => {
    const { a, b } = await pair();
    const have = Array.from({ length: 2000 }, (_, i) => [i, `${"k".repeat(40)}${i}`]);
    b.session.send(a.id, sync({ have }));
    await vi.waitFor(() => expect(a.session.policy.score(b.id)).toBe(5), WAIT);
    expect(await a.store.listListings()).toEqual([]);
  });

  it("disconnects a peer that keeps sending bad SYNC frames", async () => {
    const { a, b } = await pair();
    for (let i = 0; i < 10; i++) b.session.send(a.id, sync({ set: "nope" }));
    await vi.waitFor(() => expect(a.session.readyPeers()).not.toContain(b.id), WAIT);
  });
});

it("the SYNC type belongs to the sync extension", async () => {
  const a = await node();
  expect(() => a.session.use({ types: ["SYNC"] })).toThrow(/already handled/);
  expect(frame({ type: "SYNC", set: "listings", from: [0, ""], ranges: [] }).type).toBe("SYNC");
});
