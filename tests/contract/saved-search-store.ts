// The saved-search part of the Store contract (src/core/store.ts): every Store runs it next to
// runStoreContract, with the same fixtures; a durable store also keeps what it wrote on reopen.

import { describe, expect, it } from "vitest";
import type { SavedSearchRecord } from "../../src/core/search/saved-search.ts";
import type { Store } from "../../src/core/store.ts";
import { freshStores, type StoreSetup } from "./store-fixture.ts";

const record = (id: string, createdAt: number, fields: Partial<SavedSearchRecord> = {}): SavedSearchRecord => ({
  id,
  query: { text: "bike", category: "", kind: "", currency: "", minPrice: null, maxPrice: 5000, hasPhoto: false },
  createdAt,
  notify: false,
  matches: [],
  seenAt: createdAt,
  ...fields,
});

export function runSavedSearchStoreContract(name: string, setup: StoreSetup<Store>): void {
  describe(`Store contract, saved searches: ${name}`, () => {
    const open = freshStores(setup);

    it("a fresh store has no saved search", async () => {
      expect(await (await open()).store.listSavedSearches()).toEqual([]);
    });

    it("putSavedSearch keeps every field, null price bounds and matches included", async () => {
      const opened = await open();
      const kept = record("saved-aaaaaaaa", 10, {
        notify: true,
        seenAt: 15,
        matches: [
          { listingId: "listing-2222", at: 20 },
          { listingId: "listing-1111", at: 12 },
        ],
      });
      await opened.store.putSavedSearch(kept);
      await opened.survives(async (store) => expect(await store.listSavedSearches()).toEqual([kept]));
    });

    it("listSavedSearches is oldest first, ties by id", async () => {
      const opened = await open();
      for (const r of [record("saved-cccccccc", 30), record("saved-bbbbbbbb", 10), record("saved-aaaaaaaa", 30)])
        await opened.store.putSavedSearch(r);
      await opened.survives(async (store) =>
        expect((await store.listSavedSearches()).map((r) => r.id)).toEqual([
          "saved-bbbbbbbb",
          "saved-aaaaaaaa",
          "saved-cccccccc",
        ]),
      );
    });

    it("putSavedSearch under a stored id replaces that search only", async () => {
      const opened = await open();
      await opened.store.putSavedSearch(record("saved-aaaaaaaa", 10));
      await opened.store.putSavedSearch(record("saved-bbbbbbbb", 11));
      const changed = record("saved-aaaaaaaa", 10, { notify: true, matches: [{ listingId: "listing-1111", at: 12 }] });
      await opened.store.putSavedSearch(changed);
      await opened.survives(async (store) => {
        const all = await store.listSavedSearches();
        expect(all).toHaveLength(2);
        expect(all[0]).toEqual(changed);
        expect(all[1]?.notify).toBe(false);
      });
    });

    it("deleteSavedSearch removes that search and says whether it was there", async () => {
      const opened = await open();
      await opened.store.putSavedSearch(record("saved-aaaaaaaa", 10));
      await opened.store.putSavedSearch(record("saved-bbbbbbbb", 11));
      expect(await opened.store.deleteSavedSearch("saved-aaaaaaaa")).toBe(true);
      expect(await opened.store.deleteSavedSearch("saved-aaaaaaaa")).toBe(false);
      expect(await opened.store.deleteSavedSearch("saved-unknown1")).toBe(false);
      await opened.survives(async (store) =>
        expect((await store.listSavedSearches()).map((r) => r.id)).toEqual(["saved-bbbbbbbb"]),
      );
    });

    it("a saved search read back is a copy: editing it, or the one written, changes nothing stored", async () => {
      const opened = await open();
      const written = record("saved-aaaaaaaa", 10);
      await opened.store.putSavedSearch(written);
      written.matches.push({ listingId: "listing-1111", at: 1 });
      const read = (await opened.store.listSavedSearches())[0] as SavedSearchRecord;
      read.notify = true;
      expect(await opened.store.listSavedSearches()).toEqual([record("saved-aaaaaaaa", 10)]);
    });
  });
}
