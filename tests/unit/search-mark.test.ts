// The search index told each stored version with its number in the store's change log
// (search-mark.ts): a save after a sync reads nothing back, a version told after a newer one of
// the same listing is not applied, and a change never told leaves a gap the save reads the log
// from. Whatever the order of the telling, the index answers as one built from every stored listing.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Listing } from "../../src/core/listings/records.ts";
import { Search } from "../../src/core/search/search.ts";
import { SEARCH_SNAPSHOT_KEY } from "../../src/core/search/search-copy.ts";
import { SearchIndex, type SearchSnapshot } from "../../src/core/search/search-index.ts";
import type { SearchQuery } from "../../src/core/search/search-query.ts";
import type { Store } from "../../src/core/store.ts";
import { MemoryStore } from "../support/memory-store.ts";
import { unsignedListing } from "./fixtures.ts";

const NOW = 1_700_000_000_000;
const QUERIES: SearchQuery[] = [{}, { text: "bike" }, { text: "lamp" }, { sort: "price-asc" }];

function listing(n: number, changes: Partial<Listing> = {}): Listing {
  const at = NOW - n * 1000;
  const title = n % 2 ? "red bike" : "oak lamp";
  return unsignedListing(
    { id: `listing-${n}`, createdAt: at, updatedAt: at, title, description: `thing ${n}`, price: n, ...changes },
    NOW,
  );
}

/** A store that counts the listings read back and the reads of the change log. */
function counted(store: Store) {
  const reads = { listings: 0, log: 0 };
  const proxy = new Proxy(store, {
    get(target, property, receiver) {
      if (property === "getListings")
        return (ids: string[]) => {
          reads.listings += ids.length;
          return target.getListings(ids);
        };
      if (property === "listListingChangesAfter")
        return (seq: number, limit: number) => {
          reads.log++;
          return target.listListingChangesAfter(seq, limit);
        };
      const value = Reflect.get(target, property, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { store: proxy, reads };
}

async function agrees(store: Store, search: Search): Promise<void> {
  for (const query of QUERIES) {
    const index = new SearchIndex();
    for (const l of await store.listListings()) index.add(l);
    const { listings, total } = await search.search(query);
    expect({ ids: listings.map((l) => l.id), total }, JSON.stringify(query)).toEqual(index.query(query, NOW));
  }
}

const savedMark = async (store: Store) => (await store.getMeta<SearchSnapshot>(SEARCH_SNAPSHOT_KEY))?.mark;
const lastSeq = async (store: Store) => (await store.listListingChangesAfter(0, 100_000)).at(-1)?.seq;

describe("the search index told the change numbers of the store's writes", () => {
  it("a save after a sync reads no listing back and one page of the log", async () => {
    const memory = new MemoryStore();
    const { store, reads } = counted(memory);
    // No save of its own in the middle (the hub's waits for the sync to pause: save-schedule.ts).
    const search = new Search(store, () => NOW, { saveAfter: Number.POSITIVE_INFINITY });
    await search.ready;
    for (let n = 0; n < 3_000; n += 250) {
      const batch = Array.from({ length: 250 }, (_, i) => listing(n + i));
      for (const { listing: l, seq } of await store.putListingsIf(batch, () => true)) search.update(l, seq);
    }
    reads.listings = 0;
    reads.log = 0;
    const last = await lastSeq(memory);
    await search.save();
    expect(reads).toEqual({ listings: 0, log: 1 });
    expect(await savedMark(store)).toBe(last);
    // The next start finds the copy covering every change: nothing to replay.
    const again = counted(memory);
    const restarted = new Search(again.store, () => NOW);
    await restarted.ready;
    expect(again.reads.listings).toBe(0);
    await agrees(memory, restarted);
  });

  it("a version told after a newer one of the same listing is not applied", async () => {
    const store = new MemoryStore();
    const search = new Search(store, () => NOW);
    await search.ready;
    const older = listing(1, { version: 2, title: "old lamp" });
    const newer = listing(1, { version: 3, title: "red bike" });
    const first = await store.putListingIf(older, () => true);
    const second = await store.putListingIf(newer, () => true);
    search.update(newer, second);
    search.update(older, first);
    expect((await search.search({ text: "lamp" })).total).toBe(0);
    expect((await search.search({ text: "bike" })).total).toBe(1);
    await search.save();
    await agrees(store, new Search(store, () => NOW));
  });

  it("a delete told before the write it follows keeps the listing out", async () => {
    const store = new MemoryStore();
    const search = new Search(store, () => NOW);
    await search.ready;
    const written = await store.putListingIf(listing(1), () => true);
    const deleted = await store.deleteListingIf(listing(1).id, () => true);
    search.remove(listing(1).id, deleted);
    search.update(listing(1), written);
    expect((await search.search({})).total).toBe(0);
    await search.save();
    expect(await savedMark(store)).toBe(deleted);
    await agrees(store, new Search(store, () => NOW));
  });

  it("a change never told leaves a gap: the save reads the log from it, and the copy covers it", async () => {
    const memory = new MemoryStore();
    const { store, reads } = counted(memory);
    const search = new Search(store, () => NOW);
    await search.ready;
    search.update(listing(1), await store.putListingIf(listing(1), () => true));
    await store.putListingIf(listing(2), () => true); // the hub stopped before telling the index
    search.update(listing(3), await store.putListingIf(listing(3), () => true));
    expect((await search.search({})).total).toBe(2);
    reads.listings = 0;
    const last = await lastSeq(memory);
    await search.save();
    // Listing 2 and the one told after it, read back from the log.
    expect(reads.listings).toBe(2);
    expect((await search.search({})).total).toBe(3);
    expect(await savedMark(store)).toBe(last);
    await agrees(memory, new Search(memory, () => NOW));
  });

  it("told in any order, late or never, with saves and restarts between, it answers as the store (fast-check)", async () => {
    const step = fc.oneof(
      fc.record({ op: fc.constantFrom("put" as const, "prune" as const), n: fc.nat(5), tell: fc.nat(2) }),
      fc.record({ op: fc.constantFrom("deliver" as const, "save" as const, "restart" as const) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 40 }), fc.boolean(), async (steps, reverse) => {
        const store = new MemoryStore();
        let search = new Search(store, () => NOW, { saveAfter: 3 });
        // Tells held back, delivered later in reverse or in order. tell 0: now, 1: later, 2: never.
        let held: (() => void)[] = [];
        let version = 1;
        for (const s of steps) {
          if (s.op === "put" || s.op === "prune") {
            const target = search;
            version++;
            const next = listing(s.n, { version, title: version % 2 ? "red bike" : "oak lamp" });
            const seq =
              s.op === "put"
                ? await store.putListingIf(next, () => true)
                : await store.deleteListingIf(next.id, () => true);
            if (seq === undefined) continue;
            const tell = () => (s.op === "put" ? target.update(next, seq) : target.remove(next.id, seq));
            if (s.tell === 0) tell();
            else if (s.tell === 1) held.push(tell);
          } else if (s.op === "deliver") {
            for (const tell of reverse ? held.reverse() : held) tell();
            held = [];
          } else if (s.op === "save") {
            await search.save();
          } else {
            // The hub stopped: what it had not told yet is never told.
            held = [];
            search = new Search(store, () => NOW, { saveAfter: 3 });
          }
        }
        for (const tell of held) tell();
        await search.save();
        await agrees(store, search);
        await agrees(store, new Search(store, () => NOW));
      }),
      { numRuns: Number(process.env.FC_RUNS ?? 80) },
    );
  });
});
