import "fake-indexeddb/auto";
import fc from "fast-check";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { generateIdentity, type Identity } from "../../src/core/crypto.ts";
import { createListing } from "../../src/core/listings/draft.ts";
import {
  deleteListing,
  editListing,
  ListingEditError,
  renewListing,
  setListingStatus,
} from "../../src/core/listings/listing-edits.ts";
import {
  DAY_MS,
  isPrunable,
  isVisible,
  LIMITS,
  type Listing,
  supersedes,
  verifyListing,
} from "../../src/core/listings/records.ts";
import { systemClock } from "../../src/shared/system.ts";
import { MemoryNetwork } from "../support/memory-link.ts";
import { buildPeer, post, type TestPeer } from "../support/peers.ts";
import { draft } from "./fixtures.ts";

const NOW = 1_700_000_000_000;

let alice: Identity;
let bob: Identity;
let listing: Listing;

beforeAll(async () => {
  [alice, bob] = await Promise.all([generateIdentity(NOW), generateIdentity(NOW)]);
  listing = await createListing(alice, draft({ category: "for-sale", location: "Riverside" }), NOW);
});

describe("a new listing", () => {
  it("is active, not deleted, and expires after 30 days unless the author chooses", async () => {
    expect(listing).toMatchObject({ status: "active", deleted: false, expiresAt: NOW + 30 * DAY_MS });
    const short = await createListing(alice, draft({ lifetimeDays: "7" }), NOW);
    expect(short.expiresAt).toBe(NOW + 7 * DAY_MS);
  });

  it("can be free or a swap, which carry no amount", async () => {
    const free = await createListing(alice, draft({ pricing: "free", price: "12" }), NOW);
    expect(free).toMatchObject({ pricing: "free", price: null });
    expect((await verifyListing(free, NOW)).ok).toBe(true);
  });
});

describe("author edits", () => {
  it("an edit is version + 1 with the new fields, stamped now, and verifies", async () => {
    const edited = await editListing(alice, listing, draft({ title: "Bike, 5 gears", price: "55" }), NOW + 10);
    expect(edited).toMatchObject({ version: 2, updatedAt: NOW + 10, title: "Bike, 5 gears", price: 5500 });
    expect(edited.createdAt).toBe(listing.createdAt);
    expect(edited.expiresAt).toBe(listing.expiresAt);
    expect((await verifyListing(edited, NOW + 10)).ok).toBe(true);
    expect(supersedes(edited, listing)).toBe(true);
  });

  it("status changes and renewals are edits", async () => {
    const sold = await setListingStatus(alice, listing, "sold", NOW + 1);
    expect(sold).toMatchObject({ version: 2, status: "sold", title: listing.title });
    const later = NOW + 40 * DAY_MS;
    const renewed = await renewListing(alice, sold, later);
    expect(renewed).toMatchObject({ version: 3, expiresAt: later + 30 * DAY_MS, status: "sold" });
    expect((await verifyListing(renewed, later)).ok).toBe(true);
  });

  it("a tombstone empties the content and hides the listing", async () => {
    const tombstone = await deleteListing(alice, listing, NOW + 1);
    expect(tombstone).toMatchObject({ deleted: true, title: "", description: "", location: "", price: null });
    expect((await verifyListing(tombstone, NOW + 1)).ok).toBe(true);
    expect(isVisible(tombstone, NOW + 1)).toBe(false);
    await expect(editListing(alice, tombstone, draft(), NOW + 2)).rejects.toThrow(ListingEditError);
  });

  it("nobody but the author can make a new version", async () => {
    await expect(setListingStatus(bob, listing, "sold", NOW + 1)).rejects.toThrow(ListingEditError);
    await expect(deleteListing(bob, listing, NOW + 1)).rejects.toThrow(ListingEditError);
  });

  it("an edit with bad fields throws the ValidationError of the form", async () => {
    await expect(editListing(alice, listing, draft({ title: "" }), NOW)).rejects.toMatchObject({ field: "title" });
    await expect(editListing(alice, listing, draft({ price: "-2" }), NOW)).rejects.toMatchObject({ field: "price" });
  });
});

describe("expiry", () => {
  it("a listing shows until expiresAt, is prunable after the grace period, and then refused", async () => {
    expect(isVisible(listing, listing.expiresAt - 1)).toBe(true);
    expect(isVisible(listing, listing.expiresAt)).toBe(false);
    expect(isPrunable(listing, listing.expiresAt + LIMITS.pruneGraceMs)).toBe(false);
    const past = listing.expiresAt + LIMITS.pruneGraceMs + 1;
    expect(isPrunable(listing, past)).toBe(true);
    expect(await verifyListing(listing, past)).toEqual({ ok: false, reason: "expired" });
  });

  it("a record claiming a lifetime over the maximum is refused", async () => {
    const { signature: _, ...unsigned } = listing;
    const { signListing } = await import("../../src/core/listings/records.ts");
    const forever = await signListing(alice, { ...unsigned, expiresAt: NOW + 91 * DAY_MS });
    expect(await verifyListing(forever, NOW)).toEqual({ ok: false, reason: "bad-timestamps" });
  });
});

describe("merge", () => {
  it("any delivery order of edits, status changes, renewals and tombstones converges", async () => {
    // Two devices of the author diverge from v2: one edits on, the other deletes at v3.
    const v2 = await editListing(alice, listing, draft({ title: "v2" }), NOW + 1);
    const v3 = await setListingStatus(alice, v2, "reserved", NOW + 2);
    const v4 = await renewListing(alice, v3, NOW + 3);
    const v5 = await editListing(alice, v4, draft({ title: "v5" }), NOW + 4);
    const tombstone = await deleteListing(alice, v2, NOW + 2);
    const versions = [listing, v2, v3, v4, v5, tombstone];
    const fold = (order: Listing[]) =>
      order.reduce<Listing | undefined>((stored, next) => (supersedes(next, stored) ? next : stored), undefined);
    fc.assert(
      fc.property(
        fc.shuffledSubarray(versions, { minLength: versions.length }),
        fc.array(fc.constantFrom(...versions), { maxLength: 6 }),
        (order, replays) => {
          // The tombstone wins even over the later, higher v5: deletion is final.
          expect(fold([...order, ...replays.map((l) => structuredClone(l))])).toEqual(tombstone);
        },
      ),
    );
    // Without the tombstone the highest version wins, whatever the order.
    fc.assert(
      fc.property(fc.shuffledSubarray(versions.slice(0, 5), { minLength: 5 }), (order) => {
        expect(fold(order)).toEqual(v5);
      }),
    );
  });
});

describe("ListingActions across peers", () => {
  const peers: TestPeer[] = [];
  afterEach(async () => {
    for (const peer of peers.splice(0)) await peer.close();
  });

  async function peer(identity: Identity, network: MemoryNetwork, now: () => number) {
    const built = await buildPeer(network, { identity, clock: { ...systemClock, now } });
    peers.push(built);
    return built;
  }

  it("edit, mark sold and delete reach a connected peer; a late old copy does not resurrect", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const network = new MemoryNetwork();
    const clock = { now: Date.now() };
    const now = () => clock.now;
    const a = await peer(alice, network, now);
    const b = await peer(bob, network, now);
    network.connect(alice.peerId, bob.peerId);
    await vi.waitFor(() => expect(a.session.readyPeers()).toEqual([bob.peerId]), { timeout: 3000 });
    const posted = await post(a, draft({ title: "Lamp" }));
    await vi.waitFor(async () => expect((await b.store.getListing(posted.id))?.title).toBe("Lamp"));

    expect(await a.actions.edit(posted.id, draft({ title: "Lamp, brass" }))).toMatchObject({ ok: true });
    await vi.waitFor(async () => expect((await b.store.getListing(posted.id))?.title).toBe("Lamp, brass"));
    expect(await a.actions.setStatus(posted.id, "sold")).toMatchObject({ ok: true });
    await vi.waitFor(async () => expect((await b.store.getListing(posted.id))?.status).toBe("sold"));

    // Bob cannot change Alice's listing through his hub.
    expect(await b.actions.setStatus(posted.id, "active")).toMatchObject({ ok: false, field: "listing" });

    expect(await a.actions.remove(posted.id)).toMatchObject({ ok: true });
    await vi.waitFor(async () => expect((await b.store.getListing(posted.id))?.deleted).toBe(true));
    expect((await b.actions.visible()).map((l) => l.id)).not.toContain(posted.id);
    // A relayed copy of the first version arrives late: the tombstone stays.
    await b.listings.accept(alice.peerId, [posted]);
    expect((await b.store.getListing(posted.id))?.deleted).toBe(true);
    expect(await a.actions.mine()).toEqual([]);
  });

  it("a tombstone made at the same millisecond as the live version still spreads by sync", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const network = new MemoryNetwork();
    // A clock that does not move: the edit and the delete happen "at once".
    const frozen = Date.now();
    const a = await peer(alice, network, () => frozen);
    const b = await peer(bob, network, () => frozen);
    network.connect(alice.peerId, bob.peerId);
    await vi.waitFor(() => expect(a.session.readyPeers()).toEqual([bob.peerId]), { timeout: 3000 });
    const posted = await post(a, draft({ title: "Lamp" }));
    await vi.waitFor(async () => expect((await b.store.getListing(posted.id))?.title).toBe("Lamp"));
    a.link.hangUp(bob.peerId);
    await vi.waitFor(() => expect(b.session.readyPeers()).toEqual([]), { timeout: 3000 });
    expect(await a.actions.remove(posted.id)).toMatchObject({ ok: true });
    const tombstone = await a.store.getListing(posted.id);
    expect(tombstone?.updatedAt).toBeGreaterThan(posted.updatedAt);
    // Only reconciliation can carry it now: the push went out while nobody was connected.
    network.connect(alice.peerId, bob.peerId);
    await vi.waitFor(async () => expect((await b.store.getListing(posted.id))?.deleted).toBe(true), {
      timeout: 3000,
    });
  });

  it("expired listings stop showing, and others' are pruned after the grace period but own ones kept", async () => {
    const network = new MemoryNetwork();
    const clock = { now: Date.now() };
    const now = () => clock.now;
    const a = await peer(alice, network, now);
    const mine = await post(a, draft({ title: "Mine", lifetimeDays: 1 }));
    const theirs = await createListing(bob, draft({ title: "Theirs", lifetimeDays: 1 }), clock.now);
    await a.listings.accept(bob.peerId, [theirs]);
    expect((await a.actions.visible()).length).toBe(2);
    clock.now += DAY_MS + 1;
    expect(await a.actions.visible()).toEqual([]);
    expect(await a.actions.prune()).toEqual([]);
    clock.now += LIMITS.pruneGraceMs;
    expect((await a.actions.prune()).map((gone) => gone.id)).toEqual([theirs.id]);
    expect(await a.store.getListing(theirs.id)).toBeUndefined();
    expect(await a.store.getListing(mine.id)).toBeDefined();
    // The own expired listing is still in "My listings" and can be renewed.
    expect((await a.actions.mine()).map((l) => l.id)).toEqual([mine.id]);
    const renewed = await a.actions.renew(mine.id);
    expect(renewed).toMatchObject({ ok: true });
    expect((await a.actions.visible()).map((l) => l.id)).toEqual([mine.id]);
  });
});
