// The search index kept in the store: a start reads the saved copy and replays the store's
// listing change log after it, never every listing, and whatever happened to the store before
// (edits, tombstones, pruning, a crash between a store write and the index) the index answers
// exactly as one built from every stored listing would.

import "fake-indexeddb/auto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DAY_MS, type Listing, newListingId } from "../../src/core/listings/records.ts";
import { Search } from "../../src/core/search/search.ts";
import { SEARCH_SNAPSHOT_KEY, SEARCH_WORDS_KEYS } from "../../src/core/search/search-copy.ts";
import { SearchIndex, type SearchSnapshot } from "../../src/core/search/search-index.ts";
import type { SearchQuery } from "../../src/core/search/search-query.ts";
import { SNAPSHOT_FORMAT } from "../../src/core/search/search-snapshot.ts";
import type { Store } from "../../src/core/store.ts";
import { openIdbStore } from "../../src/worker/idb-store.ts";
import { MemoryStore } from "../support/memory-store.ts";
import { unsignedListing } from "./fixtures.ts";

const NOW = 1_700_000_000_000;
const WORDS = ["red", "bike", "blue", "bicycle", "lamp", "chair", "old", "oak"];
const QUERIES: SearchQuery[] = [
  {},
  { text: "b" },
  { text: "bi red" },
  { text: "lamp" },
  { sort: "price-asc" },
  { sort: "price-desc", text: "o" },
  { category: "housing" },
  { maxPrice: 500 },
  { limit: 100, offset: 3 },
];

function listing(n: number, changes: Partial<Listing> = {}): Listing {
  const at = NOW - n * 1000;
  return unsignedListing(
    {
      id: `listing-${n}`,
      author: n % 5 === 0 ? "pb-blockedblockedblockedblock" : "pb-aaaaaaaaaaaaaaaaaaaaaaaaaa",
      createdAt: at,
      updatedAt: at,
      expiresAt: NOW + (n % 7 === 0 ? -1 : DAY_MS),
      kind: n % 3 ? "offer" : "wanted",
      category: n % 4 ? "for-sale" : "housing",
      title: `${WORDS[n % WORDS.length]} ${WORDS[(n * 3) % WORDS.length]}`,
      description: `thing ${n}`,
      pricing: n % 6 === 0 ? "free" : "amount",
      price: n % 6 === 0 ? null : (n * 37) % 1000,
      ...changes,
    },
    NOW,
  );
}

const hidden = (author: string) => author.startsWith("pb-blocked");

/** What a query finds in an index built from every listing the store holds now. */
async function expected(store: Store, query: SearchQuery): Promise<{ ids: string[]; total: number }> {
  const index = new SearchIndex();
  for (const l of await store.listListings()) index.add(l);
  return index.query(query, NOW, hidden);
}

async function answers(search: Search, query: SearchQuery): Promise<{ ids: string[]; total: number }> {
  const { listings, total } = await search.search(query);
  return { ids: listings.map((l) => l.id), total };
}

async function agrees(store: Store, search: Search): Promise<void> {
  for (const query of QUERIES)
    expect(await answers(search, query), JSON.stringify(query)).toEqual(await expected(store, query));
}

/** A store that counts full reads and listing reads. */
function counted(store: Store) {
  const reads = { listAll: 0, listings: 0 };
  const proxy = new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (property === "listListings") reads.listAll++;
      if (property === "getListings")
        return (ids: string[]) => {
          reads.listings += ids.length;
          return target.getListings(ids);
        };
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { store: proxy, reads };
}

/**
 * A store whose saves can be torn (the hub stops after writing the words and before the entries:
 * the entries' write fails) and whose reads of the words can be held back.
 */
function tearable(store: Store) {
  const control = { tear: false, holdWords: undefined as Promise<void> | undefined, wordReads: 0 };
  const proxy = new Proxy(store, {
    get(target, property, receiver) {
      if (property === "setMeta")
        return async (key: string, value: unknown) => {
          if (key === SEARCH_SNAPSHOT_KEY && control.tear) throw new Error("the hub stopped here");
          return target.setMeta(key, value);
        };
      if (property === "getMeta")
        return async (key: string) => {
          if (key !== SEARCH_SNAPSHOT_KEY) {
            control.wordReads++;
            await control.holdWords;
          }
          return target.getMeta(key);
        };
      const value = Reflect.get(target, property, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { store: proxy, control };
}

const stores: [string, () => Promise<Store>][] = [
  ["MemoryStore", async () => new MemoryStore()],
  ["IndexedDB", () => openIdbStore(`search-persistence-${Math.random().toString(36).slice(2)}`)],
];

describe.each(stores)("the search index kept in the store (%s)", (_name, open) => {
  it("a start reads the saved copy and only the listings changed after it, never every listing", async () => {
    const store = await open();
    await store.putListingsIf(
      Array.from({ length: 300 }, (_, i) => listing(i)),
      () => true,
    );
    const first = new Search(store, () => NOW, { hidden });
    await first.save();
    await store.putListingIf(listing(1000), () => true);
    await store.putListingIf(listing(3, { version: 2, title: "oak lamp" }), () => true);

    const { store: watched, reads } = counted(store);
    const next = new Search(watched, () => NOW, { hidden });
    await next.ready;
    expect(reads).toEqual({ listAll: 0, listings: 2 });
    await agrees(store, next);
    store.close();
  });

  it("a crash between store writes and the index: the next start has every write, and nothing removed", async () => {
    const store = await open();
    await store.putListingsIf(
      Array.from({ length: 50 }, (_, i) => listing(i)),
      () => true,
    );
    const before = new Search(store, () => NOW, { hidden });
    await before.save();
    // Written to the store, never told to the index: the hub stopped in between.
    await store.putListingIf(listing(60), () => true);
    await store.putListingIf(listing(4, { version: 2, title: "blue chair" }), () => true);
    await store.putListingIf(listing(8, { version: 2, deleted: true, title: "" }), () => true);
    await store.deleteListingIf(listing(12).id, () => true);
    const after = new Search(store, () => NOW, { hidden });
    await agrees(store, after);
    expect((await answers(after, { text: "blue chair" })).ids).toContain(listing(4).id);
    expect(after.has(listing(8).id)).toBe(false);
    expect(after.has(listing(12).id)).toBe(false);
    expect(after.has(listing(60).id)).toBe(true);
    store.close();
  });

  it("a saved copy this code cannot read is rebuilt from every listing once, and saved again", async () => {
    const store = await open();
    await store.putListingsIf(
      Array.from({ length: 20 }, (_, i) => listing(i)),
      () => true,
    );
    await new Search(store, () => NOW).save();
    await store.setMeta(SEARCH_SNAPSHOT_KEY, { format: 0, ids: "not an index" });
    const search = new Search(store, () => NOW, { hidden });
    await agrees(store, search);
    await search.save();
    expect(await store.getMeta<{ format: number }>(SEARCH_SNAPSHOT_KEY)).toMatchObject({ format: SNAPSHOT_FORMAT });
    store.close();
  });

  it("queries without words answer from the entries, the words read after the first answer; queries with words wait for them", async () => {
    const store = await open();
    await store.putListingsIf(
      Array.from({ length: 30 }, (_, i) => listing(i)),
      () => true,
    );
    await new Search(store, () => NOW, { hidden }).save();
    await store.putListingIf(listing(40, { title: "bike lamp" }), () => true);
    const { store: held, control } = tearable(store);
    let release = () => {};
    control.holdWords = new Promise((resolve) => {
      release = resolve;
    });
    const search = new Search(held, () => NOW, { hidden });
    await search.ready;
    // Read after the first answer: megabytes read at once would hold up the start's other reads.
    expect(control.wordReads).toBe(0);
    // Only the entries are read: every query without words answers, the change after the copy included.
    for (const query of QUERIES.filter((q) => !q.text))
      expect(await answers(search, query), JSON.stringify(query)).toEqual(await expected(store, query));
    expect(control.wordReads).toBe(1);
    let texted = false;
    const withWords = answers(search, { text: "bike" }).then((answer) => {
      texted = true;
      return answer;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(texted).toBe(false);
    release();
    expect(await withWords).toEqual(await expected(store, { text: "bike" }));
    await agrees(store, search);
    store.close();
  });

  it("a crash between saving the words and the entries: the next start reads the old entries and their own words", async () => {
    const store = await open();
    await store.putListingsIf(
      Array.from({ length: 30 }, (_, i) => listing(i)),
      () => true,
    );
    await new Search(store, () => NOW, { hidden }).save();
    await store.putListingIf(listing(51, { title: "oak chair" }), () => true);
    await store.putListingIf(listing(2, { version: 2, title: "red lamp" }), () => true);
    const { store: torn, control } = tearable(store);
    const before = new Search(torn, () => NOW, { hidden });
    control.tear = true;
    await expect(before.save()).rejects.toThrow("the hub stopped here");
    // The words went to the slot the saved entries do not point at.
    const saved = await store.getMeta<SearchSnapshot>(SEARCH_SNAPSHOT_KEY);
    expect(saved?.words.key).toBe(SEARCH_WORDS_KEYS[0]);
    expect(await store.getMeta(SEARCH_WORDS_KEYS[1])).toBeDefined();

    const { store: watched, reads } = counted(store);
    const after = new Search(watched, () => NOW, { hidden });
    await agrees(store, after);
    expect(reads.listAll).toBe(0);
    expect((await answers(after, { text: "oak chair" })).ids).toContain(listing(51).id);
    store.close();
  });

  it.each([
    ["in a format this code cannot read", { format: 1, words: ["red"], starts: [0, 1], ordinals: [0] }],
    ["of another copy (another token)", "other"],
    ["missing", undefined],
  ])("words %s are rebuilt from every listing, once", async (_case, words) => {
    const store = await open();
    await store.putListingsIf(
      Array.from({ length: 30 }, (_, i) => listing(i)),
      () => true,
    );
    await new Search(store, () => NOW, { hidden }).save();
    await store.putListingIf(listing(60, { title: "blue bicycle" }), () => true);
    const saved = (await store.getMeta<SearchSnapshot>(SEARCH_SNAPSHOT_KEY)) as SearchSnapshot;
    const key = saved.words.key;
    if (words === "other") await store.setMeta(key, { ...(await store.getMeta<object>(key)), generation: "x" });
    else await store.setMeta(key, words);

    const { store: watched, reads } = counted(store);
    const search = new Search(watched, () => NOW, { hidden });
    await agrees(store, search);
    expect(reads.listAll).toBe(1);
    await search.save();
    const { store: next, reads: nextReads } = counted(store);
    await agrees(store, new Search(next, () => NOW, { hidden }));
    expect(nextReads.listAll).toBe(0);
    store.close();
  });
});

describe("the search index saved while a sync writes", () => {
  it("the save's catch-up of the log ends while writes go on, and the copy then agrees with the store", async () => {
    const store = new MemoryStore();
    let search: Search | undefined;
    let n = 0;
    let reads = 0;
    let writing = false;
    // Each read of the log finds 600 more listings written (and told) since: a sync faster than the catch-up.
    const busy = new Proxy(store, {
      get(target, property, receiver) {
        if (property === "listListingChangesAfter")
          return async (mark: number, limit: number) => {
            reads++;
            if (writing && reads < 200) {
              const batch = Array.from({ length: 600 }, () => listing(1000 + n++));
              for (const { listing: l, seq } of await target.putListingsIf(batch, () => true)) search?.update(l, seq);
            }
            return target.listListingChangesAfter(mark, limit);
          };
        const value = Reflect.get(target, property, receiver);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    search = new Search(busy, () => NOW, { hidden, saveAfter: Number.POSITIVE_INFINITY });
    await search.ready;
    writing = true;
    await search.save();
    expect(reads).toBeLessThan(10);
    writing = false;
    await agrees(store, search);
    await agrees(store, new Search(store, () => NOW, { hidden }));
  });
});

describe("the search index's saved words", () => {
  it("a failed read of the words fails that query only: the next one reads them again", async () => {
    const store = new MemoryStore();
    await store.putListingsIf(
      Array.from({ length: 20 }, (_, i) => listing(i)),
      () => true,
    );
    await new Search(store, () => NOW, { hidden }).save();
    const { store: flaky, control } = tearable(store);
    control.holdWords = Promise.reject(new Error("read failed"));
    control.holdWords.catch(() => undefined);
    const search = new Search(flaky, () => NOW, { hidden });
    await expect(answers(search, { text: "bike" })).rejects.toThrow("read failed");
    control.holdWords = undefined;
    expect(await answers(search, { text: "bike" })).toEqual(await expected(store, { text: "bike" }));
    await agrees(store, search);
  });
});

describe("the search index's saved ids", () => {
  it("are saved without their author's part and come back whole; ids of another shape come back as they were", async () => {
    const store = new MemoryStore();
    const authors = ["pb-aaaaaaaaaaaaaaaaaaaaaaaaaa", "pb-blockedblockedblockedblock", "pb-cccccccccccccccccccccccccc"];
    const made = Array.from({ length: 60 }, (_, i) => {
      const author = authors[i % 3] as string;
      // Every fourth an id that does not start with its author's (a test's or an older peer's).
      return listing(i, { author, ...(i % 4 ? { id: newListingId(author) } : {}) });
    });
    await store.putListingsIf(made, () => true);
    await new Search(store, () => NOW, { hidden }).save();
    const saved = (await store.getMeta<SearchSnapshot>(SEARCH_SNAPSHOT_KEY)) as SearchSnapshot;
    const whole = made.map((l) => l.id).join("\n");
    expect(saved.ids.length).toBeLessThan(whole.length * 0.6);
    const search = new Search(store, () => NOW, { hidden });
    await agrees(store, search);
    for (const l of made) expect(search.has(l.id), l.id).toBe(true);
  });
});

type Op =
  | { op: "put"; n: number }
  | { op: "edit"; n: number; word: number }
  | { op: "tombstone"; n: number }
  | { op: "prune"; n: number }
  | { op: "save" }
  | { op: "torn-save" }
  | { op: "restart" };

const ops: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant("put" as const), n: fc.nat(40) }),
  fc.record({ op: fc.constant("edit" as const), n: fc.nat(40), word: fc.nat(WORDS.length - 1) }),
  fc.record({ op: fc.constant("tombstone" as const), n: fc.nat(40) }),
  fc.record({ op: fc.constant("prune" as const), n: fc.nat(40) }),
  fc.constant({ op: "save" as const }),
  fc.constant({ op: "torn-save" as const }),
  fc.constant({ op: "restart" as const }),
);

describe("the search index against the store, any sequence of changes, saves and crashes", () => {
  it("a listing told just as the start's replay finds the log empty is indexed, not dropped", async () => {
    // Found by the property below: the replay saw an empty log and no waiting changes, and one
    // turn later threw away the set a change told in between had gone into.
    const store = new MemoryStore();
    const search = new Search(store, () => NOW, { hidden });
    await store.deleteListingIf(listing(0).id, () => true);
    const next = listing(1, { version: 2 });
    expect(await store.putListingIf(next, () => true)).toBeGreaterThan(0);
    search.update(next);
    expect(await answers(search, {})).toEqual({ ids: [next.id], total: 1 });
  });

  it("answers every query as an index built from every stored listing (fast-check)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(ops, fc.boolean()), { maxLength: 40 }), async (steps) => {
        const memory = new MemoryStore();
        const { store, control } = tearable(memory);
        let search = new Search(store, () => NOW, { hidden, saveAfter: 5 });
        let version = 1;
        for (const [step, told] of steps) {
          // `told` false: the hub stopped after the store's write and before the index heard of it.
          const tell = (l: Listing, seq: number) => told && search.update(l, seq);
          if (step.op === "put" || step.op === "edit" || step.op === "tombstone") {
            version++;
            const next = listing(step.n, {
              version,
              ...(step.op === "edit" ? { title: `${WORDS[step.word]} edited` } : {}),
              ...(step.op === "tombstone" ? { deleted: true, title: "" } : {}),
            });
            const seq = await store.putListingIf(next, () => true);
            if (seq !== undefined) tell(next, seq);
          } else if (step.op === "prune") {
            const seq = await store.deleteListingIf(listing(step.n).id, () => true);
            if (seq !== undefined && told) search.remove(listing(step.n).id, seq);
          } else if (step.op === "save") {
            await search.save();
          } else if (step.op === "torn-save") {
            // The words written, the entries not: the hub stopped in between, and starts again.
            control.tear = true;
            await search.save().catch(() => undefined);
            control.tear = false;
            search = new Search(store, () => NOW, { hidden, saveAfter: 5 });
          } else {
            search = new Search(store, () => NOW, { hidden, saveAfter: 5 });
          }
          if (!told) search = new Search(store, () => NOW, { hidden, saveAfter: 5 });
        }
        await agrees(store, search);
        await agrees(store, new Search(store, () => NOW, { hidden, saveAfter: 5 }));
      }),
      { numRuns: Number(process.env.FC_RUNS ?? 60) },
    );
  });
});
