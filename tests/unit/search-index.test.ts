import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CATEGORIES, type Listing } from "../../src/core/listings/records.ts";
import { SearchIndex, tokenize } from "../../src/core/search/search-index.ts";
import { unsignedListing } from "./fixtures.ts";

const NOW = 1_700_000_000_000;
let counter = 0;

/** Index entries need no signature: the hub indexes only records its store accepted. */
function listing(changes: Partial<Listing> = {}): Listing {
  counter += 1;
  return unsignedListing(
    { id: `aaaaaaaa-${counter}`, createdAt: NOW - counter, updatedAt: NOW - counter, ...changes },
    NOW,
  );
}

describe("tokenize", () => {
  it("lower-cases, drops diacritics and splits on anything but letters and digits", () => {
    expect(tokenize("Café-Bike, 3 GEARS! Größe")).toEqual(["cafe", "bike", "3", "gears", "große"]);
  });
});

describe("SearchIndex", () => {
  it("finds words in title and description by prefix, all words required, as you type", () => {
    const index = new SearchIndex();
    const bike = listing({ title: "Red bicycle", description: "Three gears" });
    const trike = listing({ title: "Tricycle", description: "red paint" });
    const lamp = listing({ title: "Lamp" });
    for (const l of [bike, trike, lamp]) index.add(l);
    expect(index.query({ text: "red" }, NOW).ids.sort()).toEqual([bike.id, trike.id].sort());
    expect(index.query({ text: "bic" }, NOW).ids).toEqual([bike.id]);
    expect(index.query({ text: "red gea" }, NOW).ids).toEqual([bike.id]);
    expect(index.query({ text: "red lamp" }, NOW).ids).toEqual([]);
    expect(index.query({ text: "" }, NOW).total).toBe(3);
  });

  it("an edit replaces the words of the old version; a tombstone removes the listing", () => {
    const index = new SearchIndex();
    const first = listing({ title: "Old sofa" });
    index.add(first);
    index.add({ ...first, version: 2, title: "New chair" });
    expect(index.query({ text: "sofa" }, NOW).ids).toEqual([]);
    expect(index.query({ text: "chair" }, NOW).ids).toEqual([first.id]);
    index.add({ ...first, version: 3, title: "", deleted: true });
    expect(index.query({ text: "chair" }, NOW).ids).toEqual([]);
    expect(index.size).toBe(0);
  });

  it("hides listings once expired, by the clock it is asked with", () => {
    const index = new SearchIndex();
    const soon = listing({ expiresAt: NOW + 10 });
    index.add(soon);
    expect(index.query({}, NOW).ids).toEqual([soon.id]);
    expect(index.query({}, NOW + 10).ids).toEqual([]);
  });

  it("filters by category, kind and price range; free is 0 and swaps have no price", () => {
    const index = new SearchIndex();
    const cheap = listing({ price: 500 });
    const dear = listing({ price: 50_000, category: "housing" });
    const free = listing({ pricing: "free", price: null, category: "free" });
    const swap = listing({ pricing: "swap", price: null, category: "swap" });
    const wanted = listing({ kind: "wanted", category: "wanted", price: 2000 });
    for (const l of [cheap, dear, free, swap, wanted]) index.add(l);
    expect(index.query({ category: "housing" }, NOW).ids).toEqual([dear.id]);
    expect(index.query({ kind: "wanted" }, NOW).ids).toEqual([wanted.id]);
    expect(index.query({ maxPrice: 1000 }, NOW).ids.sort()).toEqual([cheap.id, free.id].sort());
    expect(index.query({ minPrice: 1000, maxPrice: 10_000 }, NOW).ids).toEqual([wanted.id]);
    expect(index.query({ sort: "price-asc" }, NOW).ids).toEqual([free.id, cheap.id, wanted.id, dear.id, swap.id]);
    expect(index.query({ sort: "price-desc" }, NOW).ids).toEqual([dear.id, wanted.id, cheap.id, free.id, swap.id]);
  });

  it("a currency filter keeps prices in that currency and free listings; bounds then compare like with like", () => {
    const index = new SearchIndex();
    const euros = listing({ price: 3000, currency: "EUR" });
    const dollars = listing({ price: 2000, currency: "USD" });
    const free = listing({ pricing: "free", price: null, currency: "USD" });
    const swap = listing({ pricing: "swap", price: null });
    for (const l of [euros, dollars, free, swap]) index.add(l);
    expect(index.query({ currency: "EUR" }, NOW).ids.sort()).toEqual([euros.id, free.id, swap.id].sort());
    expect(index.query({ currency: "EUR", maxPrice: 2500 }, NOW).ids).toEqual([free.id]);
    expect(index.query({ currency: "USD", minPrice: 1000 }, NOW).ids).toEqual([dollars.id]);
  });

  it("pages through results newest first", () => {
    const index = new SearchIndex();
    const all = Array.from({ length: 7 }, (_, i) => listing({ updatedAt: NOW - 1000 + i, createdAt: NOW - 1000 }));
    for (const l of all) index.add(l);
    const newestFirst = [...all].reverse().map((l) => l.id);
    expect(index.query({ limit: 3 }, NOW)).toEqual({ ids: newestFirst.slice(0, 3), total: 7 });
    expect(index.query({ limit: 3, offset: 6 }, NOW)).toEqual({ ids: newestFirst.slice(6), total: 7 });
  });

  it("agrees with a plain scan for any listings and query (property)", () => {
    const word = fc.constantFrom("bike", "bikes", "red", "lamp", "oak", "chair", "café", "3");
    const arbitraryListing = fc.record({
      title: fc.array(word, { minLength: 1, maxLength: 3 }).map((w) => w.join(" ")),
      description: fc.array(word, { maxLength: 3 }).map((w) => w.join(" ")),
      category: fc.constantFrom(...CATEGORIES),
      kind: fc.constantFrom("offer" as const, "wanted" as const),
      price: fc.option(fc.nat(10_000), { nil: null }),
      currency: fc.constantFrom("EUR" as const, "USD" as const),
      expiresAt: fc.integer({ min: NOW - 5, max: NOW + 5 }),
    });
    fc.assert(
      fc.property(
        fc.array(arbitraryListing, { maxLength: 30 }),
        fc.record({
          text: fc
            .array(fc.constantFrom("bi", "bike", "red", "ca", "o", "zzz"), { maxLength: 2 })
            .map((w) => w.join(" ")),
          category: fc.constantFrom("", ...CATEGORIES),
          kind: fc.constantFrom("" as const, "offer" as const, "wanted" as const),
          currency: fc.constantFrom("" as const, "EUR" as const, "USD" as const),
          minPrice: fc.option(fc.nat(10_000), { nil: null }),
          maxPrice: fc.option(fc.nat(10_000), { nil: null }),
        }),
        (specs, query) => {
          const listings = specs.map((spec) => listing(spec));
          const index = new SearchIndex();
          for (const l of listings) index.add(l);
          const words = tokenize(query.text);
          const expected = listings.filter((l) => {
            const tokens = tokenize(`${l.title} ${l.description}`);
            return (
              l.expiresAt > NOW &&
              words.every((w) => tokens.some((t) => t.startsWith(w))) &&
              (!query.category || l.category === query.category) &&
              (!query.kind || l.kind === query.kind) &&
              (!query.currency || !l.price || l.currency === query.currency) &&
              (query.minPrice === null || (l.price !== null && l.price >= query.minPrice)) &&
              (query.maxPrice === null || (l.price !== null && l.price <= query.maxPrice))
            );
          });
          const result = index.query({ ...query, limit: 100 }, NOW);
          expect(result.total).toBe(expected.length);
          expect([...result.ids].sort()).toEqual(expected.map((l) => l.id).sort());
          // The path for many matches (walk a cached order) gives the same page in the same order.
          const walking = new SearchIndex(0);
          for (const l of listings) walking.add(l);
          for (const sort of ["newest", "price-asc", "price-desc"] as const)
            expect(walking.query({ ...query, sort, limit: 100 }, NOW)).toEqual(
              index.query({ ...query, sort, limit: 100 }, NOW),
            );
        },
      ),
    );
  });
});
