// A newcomer's first sync of a big board from its only holder (an always-on peer) completes:
// the holder paces its answers inside the receiver's limits, and what is lost on the way (over the
// holder's answer budget) is asked again of that same holder once it can answer.

import { afterEach, describe, expect, it, vi } from "vitest";
import { generateIdentity } from "../../src/core/crypto.ts";
import { createListing } from "../../src/core/listings/draft.ts";
import type { Listing } from "../../src/core/listings/records.ts";
import { ASKS_MAX, PENDING_TTL_MS, PendingFetches } from "../../src/core/sync/pending-fetches.ts";
import { FIRST_SCREEN } from "../../src/core/sync/sync.ts";
import { frame } from "../../src/core/wire.ts";
import { ManualClock } from "../support/manual-clock.ts";
import { MemoryNetwork } from "../support/memory-link.ts";
import { buildPeer, type TestPeer, type TestPeerOptions } from "../support/peers.ts";
import { draft } from "./fixtures.ts";

const peers: TestPeer[] = [];
afterEach(async () => {
  for (const peer of peers.splice(0)) await peer.close();
});

async function node(network: MemoryNetwork, options: TestPeerOptions = {}) {
  const peer = await buildPeer(network, { memory: true, ...options });
  peers.push(peer);
  return peer;
}

/** `count` listings from a few authors (200 each, under the per-author cap), ~450 bytes each. */
async function board(count: number): Promise<Listing[]> {
  const authors = await Promise.all(Array.from({ length: Math.ceil(count / 200) }, () => generateIdentity(Date.now())));
  const now = Date.now();
  return Promise.all(
    Array.from({ length: count }, (_, i) =>
      createListing(authors[i % authors.length] as never, draft({ title: `Listing ${i}` }), now - 60_000 + i),
    ),
  );
}

async function holderAndNewcomer(
  listings: Listing[],
  holder: TestPeerOptions,
  newcomer: TestPeerOptions,
  network = new MemoryNetwork(),
) {
  const hub = await node(network, holder);
  await hub.store.putListingsIf(listings, () => true);
  const fresh = await node(network, newcomer);
  network.connect(fresh.id, hub.id);
  return { hub, fresh };
}

const held = async (peer: TestPeer) => (await peer.store.listListings()).length;

describe("a newcomer's first sync of a big board", () => {
  it("arrives whole when the board is larger than the receiver's burst: the holder paces its answers", async () => {
    // Both run the same small limits, so the holder knows what the newcomer accepts: 600 listings
    // (~300 KB with the reconciliation) against a 120 KB burst and 150 KB/s.
    const policy = { burstBytes: 120_000, bytesPerSecond: 150_000 };
    const listings = await board(600);
    const { hub, fresh } = await holderAndNewcomer(listings, { policy }, { policy });
    await vi.waitFor(async () => expect(await held(fresh)).toBe(600), { timeout: 15_000, interval: 200 });
    // Nothing was dropped on the way in: an overrun is a flood strike against the holder.
    expect(fresh.session.policy.standing(hub.id).score).toBe(0);
    expect(hub.session.pacer.waiting(fresh.id)).toBe(0);
  }, 30_000);

  it("completes when the only holder dropped part of its answer: the rest is asked again of it", async () => {
    const clock = new ManualClock();
    // The holder can answer ~150 KB at once and 300 KB a minute after that: the first answer
    // covers about half of the 600 listings and the rest is dropped, unread.
    const answerBudget = { burstBytes: 150_000, bytesPerMinute: 300_000 };
    const listings = await board(600);
    const { hub, fresh } = await holderAndNewcomer(listings, { clock, answerBudget }, { clock });
    await vi.waitFor(() => expect(fresh.sync?.outstanding("listings")).toBeGreaterThan(0));
    await vi.waitFor(async () => expect(await held(fresh)).toBeGreaterThan(0));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const first = await held(fresh);
    expect(first).toBeLessThan(600);
    // The request times out; the holder is the only one that has the rest, so it is asked again.
    for (let minute = 0; minute < 4 && (await held(fresh)) < 600; minute++) {
      clock.advance(61_000 * 2 ** minute);
      await new Promise((resolve) => setTimeout(resolve, 300));
      await hub.session.whenIdle(fresh.id);
      await fresh.session.whenIdle(hub.id);
    }
    expect(await held(fresh)).toBe(600);
    expect(fresh.sync?.outstanding("listings")).toBe(0);
  }, 30_000);
});

describe("the order a first sync asks in", () => {
  it("a newcomer gets the newest listings at once, then asks for the rest newest first, so the board fills from the top", async () => {
    const network = new MemoryNetwork();
    const listings = await board(1200);
    const { hub, fresh } = await holderAndNewcomer(listings, {}, {}, network);
    await vi.waitFor(async () => expect(await held(fresh)).toBe(1200), { timeout: 15_000 });
    const type = (s: { frame: unknown }) => (s.frame as { type: string }).type;
    const requests = network.sent.filter((s) => s.from === fresh.id && type(s) === "LISTING_REQUEST");
    const asked = requests.flatMap((s) => (s.frame as { ids: string[] }).ids);
    const beforeAsking = network.sent.slice(0, network.sent.indexOf(requests[0] as (typeof network.sent)[0]));
    const pushed = beforeAsking
      .filter((s) => s.from === hub.id && type(s) === "LISTING_BROADCAST")
      .flatMap((s) => (s.frame as { listings: Listing[] }).listings.map((l) => l.id));
    const newest = [...listings].sort((a, b) => b.updatedAt - a.updatedAt).map((l) => l.id);
    // The holder sends the newest screenful unasked, before any key list, and lists it no more.
    expect(new Set(pushed)).toEqual(new Set(newest.slice(0, FIRST_SCREEN)));
    expect(asked).toHaveLength(1200 - FIRST_SCREEN);
    // The first request frame holds the newest 500 of the rest, and so on down.
    expect(new Set(asked.slice(0, 500))).toEqual(new Set(newest.slice(FIRST_SCREEN, FIRST_SCREEN + 500)));
    expect(new Set(asked.slice(500, 1000))).toEqual(new Set(newest.slice(FIRST_SCREEN + 500, FIRST_SCREEN + 1000)));
  }, 30_000);

  it("a newcomer opens the exchange even when the holder's id is the smaller, so its answer needs no fingerprint round", async () => {
    const network = new MemoryNetwork();
    const hub = await node(network);
    await hub.store.putListingsIf(await board(100), () => true);
    // Ids are random: the rule that the smaller id opens would leave this newcomer waiting.
    let fresh = await node(network);
    while (fresh.id < hub.id) fresh = await node(network);
    network.connect(fresh.id, hub.id);
    await vi.waitFor(async () => expect(await held(fresh)).toBe(100), { timeout: 15_000 });
    const opening = network.sent.find((s) => s.from === fresh.id && (s.frame as { type: string }).type === "SYNC")
      ?.frame as { set: string; ranges: unknown[] } | undefined;
    expect(opening?.ranges).toEqual([{ b: [Number.MAX_SAFE_INTEGER, ""], ids: [] }]);
  }, 30_000);
});

describe("a peer that says it holds nothing", () => {
  it("gets the newest records unasked once, however often it says so", async () => {
    const network = new MemoryNetwork();
    const { hub, fresh } = await holderAndNewcomer(await board(200), {}, {}, network);
    await vi.waitFor(async () => expect(await held(fresh)).toBe(200), { timeout: 15_000 });
    const carried = () =>
      network.sent
        .filter((s) => s.from === hub.id && (s.frame as { type: string }).type === "LISTING_BROADCAST")
        .reduce((n, s) => n + (s.frame as { listings: unknown[] }).listings.length, 0);
    const before = carried();
    const opening = frame({
      type: "SYNC",
      set: "listings",
      from: [0, ""],
      ranges: [{ b: [Number.MAX_SAFE_INTEGER, ""], ids: [] }],
    });
    const framesIn = () => hub.session.connectedPeers().find((p) => p.id === fresh.id)?.framesIn ?? 0;
    const received = framesIn();
    for (let i = 0; i < 3; i++) fresh.session.send(hub.id, { ...opening, id: `again-${i}` });
    await vi.waitFor(() => expect(framesIn()).toBeGreaterThanOrEqual(received + 3));
    await hub.session.whenIdle(fresh.id);
    expect(carried()).toBe(before);
  }, 30_000);
});

describe("records asked of a holder that never delivers", () => {
  it("are asked again of their only holder with growing waits, ASKS_MAX times in all, then given up", () => {
    const pending = new PendingFetches();
    const ready = new Set(["pb-holder"]);
    expect(pending.want("pb-holder", "listing-1", 5, 0)).toBe("new");
    const asks = [0];
    let now = 0;
    for (;;) {
      const deadline = pending.nextDeadline();
      if (deadline === undefined) break;
      now = deadline;
      const retry = pending.reassign(ready, now);
      if (!retry.size) break;
      expect(retry.get("pb-holder")).toEqual(["listing-1"]);
      asks.push(now);
    }
    expect(asks).toEqual([0, PENDING_TTL_MS, 3 * PENDING_TTL_MS, 7 * PENDING_TTL_MS]);
    expect(asks).toHaveLength(ASKS_MAX);
    expect(pending.size).toBe(0);
  });

  it("go to another announcer first, and are not asked again of a holder that left", () => {
    const pending = new PendingFetches();
    pending.want("pb-a", "listing-1", 5, 0);
    pending.want("pb-b", "listing-1", 5, 0);
    expect(pending.reassign(new Set(["pb-a", "pb-b"]), PENDING_TTL_MS)).toEqual(new Map([["pb-b", ["listing-1"]]]));
    expect(pending.reassign(new Set(["pb-a"]), PENDING_TTL_MS, "pb-b").size).toBe(0);
    expect(pending.size).toBe(0);
  });
});
