// Saved searches in the hub: what may be saved, the matching rule (the search index's own), and
// new listings from other peers matched in a peer built by createPeer, over the in-memory network.

import fc from "fast-check";
import { beforeAll, describe, expect, it, vi } from "vitest";
import type { PeerEvent } from "../../src/core/api.ts";
import { generateIdentity, type Identity } from "../../src/core/crypto.ts";
import { createListing, type ListingDraft } from "../../src/core/listings/draft.ts";
import { CATEGORIES } from "../../src/core/listings/records.ts";
import { checkSavedQuery, MAX_MATCHES, MAX_SAVED_SEARCHES } from "../../src/core/search/saved-search.ts";
import { SavedSearches } from "../../src/core/search/saved-searches.ts";
import { matchesQuery, SearchIndex } from "../../src/core/search/search-index.ts";
import type { SearchQuery } from "../../src/core/search/search-query.ts";
import { MemoryStore } from "../support/memory-store.ts";
import { post, type TestPeer } from "../support/peers.ts";
import { usePeers } from "../support/use-peers.ts";

const WAIT = { timeout: 5_000, interval: 5 };
const NOW = Date.now();
const draft = (title: string, fields: Partial<ListingDraft> = {}): ListingDraft => ({
  title,
  description: "",
  price: "40",
  currency: "EUR",
  ...fields,
});

let alice: Identity;
beforeAll(async () => {
  alice = await generateIdentity(NOW);
});

describe("what a saved search may keep", () => {
  it("keeps words and filters, not the sort or page, and trims the words", () => {
    expect(checkSavedQuery({ text: "  blue   bike ", category: "for-sale", maxPrice: 5000, hasPhoto: true })).toEqual({
      text: "blue bike",
      category: "for-sale",
      kind: "",
      currency: "",
      minPrice: null,
      maxPrice: 5000,
      hasPhoto: true,
    });
  });

  it.each([
    [{ text: "  " }, "text"],
    [{ text: "x".repeat(201) }, "text"],
    [{ text: "bike", category: "boats" as never }, "category"],
    [{ text: "bike", kind: "lend" as never }, "kind"],
    [{ text: "bike", currency: "XXX" as never }, "currency"],
    [{ text: "bike", minPrice: -1 }, "min"],
    [{ text: "bike", maxPrice: 1.5 }, "max"],
    [{ text: "bike", minPrice: 500, maxPrice: 100 }, "max"],
  ])("%j is refused naming %s", (query, field) => {
    expect(() => checkSavedQuery(query)).toThrow(expect.objectContaining({ name: "ValidationError", field }));
  });
});

describe("matching one listing", () => {
  const queryArb: fc.Arbitrary<SearchQuery> = fc.record({
    text: fc.constantFrom("", "bike", "blue bi", "red", "lamp", "bik blu"),
    category: fc.constantFrom("", ...CATEGORIES),
    kind: fc.constantFrom("" as const, "offer" as const, "wanted" as const),
    currency: fc.constantFrom("" as const, "EUR" as const, "USD" as const),
    minPrice: fc.constantFrom(null, 0, 2000, 5000),
    maxPrice: fc.constantFrom(null, 1000, 4000),
  });
  const draftArb = fc.record({
    title: fc.constantFrom("Blue bike", "Red lamp", "Bikes and more", "Biker jacket"),
    description: fc.constantFrom("", "a blue one", "red"),
    price: fc.constantFrom("", "0", "15", "40", "75"),
    currency: fc.constantFrom("EUR", "USD"),
    kind: fc.constantFrom("offer" as const, "wanted" as const),
    pricing: fc.constantFrom("amount", "free", "swap"),
  });

  it("matches a listing exactly when the search index would find it", async () => {
    await fc.assert(
      fc.asyncProperty(draftArb, queryArb, async (fields, query) => {
        const listing = await createListing(alice, fields, NOW);
        const index = new SearchIndex();
        index.add(listing);
        const found = index.query(query, NOW + 1).ids.includes(listing.id);
        expect(matchesQuery(listing, query, NOW + 1)).toBe(found);
      }),
      { numRuns: 150 },
    );
  });
});

describe("SavedSearches bounds", () => {
  it(`keeps at most ${MAX_SAVED_SEARCHES} saved searches and refuses the next, storing nothing`, async () => {
    const store = new MemoryStore();
    const saved = new SavedSearches(store, { me: alice.peerId, now: () => NOW, log: console });
    for (let i = 0; i < MAX_SAVED_SEARCHES; i++) expect((await saved.save({ text: `word${i}` })).ok).toBe(true);
    expect(await saved.save({ text: "one too many" })).toMatchObject({ ok: false, field: "saved" });
    expect(await store.listSavedSearches()).toHaveLength(MAX_SAVED_SEARCHES);
    // The same words again are the search already kept, not a new one.
    const again = await saved.save({ text: "WORD3" });
    expect(again.ok && again.search.query.text).toBe("word3");
  });

  it(`remembers the newest ${MAX_MATCHES} matches of a search`, async () => {
    const bob = await generateIdentity(NOW);
    const store = new MemoryStore();
    const saved = new SavedSearches(store, { me: alice.peerId, now: () => NOW, log: console });
    const result = await saved.save({ text: "lamp" });
    if (!result.ok) throw new Error(result.message);
    const lamps = await Promise.all(
      Array.from({ length: MAX_MATCHES + 5 }, (_, i) => createListing(bob, draft(`Lamp ${i}`), NOW + i)),
    );
    for (const lamp of lamps) await saved.consider(lamp);
    await vi.waitFor(async () => {
      const [kept] = await store.listSavedSearches();
      expect(kept?.matches).toHaveLength(MAX_MATCHES);
      expect(kept?.matches[0]?.listingId).toBe(lamps.at(-1)?.id);
    }, WAIT);
  });
});

describe("new listings from other peers, matched in the hub", () => {
  const peers = usePeers();
  const node = (dbName?: string): Promise<TestPeer> => peers.node(dbName ? { dbName } : {});
  const { connect } = peers;

  it("a matching listing counts once as new, raises one match event, and opening the search sees it", async () => {
    const [seller, buyer] = [await node(), await node()];
    const events: PeerEvent[] = [];
    buyer.subscribe((event) => events.push(event));
    const saved = await buyer.api.saveSearch({ text: "bike", maxPrice: 5000 });
    if (!saved.ok) throw new Error(saved.message);
    await connect(seller, buyer);
    const bike = await post(seller, draft("Blue bike"));
    await post(seller, draft("Red bike", { price: "90" }));
    await post(seller, draft("Lamp"));
    await vi.waitFor(async () => expect(await buyer.api.listingCount()).toBe(3), WAIT);
    // An edit of a listing already matched is no new match.
    expect((await seller.api.edit(bike.id, draft("Blue bike, new tyres"))).ok).toBe(true);
    await vi.waitFor(async () => expect((await buyer.api.listing(bike.id))?.version).toBe(2), WAIT);
    await vi.waitFor(async () => {
      expect(await buyer.api.savedSearches()).toEqual([expect.objectContaining({ matches: 1, unseen: 1 })]);
    }, WAIT);
    const matches = events.filter((e) => e.type === "match");
    expect(matches.map((e) => e.type === "match" && e.listing.id)).toEqual([bike.id]);

    const opened = await buyer.api.openSavedSearch(saved.search.id);
    expect(opened?.listings.map((l) => l.title)).toEqual(["Blue bike, new tyres"]);
    expect(opened?.search.unseen).toBe(0);
    expect((await buyer.api.savedSearches())[0]).toMatchObject({ matches: 1, unseen: 0 });
  });

  it("the user's own listings match none of their saved searches", async () => {
    const me = await node();
    await me.api.saveSearch({ text: "bike" });
    await post(me, draft("My bike"));
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect((await me.api.savedSearches())[0]).toMatchObject({ matches: 0, unseen: 0 });
  });

  it("saved searches, their matches and the notify choice survive a reload; a deleted one is gone", async () => {
    const dbName = `saved-${Math.random().toString(36).slice(2)}`;
    const seller = await node();
    const first = await node(dbName);
    const kept = await first.api.saveSearch({ text: "bike" });
    const dropped = await first.api.saveSearch({ text: "lamp" });
    if (!kept.ok || !dropped.ok) throw new Error("save refused");
    expect(await first.api.setSavedSearchNotify(kept.search.id, true)).toMatchObject({ notify: true });
    await connect(seller, first);
    await post(seller, draft("Blue bike"));
    await vi.waitFor(async () => expect((await first.api.savedSearches())[0]?.unseen).toBe(1), WAIT);
    expect(await first.api.deleteSavedSearch(dropped.search.id)).toBe(true);
    expect(await first.api.deleteSavedSearch(dropped.search.id)).toBe(false);
    await first.close();

    const again = await node(dbName);
    expect(await again.api.savedSearches()).toEqual([
      expect.objectContaining({ id: kept.search.id, notify: true, matches: 1, unseen: 1 }),
    ]);
  });

  it("bad input is refused with the field named and nothing is stored", async () => {
    const me = await node();
    expect(await me.api.saveSearch({ text: "bike", minPrice: 900, maxPrice: 100 })).toMatchObject({
      ok: false,
      field: "max",
    });
    expect(await me.api.saveSearch({})).toMatchObject({ ok: false, field: "text" });
    expect(await me.store.listSavedSearches()).toEqual([]);
    expect(await me.api.openSavedSearch("unknown-id-1")).toBeUndefined();
    expect(await me.api.setSavedSearchNotify("unknown-id-1", true)).toBeUndefined();
  });
});
