// Store.listListingSummaries: a summary of every stored listing, kept in step with every write,
// batch write, tombstone and delete (in IndexedDB a store of its own, written in the same
// transaction), equal to what the whole listings say. Every Store runs it, with reopen for the
// durable ones.

import { beforeAll, describe, expect, it } from "vitest";
import { generateIdentity, type Identity } from "../../src/core/crypto.ts";
import { createListing } from "../../src/core/listings/draft.ts";
import { type Listing, signListing } from "../../src/core/listings/records.ts";
import { type ListingSummary, type Store, summaryOf } from "../../src/core/store.ts";
import { freshStores, type StoreSetup } from "./store-fixture.ts";

const NOW = 1_700_000_000_000;
const HASH = "h".repeat(43);

const byId = (summaries: ListingSummary[]) => [...summaries].sort((a, b) => (a.id < b.id ? -1 : 1));

/** The summaries a store must give: one per stored listing, from the listing itself. */
async function expected(store: Store): Promise<ListingSummary[]> {
  return byId((await store.listListings()).map(summaryOf));
}

export function runListingSummaryStoreContract(name: string, setup: StoreSetup<Store>): void {
  describe(`Store contract, listing summaries: ${name}`, () => {
    let alice: Identity;
    const open = freshStores(setup);

    beforeAll(async () => {
      alice = await generateIdentity(NOW);
    });

    const listingAt = (updatedAt: number, title = `Listing at ${updatedAt}`): Promise<Listing> =>
      createListing(alice, { title, description: "", price: "", currency: "EUR" }, updatedAt);

    async function changed(base: Listing, changes: Partial<Listing>): Promise<Listing> {
      const { signature: _, ...unsigned } = base;
      return signListing(alice, { ...unsigned, version: base.version + 1, updatedAt: base.updatedAt + 1, ...changes });
    }

    it("a fresh store has none", async () => {
      expect(await (await open()).store.listListingSummaries()).toEqual([]);
    });

    it("says of each stored listing what the listing says, after writes, edits, tombstones and deletes", async () => {
      const opened = await open();
      const store = opened.store;
      const [a, b, c, d] = await Promise.all([
        listingAt(NOW),
        listingAt(NOW + 1),
        listingAt(NOW + 2),
        listingAt(NOW + 3),
      ]);
      await store.putListingIf(a, () => true);
      await store.putListingsIf([b, c, d], () => true);
      const photographed = await changed(a, {
        images: [{ hash: HASH, type: "image/webp", bytes: 100, width: 4, height: 3 }],
      });
      await store.putListingIf(photographed, () => true);
      await store.putListingsIf(
        [await changed(b, { deleted: true, title: "", description: "", price: null, pricing: "free" })],
        () => true,
      );
      await store.deleteListingIf(c.id, () => true);
      // Refused: changes nothing.
      await store.putListingIf(await changed(d, { title: "Refused" }), () => false);
      await store.deleteListingIf(d.id, () => false);

      await opened.survives(async (s) => {
        const summaries = byId(await s.listListingSummaries());
        expect(summaries).toEqual(await expected(s));
        expect(summaries.map((x) => x.id).sort()).toEqual([a.id, b.id, d.id].sort());
        expect(summaries.find((x) => x.id === a.id)).toMatchObject({ images: [HASH], deleted: false });
        expect(summaries.find((x) => x.id === b.id)).toMatchObject({ deleted: true, author: alice.peerId });
        expect(summaries.find((x) => x.id === d.id)).toMatchObject({
          updatedAt: d.updatedAt,
          expiresAt: d.expiresAt,
          images: [],
        });
      });
    });

    it("a batch that fails halfway leaves the summaries as they were", async () => {
      const store = (await open()).store;
      const [a, b] = await Promise.all([listingAt(NOW), listingAt(NOW + 1)]);
      await store.putListingIf(a, () => true);
      const before = await expected(store);
      let seen = 0;
      await expect(
        store.putListingsIf([b, await changed(a, { title: "Edited" })], () => {
          if (++seen === 2) throw new Error("refused halfway");
          return true;
        }),
      ).rejects.toThrow("refused halfway");
      expect(byId(await store.listListingSummaries())).toEqual(before);
    });
  });
}
