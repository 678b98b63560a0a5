// The HubApi conformance suite: what views may rely on from the hub, run on a real peer built by
// createPeer (through the same HubApi wrapper the SharedWorker exposes) and on the DOM tests'
// double, so the double cannot drift from the hub the views really talk to.

import { afterEach, describe, expect, it, vi } from "vitest";
import type { PeerId } from "../../src/core/crypto.ts";
import type { ListingDraft } from "../../src/core/listings/draft.ts";
import type { Listing } from "../../src/core/listings/records.ts";
import type { HubApi, HubEvent } from "../../src/shared/api.ts";

export interface HubFixture {
  hub: HubApi;
  me: PeerId;
  teardown?: () => Promise<void> | void;
}

const draft = (fields: Partial<ListingDraft> = {}): ListingDraft => ({
  title: "Blue bicycle",
  description: "Three gears, new tyres",
  price: "40",
  currency: "EUR",
  ...fields,
});

const WAIT = { timeout: 3_000, interval: 10 };

export function runHubApiContract(name: string, setup: () => Promise<HubFixture>): void {
  describe(`HubApi contract: ${name}`, () => {
    let teardown: (() => Promise<void> | void) | undefined;
    afterEach(async () => {
      await teardown?.();
      teardown = undefined;
    });
    const open = async () => {
      const fixture = await setup();
      teardown = fixture.teardown;
      return fixture;
    };
    const posted = async (hub: HubApi, fields: Partial<ListingDraft> = {}): Promise<Listing> => {
      const result = await hub.post(draft(fields));
      if (!result.ok) throw new Error(`post refused: ${result.message}`);
      return result.listing;
    };

    it("listingCount counts the listings that show: posted ones, not removed ones", async () => {
      const { hub } = await open();
      expect(await hub.listingCount()).toBe(0);
      const kept = await posted(hub, { title: "Kept" });
      const removed = await posted(hub, { title: "Removed" });
      expect(await hub.listingCount()).toBe(2);
      expect((await hub.remove(removed.id)).ok).toBe(true);
      expect(await hub.listingCount()).toBe(1);
      expect((await hub.listings()).map((l) => l.id)).toEqual([kept.id]);
    });

    it("status names this user's peer id", async () => {
      const { hub, me } = await open();
      expect((await hub.status()).peerId).toBe(me);
    });

    it("a posted listing is ours, active, and shows in listings, myListings, listing(id) and search", async () => {
      const { hub, me } = await open();
      const listing = await posted(hub, { title: "Blue bicycle" });
      expect(listing).toMatchObject({ author: me, title: "Blue bicycle", price: 4000, status: "active", version: 1 });
      expect((await hub.listings()).map((l) => l.id)).toContain(listing.id);
      expect((await hub.myListings()).map((l) => l.id)).toEqual([listing.id]);
      expect(await hub.listing(listing.id)).toEqual(listing);
      const found = await hub.search({ text: "bicy" });
      expect(found.listings.map((l) => l.id)).toEqual([listing.id]);
      expect(found.total).toBe(1);
    });

    it("a draft without a title is refused naming the title field, and nothing is stored", async () => {
      const { hub } = await open();
      expect(await hub.post(draft({ title: "  " }))).toMatchObject({ ok: false, field: "title" });
      expect(await hub.post(draft({ price: "-3" }))).toMatchObject({ ok: false, field: "price" });
      expect(await hub.myListings()).toEqual([]);
      expect(await hub.listings()).toEqual([]);
    });

    it("an edit is a new version with the new fields", async () => {
      const { hub } = await open();
      const first = await posted(hub);
      const edited = await hub.edit(first.id, draft({ title: "Red bicycle", price: "35" }));
      expect(edited).toMatchObject({ ok: true, listing: { id: first.id, title: "Red bicycle", price: 3500 } });
      expect((await hub.listing(first.id))?.version).toBeGreaterThan(first.version);
      expect((await hub.search({ text: "red" })).listings.map((l) => l.id)).toEqual([first.id]);
    });

    it("status changes, renewal and removal are signed new versions", async () => {
      const { hub } = await open();
      const listing = await posted(hub);
      expect(await hub.setStatus(listing.id, "sold")).toMatchObject({ ok: true, listing: { status: "sold" } });
      const renewed = await hub.renew(listing.id, 60);
      if (!renewed.ok) throw new Error(renewed.message);
      expect(renewed.listing.expiresAt).toBeGreaterThan(listing.expiresAt);
      expect(await hub.remove(listing.id)).toMatchObject({ ok: true, listing: { deleted: true } });
      expect((await hub.listing(listing.id))?.deleted).toBe(true);
      expect(await hub.myListings()).toEqual([]);
      expect((await hub.listings()).map((l) => l.id)).not.toContain(listing.id);
    });

    it("a change to a listing this device does not hold is refused naming the listing", async () => {
      const { hub } = await open();
      expect(await hub.setStatus("nope-0000000000", "sold")).toMatchObject({ ok: false, field: "listing" });
      expect(await hub.remove("nope-0000000000")).toMatchObject({ ok: false, field: "listing" });
    });

    it("a saved profile is ours and names us to the views", async () => {
      const { hub, me } = await open();
      expect(await hub.saveProfile({ name: "Alice", about: "Bikes" })).toMatchObject({
        ok: true,
        profile: { peerId: me, name: "Alice", about: "Bikes" },
      });
      expect((await hub.myProfile())?.name).toBe("Alice");
      expect((await hub.profile(me))?.name).toBe("Alice");
      expect((await hub.profileNames())[me]?.name).toBe("Alice");
    });

    it("subscribers hear each change as a listing event, in batches, until they unsubscribe", async () => {
      const { hub } = await open();
      const batches: HubEvent[][] = [];
      const key = await hub.subscribe((events) => void batches.push(events));
      const listing = await posted(hub);
      await vi.waitFor(() => {
        const heard = batches.flat().filter((e) => e.type === "listing");
        expect(heard.map((e) => e.type === "listing" && e.listing.id)).toContain(listing.id);
      }, WAIT);
      expect(batches.every((batch) => Array.isArray(batch) && batch.length > 0)).toBe(true);
      await hub.unsubscribe(key);
      const heardBefore = batches.flat().length;
      await posted(hub, { title: "After unsubscribing" });
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(batches.flat().length).toBe(heardBefore);
    });

    it("a saved search is kept, listed, told to subscribers, can notify, and is deleted", async () => {
      const { hub } = await open();
      const heard: HubEvent[] = [];
      await hub.subscribe((events) => void heard.push(...events));
      const saved = await hub.saveSearch({ text: "bike", maxPrice: 5000 });
      if (!saved.ok) throw new Error(saved.message);
      expect(saved.search).toMatchObject({ query: { text: "bike", maxPrice: 5000 }, matches: 0, unseen: 0 });
      expect(await hub.savedSearches()).toEqual([saved.search]);
      expect(await hub.setSavedSearchNotify(saved.search.id, true)).toMatchObject({ notify: true });
      expect(await hub.openSavedSearch(saved.search.id)).toMatchObject({ listings: [] });
      await vi.waitFor(() => expect(heard.some((e) => e.type === "saved-searches")).toBe(true), WAIT);
      expect(await hub.deleteSavedSearch(saved.search.id)).toBe(true);
      expect(await hub.savedSearches()).toEqual([]);
      expect(await hub.deleteSavedSearch(saved.search.id)).toBe(false);
    });

    it("a saved search with bad bounds or nothing to look for is refused naming the field", async () => {
      const { hub } = await open();
      expect(await hub.saveSearch({ text: "bike", minPrice: 500, maxPrice: 100 })).toMatchObject({
        ok: false,
        field: "max",
      });
      expect(await hub.saveSearch({ text: " " })).toMatchObject({ ok: false, field: "text" });
      expect(await hub.savedSearches()).toEqual([]);
      expect(await hub.openSavedSearch("no-such-search")).toBeUndefined();
    });

    it("lookForListing finds a stored listing at once, looks for an unknown one, and refuses a malformed id", async () => {
      const { hub } = await open();
      const listing = await posted(hub);
      expect(await hub.lookForListing(listing.id)).toEqual({ state: "found", listing });
      // Alone on the network: still looking, for whoever connects.
      expect(await hub.lookForListing("notheld-000001")).toEqual({ state: "looking", asked: 0 });
      expect(await hub.lookForListing("no good")).toMatchObject({ state: "invalid", message: expect.any(String) });
    });
  });
}
