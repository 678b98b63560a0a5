// The search index while a sync streams listings in: it saves itself once the stream pauses, not
// in the middle of it, and a hub that stops while the save waits loses nothing (its next start
// replays the log); the board's count, asked again and again, reads no listing.

import { describe, expect, it } from "vitest";
import type { Listing } from "../../src/core/listings/records.ts";
import { SAVE_QUIET_MS, SAVE_WAIT_MAX_MS } from "../../src/core/search/save-schedule.ts";
import { Search } from "../../src/core/search/search.ts";
import { SEARCH_SNAPSHOT_KEY } from "../../src/core/search/search-copy.ts";
import type { SearchSnapshot } from "../../src/core/search/search-index.ts";
import { ManualClock } from "../support/manual-clock.ts";
import { MemoryStore } from "../support/memory-store.ts";
import { unsignedListing } from "./fixtures.ts";

const NOW = Date.now();

function listing(n: number): Listing {
  const at = NOW - n * 1000;
  return unsignedListing(
    { id: `listing-${n}`, createdAt: at, updatedAt: at, title: `bike number${n}`, description: `thing ${n}`, price: n },
    NOW,
  );
}

/** Stores listings `from`..`to` (one write each, as a sync's groups are) and tells the index. */
async function write(store: MemoryStore, search: Search, from: number, to: number): Promise<void> {
  for (let n = from; n < to; n++)
    for (const stored of await store.putListingsIf([listing(n)], () => true)) search.update(stored.listing, stored.seq);
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));
const savedMark = async (store: MemoryStore) => (await store.getMeta<SearchSnapshot>(SEARCH_SNAPSHOT_KEY))?.mark;

describe("when the search index saves itself", () => {
  it("waits while changes keep coming, and saves them all once they pause", async () => {
    const store = new MemoryStore();
    const clock = new ManualClock();
    const search = new Search(store, () => clock.now(), { saveAfter: 5, clock });
    await search.ready;
    for (let round = 0; round < 10; round++) {
      await write(store, search, round * 3, round * 3 + 3);
      clock.advance(SAVE_QUIET_MS / 2);
      await settle();
    }
    // 30 changes, six times the save's threshold, and none saved: they never paused.
    expect(await savedMark(store)).toBeUndefined();
    clock.advance(SAVE_QUIET_MS);
    await search.save();
    expect(await savedMark(store)).toBe(30);
    expect((await store.listListingChangesAfter(0, 100)).length).toBe(0);
  });

  it("saves a stream that never pauses after SAVE_WAIT_MAX_MS", async () => {
    const store = new MemoryStore();
    const clock = new ManualClock();
    const search = new Search(store, () => clock.now(), { saveAfter: 10, clock });
    await search.ready;
    await write(store, search, 0, 10);
    const started = clock.now();
    let n = 10;
    // One change every half of the quiet time: never a pause long enough.
    while (clock.now() - started < SAVE_WAIT_MAX_MS - SAVE_QUIET_MS / 2) {
      clock.advance(SAVE_QUIET_MS / 2);
      await write(store, search, n, ++n);
    }
    await settle();
    expect(await savedMark(store)).toBeUndefined();
    clock.advance(SAVE_QUIET_MS / 2);
    await write(store, search, n, ++n);
    await settle();
    expect(await savedMark(store)).toBe(n);
  });

  it("a hub that stops while the save waits finds every listing at its next start", async () => {
    const store = new MemoryStore();
    const clock = new ManualClock();
    const first = new Search(store, () => clock.now(), { saveAfter: 5, clock });
    await first.ready;
    await write(store, first, 0, 12);
    await settle();
    expect(await savedMark(store)).toBeUndefined();
    // The hub stopped here: its waiting save never ran. The next start reads the log.
    const next = new Search(store, () => clock.now(), { saveAfter: 5 });
    const { listings, total } = await next.search({ text: "bike", limit: 100 });
    expect(total).toBe(12);
    expect(listings.map((l) => l.id).sort()).toEqual(Array.from({ length: 12 }, (_, n) => `listing-${n}`).sort());
  });
});

describe("the board's count", () => {
  it("is the total a search finds, hidden authors left out, and reads no listing", async () => {
    const store = new MemoryStore();
    await store.putListingsIf(
      Array.from({ length: 30 }, (_, n) => ({ ...listing(n), ...(n % 3 ? {} : { author: "pb-hidden" }) })),
      () => true,
    );
    const search = new Search(store, () => NOW, { hidden: (author) => author === "pb-hidden" });
    await search.ready;
    let reads = 0;
    const getListings = store.getListings.bind(store);
    store.getListings = (ids) => {
      reads += ids.length;
      return getListings(ids);
    };
    expect(await search.count()).toBe(20);
    expect(await search.count({ text: "number1" })).toBe((await search.search({ text: "number1" })).total);
    reads = 0;
    await search.count();
    expect(reads).toBe(0);
  });
});
