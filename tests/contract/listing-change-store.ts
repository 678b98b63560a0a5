// The listing change log of the Store (listListingChangesAfter, forgetListingChangesThrough):
// every listing write and delete is numbered in commit order, in the same transaction as the
// change, and meta keeps typed arrays as they are (the search index is saved there). Every
// Store runs it, with reopen for the durable ones.

import { beforeAll, describe, expect, it } from "vitest";
import { generateIdentity, type Identity } from "../../src/core/crypto.ts";
import { createListing } from "../../src/core/listings/draft.ts";
import { type Listing, signListing } from "../../src/core/listings/records.ts";
import type { Store } from "../../src/core/store.ts";
import { freshStores, type StoreSetup } from "./store-fixture.ts";

const NOW = 1_700_000_000_000;

export function runListingChangeStoreContract(name: string, setup: StoreSetup<Store>): void {
  describe(`Store contract, listing change log: ${name}`, () => {
    let alice: Identity;
    const open = freshStores(setup);

    beforeAll(async () => {
      alice = await generateIdentity(NOW);
    });

    const listingAt = (updatedAt: number, title = `Listing at ${updatedAt}`): Promise<Listing> =>
      createListing(alice, { title, description: "", price: "", currency: "EUR" }, updatedAt);

    async function edited(base: Listing): Promise<Listing> {
      const { signature: _, ...unsigned } = base;
      return signListing(alice, { ...unsigned, version: base.version + 1, updatedAt: base.updatedAt + 1 });
    }

    const ids = (changes: { id: string }[]) => changes.map((c) => c.id);

    it("a fresh store has no changes", async () => {
      expect(await (await open()).store.listListingChangesAfter(0, 100)).toEqual([]);
    });

    it("every write and delete is a change, numbered in the order it was made, and returns its number", async () => {
      const opened = await open();
      const store = opened.store;
      const [a, b, c] = await Promise.all([listingAt(NOW), listingAt(NOW + 1), listingAt(NOW + 2)]);
      const edit = await edited(a);
      const told = [
        await store.putListingIf(a, () => true),
        ...(await store.putListingsIf([b, c], () => true)).map((w) => w.seq),
        await store.putListingIf(edit, () => true),
        await store.deleteListingIf(b.id, () => true),
      ];
      await opened.survives(async (s) => {
        const changes = await s.listListingChangesAfter(0, 100);
        expect(ids(changes)).toEqual([a.id, b.id, c.id, a.id, b.id]);
        // The numbers the writes return are the log's: the search index follows it by them, unread.
        expect(changes.map((x) => x.seq)).toEqual(told);
        const seqs = changes.map((x) => x.seq);
        expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
        expect(new Set(seqs).size).toBe(seqs.length);
        expect(seqs[0]).toBeGreaterThan(0);
      });
    });

    it("a batch returns each version it wrote with its own number, a listing twice in it twice", async () => {
      const store = (await open()).store;
      const a = await listingAt(NOW);
      const [b, edit] = await Promise.all([listingAt(NOW + 1), edited(a)]);
      const written = await store.putListingsIf([a, b, edit], () => true);
      expect(written.map((w) => w.listing)).toEqual([a, b, edit]);
      expect(await store.listListingChangesAfter(0, 100)).toEqual(
        written.map((w) => ({ seq: w.seq, id: w.listing.id })),
      );
    });

    it("a write or delete the merge rule refuses is no change", async () => {
      const store = (await open()).store;
      const a = await listingAt(NOW);
      await store.putListingIf(a, () => true);
      expect(await store.putListingIf(a, () => false)).toBeUndefined();
      expect(await store.putListingsIf([a, await listingAt(NOW + 1)], () => false)).toEqual([]);
      expect(await store.deleteListingIf(a.id, () => false)).toBeUndefined();
      expect(await store.deleteListingIf("not-stored", () => true)).toBeUndefined();
      expect(ids(await store.listListingChangesAfter(0, 100))).toEqual([a.id]);
    });

    it("a batch whose merge rule throws halfway leaves no change", async () => {
      const store = (await open()).store;
      const [a, b] = await Promise.all([listingAt(NOW), listingAt(NOW + 1)]);
      let calls = 0;
      await expect(
        store.putListingsIf([a, b], () => {
          if (++calls === 2) throw new Error("refused halfway");
          return true;
        }),
      ).rejects.toThrow("refused halfway");
      expect(await store.listListingChangesAfter(0, 100)).toEqual([]);
    });

    it("changes are read in pages after a number, and forgotten up to one", async () => {
      const opened = await open();
      const store = opened.store;
      const listings = await Promise.all(Array.from({ length: 5 }, (_, i) => listingAt(NOW + i)));
      for (const listing of listings) await store.putListingIf(listing, () => true);
      const all = await store.listListingChangesAfter(0, 100);
      const first = await store.listListingChangesAfter(0, 2);
      expect(first).toEqual(all.slice(0, 2));
      expect(await store.listListingChangesAfter(first[1]?.seq ?? 0, 2)).toEqual(all.slice(2, 4));
      await store.forgetListingChangesThrough(all[2]?.seq ?? 0);
      await opened.survives(async (s) => {
        expect(await s.listListingChangesAfter(0, 100)).toEqual(all.slice(3));
      });
      // Numbers are never given out twice, even after forgetting.
      const next = await listingAt(NOW + 10);
      await opened.store.putListingIf(next, () => true);
      const after = await opened.store.listListingChangesAfter(0, 100);
      expect(after.at(-1)?.id).toBe(next.id);
      expect(after.at(-1)?.seq).toBeGreaterThan(all.at(-1)?.seq ?? 0);
    });

    it("meta keeps typed arrays and arrays of strings as they were", async () => {
      const opened = await open();
      const value = { mark: 7, ids: ["a", "b"], at: new Float64Array([1.5, 2]), words: new Uint32Array([3, 4]) };
      await opened.store.setMeta("search-index", value);
      await opened.survives(async (s) => {
        const read = await s.getMeta<typeof value>("search-index");
        expect(read?.ids).toEqual(["a", "b"]);
        expect(read?.at).toBeInstanceOf(Float64Array);
        expect([...(read?.at ?? [])]).toEqual([1.5, 2]);
        expect([...(read?.words ?? [])]).toEqual([3, 4]);
      });
    });
  });
}
