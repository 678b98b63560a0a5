// The Store conformance suite (STYLE.md "one interface, one conformance suite"): every Store
// implementation runs it with a factory that returns a fresh, empty store.

import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { generateIdentity, type Identity, sign, verify } from "../../src/core/crypto.ts";
import { createListing, type Listing, signListing, supersedes } from "../../src/core/listings/records.ts";
import type { PeerRecord, Store } from "../../src/core/store.ts";

const NOW = 1_700_000_000_000;

export function runStoreContract(name: string, makeStore: () => Promise<Store>): void {
  describe(`Store contract: ${name}`, () => {
    let alice: Identity;
    let bob: Identity;
    const open: Store[] = [];

    beforeAll(async () => {
      [alice, bob] = await Promise.all([generateIdentity(NOW), generateIdentity(NOW + 1)]);
    });

    afterEach(() => {
      for (const store of open.splice(0)) store.close();
    });

    async function fresh(): Promise<Store> {
      const store = await makeStore();
      open.push(store);
      return store;
    }

    async function listingAt(updatedAt: number, title = `Listing at ${updatedAt}`): Promise<Listing> {
      const made = await createListing(alice, { title, description: "", price: "", currency: "EUR" }, updatedAt);
      return made;
    }

    async function version(base: Listing, version: number, updatedAt = base.updatedAt + version): Promise<Listing> {
      const { signature: _, ...unsigned } = base;
      return signListing(alice, { ...unsigned, version, updatedAt, title: `${base.title} v${version}` });
    }

    describe("identity", () => {
      it("a fresh store has no identity", async () => {
        expect(await (await fresh()).loadIdentity()).toBeUndefined();
      });

      it("initIdentity stores the first identity and returns it", async () => {
        const store = await fresh();
        const stored = await store.initIdentity(alice);
        expect(stored.peerId).toBe(alice.peerId);
        expect((await store.loadIdentity())?.peerId).toBe(alice.peerId);
      });

      it("a later initIdentity keeps the first identity", async () => {
        const store = await fresh();
        await store.initIdentity(alice);
        const second = await store.initIdentity(bob);
        expect(second.peerId).toBe(alice.peerId);
        expect(second.publicKey).toBe(alice.publicKey);
        const loaded = await store.loadIdentity();
        expect(loaded?.peerId).toBe(alice.peerId);
        expect(loaded?.createdAt).toBe(alice.createdAt);
      });

      it("replaceIdentity swaps the identity and keeps listings", async () => {
        const store = await fresh();
        await store.initIdentity(alice);
        const listing = await listingAt(1_000);
        await store.putListingIf(listing, () => true);
        await store.replaceIdentity(bob);
        expect((await store.loadIdentity())?.peerId).toBe(bob.peerId);
        expect(await store.getListing(listing.id)).toEqual(listing);
      });

      it("racing initIdentity calls agree on one identity", async () => {
        const store = await fresh();
        const [a, b] = await Promise.all([store.initIdentity(alice), store.initIdentity(bob)]);
        expect(a.peerId).toBe(b.peerId);
        expect((await store.loadIdentity())?.peerId).toBe(a.peerId);
      });

      it("the loaded identity's keys still sign and agree", async () => {
        const store = await fresh();
        await store.initIdentity(alice);
        const loaded = await store.loadIdentity();
        if (!loaded) throw new Error("no identity after initIdentity");
        const signature = await sign(loaded.signing.privateKey, "still mine");
        expect(await verify(alice.publicKey, signature, "still mine")).toBe(true);
        expect(await verify(loaded.publicKey, await sign(alice.signing.privateKey, "x"), "x")).toBe(true);
        const bits = await crypto.subtle.deriveBits(
          { name: "ECDH", public: bob.agreement.publicKey },
          loaded.agreement.privateKey,
          256,
        );
        const expected = await crypto.subtle.deriveBits(
          { name: "ECDH", public: alice.agreement.publicKey },
          bob.agreement.privateKey,
          256,
        );
        expect(new Uint8Array(bits)).toEqual(new Uint8Array(expected));
      });
    });

    describe("listings", () => {
      it("getListing is undefined for an unknown id", async () => {
        expect(await (await fresh()).getListing("nope-nope-nope")).toBeUndefined();
      });

      it("putListingIf writes when accept says yes and returns true", async () => {
        const store = await fresh();
        const listing = await listingAt(NOW);
        const seen: (Listing | undefined)[] = [];
        const wrote = await store.putListingIf(listing, (stored) => {
          seen.push(stored);
          return true;
        });
        expect(wrote).toBe(true);
        expect(seen).toEqual([undefined]);
        expect(await store.getListing(listing.id)).toEqual(listing);
      });

      it("putListingIf writes the listing's photos with it, and neither when accept says no", async () => {
        const store = await fresh();
        const listing = await listingAt(1_000);
        const photo = { hash: "A".repeat(43), blob: new Blob([new Uint8Array([1, 2, 3])], { type: "image/webp" }) };
        expect(await store.putListingIf(listing, () => false, [photo])).toBe(false);
        expect(await store.getImage(photo.hash)).toBeUndefined();
        expect(await store.putListingIf(listing, () => true, [photo])).toBe(true);
        expect(await store.getListing(listing.id)).toEqual(listing);
        const stored = await store.getImage(photo.hash);
        expect(stored?.size).toBe(3);
      });

      it("putListingIf does not write when accept says no and returns false", async () => {
        const store = await fresh();
        const listing = await listingAt(NOW);
        expect(await store.putListingIf(listing, () => false)).toBe(false);
        expect(await store.getListing(listing.id)).toBeUndefined();
        expect(await store.listListings()).toEqual([]);
      });

      it("putListingIf passes the stored version to accept and keeps it on no", async () => {
        const store = await fresh();
        const v1 = await listingAt(NOW);
        const v2 = await version(v1, 2);
        await store.putListingIf(v1, () => true);
        let seen: Listing | undefined;
        expect(
          await store.putListingIf(v2, (stored) => {
            seen = stored;
            return false;
          }),
        ).toBe(false);
        expect(seen).toEqual(v1);
        expect(await store.getListing(v1.id)).toEqual(v1);
        expect(await store.putListingIf(v2, (stored) => stored?.version === 1)).toBe(true);
        expect(await store.getListing(v1.id)).toEqual(v2);
      });

      it("concurrent merges with the supersedes rule keep the highest version", async () => {
        const store = await fresh();
        const v1 = await listingAt(NOW);
        const versions = await Promise.all([3, 1, 5, 2, 4].map((n) => version(v1, n)));
        const results = await Promise.all(
          versions.map((listing) => store.putListingIf(listing, (stored) => supersedes(listing, stored))),
        );
        expect((await store.getListing(v1.id))?.version).toBe(5);
        // Order of commits: 3 (new), 1 (stale), 5 (newer), 2 and 4 (stale against 5).
        expect(results).toEqual([true, false, true, false, false]);
        expect(await store.listListings()).toHaveLength(1);
      });

      it("putListingsIf writes the accepted listings of a batch and returns them in order", async () => {
        const store = await fresh();
        const a = await listingAt(NOW);
        const b = await listingAt(NOW + 1);
        const c = await listingAt(NOW + 2);
        await store.putListingIf(b, () => true);
        const seen: [string, Listing | undefined][] = [];
        const written = await store.putListingsIf([a, b, c], (listing, stored) => {
          seen.push([listing.id, stored]);
          return stored === undefined;
        });
        expect(written).toEqual([a, c]);
        expect(seen).toEqual([
          [a.id, undefined],
          [b.id, b],
          [c.id, undefined],
        ]);
        expect((await store.listListings()).map((l) => l.id).sort()).toEqual([a.id, b.id, c.id].sort());
        expect(await store.putListingsIf([], () => true)).toEqual([]);
      });

      it("putListingsIf sees earlier listings of the same batch: the highest version wins", async () => {
        const store = await fresh();
        const v1 = await listingAt(NOW);
        const versions = await Promise.all([3, 1, 5, 2].map((n) => version(v1, n)));
        const written = await store.putListingsIf(versions, (listing, stored) => supersedes(listing, stored));
        expect(written.map((l) => l.version)).toEqual([3, 5]);
        expect((await store.getListing(v1.id))?.version).toBe(5);
      });

      it("listListings returns every listing, newest updatedAt first", async () => {
        const store = await fresh();
        const times = [NOW + 3, NOW, NOW + 10, NOW + 1, NOW + 7];
        for (const t of times) await store.putListingIf(await listingAt(t), () => true);
        const listed = await store.listListings();
        expect(listed.map((l) => l.updatedAt)).toEqual([...times].sort((a, b) => b - a));
      });

      it("listListings orders by the stored version's updatedAt after an edit", async () => {
        const store = await fresh();
        const old = await listingAt(NOW);
        const middle = await listingAt(NOW + 5);
        await store.putListingIf(old, () => true);
        await store.putListingIf(middle, () => true);
        const edited = await version(old, 2, NOW + 9);
        await store.putListingIf(edited, () => true);
        expect((await store.listListings()).map((l) => [l.id, l.version])).toEqual([
          [old.id, 2],
          [middle.id, 1],
        ]);
      });
    });

    describe("meta", () => {
      it("getMeta is undefined for an unknown key", async () => {
        expect(await (await fresh()).getMeta("never-set")).toBeUndefined();
      });

      it("setMeta stores structured values per key and overwrites", async () => {
        const store = await fresh();
        await store.setMeta("token", "abc");
        await store.setMeta("settings", { ice: ["stun:example.org"], n: 3, on: true });
        expect(await store.getMeta<string>("token")).toBe("abc");
        expect(await store.getMeta("settings")).toEqual({ ice: ["stun:example.org"], n: 3, on: true });
        await store.setMeta("token", 42);
        expect(await store.getMeta<number>("token")).toBe(42);
        expect(await store.getMeta("settings")).toEqual({ ice: ["stun:example.org"], n: 3, on: true });
      });
    });

    describe("peers", () => {
      const peer = (id: string, lastSeen: number, name?: string): PeerRecord => ({
        id,
        publicKey: "k".repeat(87),
        lastSeen,
        ...(name ? { name } : {}),
      });

      it("a fresh store knows no peers", async () => {
        expect(await (await fresh()).listPeers()).toEqual([]);
      });

      it("rememberPeer inserts new peers and updates known ones by id", async () => {
        const store = await fresh();
        await store.rememberPeer(peer(alice.peerId, NOW));
        await store.rememberPeer(peer(bob.peerId, NOW + 1, "Bob"));
        await store.rememberPeer(peer(alice.peerId, NOW + 2, "Alice"));
        const peers = await store.listPeers();
        expect(peers).toHaveLength(2);
        expect(peers.find((p) => p.id === alice.peerId)).toEqual(peer(alice.peerId, NOW + 2, "Alice"));
        expect(peers.find((p) => p.id === bob.peerId)).toEqual(peer(bob.peerId, NOW + 1, "Bob"));
      });
    });

    it("stores made by the factory do not share data", async () => {
      const a = await fresh();
      const b = await fresh();
      await a.initIdentity(alice);
      await a.putListingIf(await listingAt(NOW), () => true);
      await a.setMeta("k", 1);
      expect(await b.loadIdentity()).toBeUndefined();
      expect(await b.listListings()).toEqual([]);
      expect(await b.getMeta("k")).toBeUndefined();
    });
  });
}
