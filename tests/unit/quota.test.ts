// A full disk: the hub makes room by pruning other people's oldest listings, never the user's
// own, and says so; when only own data is left, the write fails with a typed error.

import "fake-indexeddb/auto";
import { afterEach, describe, expect, it, vi } from "vitest";
import { generateIdentity } from "../../src/core/crypto.ts";
import { createListing } from "../../src/core/listings/draft.ts";
import { QuotaKeeper, StorageFullError } from "../../src/core/listings/quota.ts";
import type { Listing } from "../../src/core/listings/records.ts";
import type { MailStore, Store } from "../../src/core/ports.ts";
import { frameSize } from "../../src/core/wire.ts";
import { openIdbStore } from "../../src/worker/idb-store.ts";
import { InjectLink } from "../support/inject-link.ts";
import { MemoryNetwork } from "../support/memory-link.ts";
import { buildPeer, post } from "../support/peers.ts";
import { draft } from "./fixtures.ts";

afterEach(() => vi.restoreAllMocks());

/** A store on a device with `capacity` bytes for listings: writes past it fail as browsers fail them. */
function capped(store: Store & MailStore, capacity: number) {
  const sizes = new Map<string, number>();
  const usage = () => [...sizes.values()].reduce((a, b) => a + b, 0);
  const wrapped: Store & MailStore = new Proxy(store, {
    get(target, property, receiver) {
      if (property === "putListingIf") {
        return async (listing: Listing, accept: (stored: Listing | undefined) => boolean) => {
          const size = frameSize(listing);
          if (usage() - (sizes.get(listing.id) ?? 0) + size > capacity) {
            throw new DOMException("The quota has been exceeded.", "QuotaExceededError");
          }
          const wrote = await target.putListingIf(listing, accept);
          if (wrote) sizes.set(listing.id, size);
          return wrote;
        };
      }
      if (property === "putListingsIf") {
        // One transaction: the whole batch fits, or it fails and nothing is written.
        return async (listings: Listing[], accept: (listing: Listing, stored: Listing | undefined) => boolean) => {
          const adding = listings.reduce((sum, l) => sum + frameSize(l) - (sizes.get(l.id) ?? 0), 0);
          if (usage() + adding > capacity) {
            throw new DOMException("The quota has been exceeded.", "QuotaExceededError");
          }
          const written = await target.putListingsIf(listings, accept);
          for (const { listing } of written) sizes.set(listing.id, frameSize(listing));
          return written;
        };
      }
      if (property === "deleteListingIf") {
        return async (id: string, accept: (stored: Listing) => boolean) => {
          const deleted = await target.deleteListingIf(id, accept);
          if (deleted) sizes.delete(id);
          return deleted;
        };
      }
      return Reflect.get(target, property, receiver);
    },
  });
  return { store: wrapped, estimate: async () => ({ usage: usage(), quota: capacity }) };
}

describe("a full disk", () => {
  it("prunes other people's oldest listings to fit new ones, keeps every own listing, and tells the user", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const errors = vi.spyOn(console, "error");
    const [me, other] = await Promise.all([generateIdentity(Date.now()), generateIdentity(Date.now())]);
    const raw = await openIdbStore(`quota-${Math.random().toString(36).slice(2)}`);
    const probe = await createListing(other, draft(), Date.now());
    const device = capped(raw, frameSize(probe) * 60);
    const notices: string[] = [];
    const peer = await buildPeer(new MemoryNetwork(), {
      identity: me,
      store: device.store,
      ports: { link: new InjectLink(), storage: device.estimate },
    });
    peer.subscribe((event) => {
      if (event.type === "notice") notices.push(event.message);
    });
    const prunedIds: string[] = [];
    const remove = peer.search.remove.bind(peer.search);
    vi.spyOn(peer.search, "remove").mockImplementation((id) => {
      prunedIds.push(id);
      return remove(id);
    });
    const store = peer.store;

    const own: Listing[] = [];
    for (let i = 0; i < 10; i++) own.push(await post(peer, draft({ title: `Mine ${i}` })));

    // Another peer's 150 listings arrive, oldest first: far more than fit.
    const theirs: Listing[] = [];
    for (let i = 0; i < 150; i++)
      theirs.push(await createListing(other, draft({ title: `Theirs ${i}` }), Date.now() + i));
    // In frames of ten, as a peer sends them.
    for (let i = 0; i < theirs.length; i += 10) await peer.listings.accept(other.peerId, theirs.slice(i, i + 10));

    const stored = await store.listListings();
    for (const listing of own) expect(stored.map((l) => l.id)).toContain(listing.id);
    // The newest of theirs made it; the oldest were pruned to make room.
    expect(stored.map((l) => l.id)).toContain(theirs.at(-1)?.id);
    expect(stored.map((l) => l.id)).not.toContain(theirs[0]?.id);
    expect(notices.length).toBeGreaterThan(0);
    // Search forgets what went (and its photos are freed).
    expect(prunedIds).toContain(theirs[0]?.id);
    expect(prunedIds.some((id) => own.some((l) => l.id === id))).toBe(false);
    expect(notices[0]).toMatch(/removed \d+ of other people's oldest or expired listings/);
    expect(errors).not.toHaveBeenCalled();
    await peer.close();
  });

  it("when only the user's own listings are left, posting fails with StorageFullError and nothing is lost", async () => {
    const me = await generateIdentity(Date.now());
    const raw = await openIdbStore(`quota-full-${Math.random().toString(36).slice(2)}`);
    const probe = await createListing(me, draft(), Date.now());
    const device = capped(raw, frameSize(probe) * 5 + 10);
    const peer = await buildPeer(new MemoryNetwork(), {
      identity: me,
      store: device.store,
      ports: { link: new InjectLink(), storage: device.estimate },
    });
    const own: Listing[] = [];
    for (let i = 0; i < 5; i++) own.push(await post(peer, draft({ title: `Mine ${i}` })));
    await expect(peer.api.post(draft({ title: "One too many" }))).rejects.toBeInstanceOf(StorageFullError);
    expect((await raw.listListings()).map((l) => l.id).sort()).toEqual(own.map((l) => l.id).sort());
    await peer.close();
  });

  it("check() prunes when the estimate passes the high-water mark, not before", async () => {
    const [me, other] = await Promise.all([generateIdentity(Date.now()), generateIdentity(Date.now())]);
    const store = await openIdbStore(`quota-check-${Math.random().toString(36).slice(2)}`);
    for (let i = 0; i < 100; i++) {
      const listing = await createListing(other, draft({ title: `T${i}` }), Date.now() + i);
      await store.putListingIf(listing, () => true);
    }
    let usage = 50;
    const keeper = new QuotaKeeper(store, {
      me: me.peerId,
      estimate: async () => ({ usage, quota: 100 }),
      notify: () => {},
      now: Date.now,
    });
    expect(await keeper.check()).toBe(0);
    usage = 95;
    expect(await keeper.check()).toBeGreaterThan(0);
    store.close();
  });

  it("says how many listings it removed, not how many it tried: one deleted meanwhile is not counted", async () => {
    const [me, other] = await Promise.all([generateIdentity(Date.now()), generateIdentity(Date.now())]);
    const store = await openIdbStore(`quota-count-${Math.random().toString(36).slice(2)}`);
    const ids: string[] = [];
    for (let i = 0; i < 60; i++) {
      const listing = await createListing(other, draft({ title: `T${i}` }), Date.now() + i);
      await store.putListingIf(listing, () => true);
      ids.push(listing.id);
    }
    // The author withdraws ten of them while the pruner is reading its list.
    const listSummaries = store.listListingSummaries.bind(store);
    store.listListingSummaries = async () => {
      const summaries = await listSummaries();
      for (const id of ids.slice(0, 10)) await store.deleteListingIf(id, () => true);
      return summaries;
    };
    const notices: string[] = [];
    const keeper = new QuotaKeeper(store, {
      me: me.peerId,
      estimate: async () => undefined,
      notify: (message) => notices.push(message),
      now: Date.now,
    });
    expect(await keeper.relieve()).toBe(40);
    expect(notices).toEqual([expect.stringContaining("removed 40 of other people's")]);
    expect((await listSummaries()).length).toBe(10);
    store.close();
  });
});
