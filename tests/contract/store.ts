// The Store conformance suite (one interface, one conformance suite): every method of
// src/core/store.ts, with the semantics its doc comments state. Every Store runs it with a
// `setup` (store-fixture.ts); a durable one also checks that what it wrote survives reopen.

import { beforeAll, describe, expect, it } from "vitest";
import { generateIdentity, type Identity, sign, verify } from "../../src/core/crypto.ts";
import { createListing } from "../../src/core/listings/draft.ts";
import { type Listing, signListing, supersedes } from "../../src/core/listings/records.ts";
import { type Profile, signProfile } from "../../src/core/profiles/profile.ts";
import type { PeerRecord, Store } from "../../src/core/store.ts";
import { freshStores, type StoreSetup } from "./store-fixture.ts";

const NOW = 1_700_000_000_000;
const DAY = 24 * 60 * 60 * 1000;

export function runStoreContract(name: string, setup: StoreSetup<Store>): void {
  describe(`Store contract: ${name}`, () => {
    let alice: Identity;
    let bob: Identity;
    let carol: Identity;
    const open = freshStores(setup);
    const fresh = async () => (await open()).store;

    beforeAll(async () => {
      [alice, bob, carol] = await Promise.all([
        generateIdentity(NOW),
        generateIdentity(NOW + 1),
        generateIdentity(NOW + 2),
      ]);
    });

    async function listingAt(updatedAt: number, title = `Listing at ${updatedAt}`): Promise<Listing> {
      const made = await createListing(alice, { title, description: "", price: "", currency: "EUR" }, updatedAt);
      return made;
    }

    async function version(base: Listing, version: number, updatedAt = base.updatedAt + version): Promise<Listing> {
      const { signature: _, ...unsigned } = base;
      return signListing(alice, { ...unsigned, version, updatedAt, title: `${base.title} v${version}` });
    }

    async function expiringAt(expiresAt: number): Promise<Listing> {
      const { signature: _, ...unsigned } = await listingAt(expiresAt - DAY);
      return signListing(alice, { ...unsigned, expiresAt });
    }

    const photo = (byte: number, type = "image/webp") => ({
      hash: String.fromCharCode(65 + (byte % 26)).repeat(43),
      blob: new Blob([new Uint8Array([byte, byte + 1, byte + 2])], { type }),
    });

    const bytes = async (blob: Blob | undefined) => (blob ? [...new Uint8Array(await blob.arrayBuffer())] : undefined);

    const peer = (id: string, lastSeen: number, name?: string): PeerRecord => ({
      id,
      publicKey: "k".repeat(87),
      lastSeen,
      ...(name ? { name } : {}),
    });

    const profileOf = (identity: Identity, name: string, updatedAt: number): Promise<Profile> =>
      signProfile(identity, { name, about: `About ${name}` }, updatedAt);

    describe("identity", () => {
      it("a fresh store has no identity", async () => {
        expect(await (await fresh()).loadIdentity()).toBeUndefined();
      });

      it("initIdentity stores the first identity and returns it", async () => {
        const opened = await open();
        const stored = await opened.store.initIdentity(alice);
        expect(stored.peerId).toBe(alice.peerId);
        await opened.survives(async (store) => {
          const loaded = await store.loadIdentity();
          expect(loaded?.peerId).toBe(alice.peerId);
          expect(loaded?.publicKey).toBe(alice.publicKey);
          expect(loaded?.createdAt).toBe(alice.createdAt);
        });
      });

      it("a later initIdentity keeps the first identity", async () => {
        const opened = await open();
        await opened.store.initIdentity(alice);
        const second = await opened.store.initIdentity(bob);
        expect(second.peerId).toBe(alice.peerId);
        expect(second.publicKey).toBe(alice.publicKey);
        await opened.survives(async (store) => {
          const loaded = await store.loadIdentity();
          expect(loaded?.peerId).toBe(alice.peerId);
          expect(loaded?.createdAt).toBe(alice.createdAt);
          expect((await store.initIdentity(carol)).peerId).toBe(alice.peerId);
        });
      });

      it("racing initIdentity calls agree on one identity", async () => {
        const store = await fresh();
        const [a, b] = await Promise.all([store.initIdentity(alice), store.initIdentity(bob)]);
        expect(a.peerId).toBe(b.peerId);
        expect((await store.loadIdentity())?.peerId).toBe(a.peerId);
      });

      it("the loaded identity's keys still sign and agree", async () => {
        const opened = await open();
        await opened.store.initIdentity(alice);
        await opened.survives(async (store) => {
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
          const back = await crypto.subtle.deriveBits(
            { name: "ECDH", public: loaded.agreement.publicKey },
            bob.agreement.privateKey,
            256,
          );
          expect(new Uint8Array(back)).toEqual(new Uint8Array(expected));
        });
      });

      it("the loaded identity's keys keep their type, algorithm, usages and extractability (backup export)", async () => {
        const opened = await open();
        await opened.store.initIdentity(alice);
        const shape = (key: CryptoKey) => ({
          type: key.type,
          algorithm: key.algorithm,
          usages: [...key.usages].sort(),
          extractable: key.extractable,
        });
        await opened.survives(async (store) => {
          const loaded = await store.loadIdentity();
          if (!loaded) throw new Error("no identity after initIdentity");
          for (const pair of ["signing", "agreement"] as const) {
            for (const part of ["publicKey", "privateKey"] as const) {
              expect(shape(loaded[pair][part]), `${pair}.${part}`).toEqual(shape(alice[pair][part]));
            }
          }
          // "Export identity" (src/core/backup.ts) exports the private keys as JWK.
          const jwk = await crypto.subtle.exportKey("jwk", loaded.signing.privateKey);
          expect(jwk.d).toBe((await crypto.subtle.exportKey("jwk", alice.signing.privateKey)).d);
        });
      });

      it("replaceIdentity swaps the identity and keeps listings and peers", async () => {
        const opened = await open();
        await opened.store.initIdentity(alice);
        const listing = await listingAt(1_000);
        await opened.store.putListingIf(listing, () => true);
        await opened.store.rememberPeer(peer(carol.peerId, NOW, "Carol"));
        await opened.store.replaceIdentity(bob);
        await opened.survives(async (store) => {
          const loaded = await store.loadIdentity();
          expect(loaded?.peerId).toBe(bob.peerId);
          expect(loaded?.publicKey).toBe(bob.publicKey);
          if (!loaded) return;
          expect(await verify(bob.publicKey, await sign(loaded.signing.privateKey, "now bob"), "now bob")).toBe(true);
          expect(await store.getListing(listing.id)).toEqual(listing);
          expect(await store.listPeers()).toEqual([peer(carol.peerId, NOW, "Carol")]);
        });
      });

      it("replaceIdentity stores an identity in a store that has none, and initIdentity keeps it", async () => {
        const store = await fresh();
        await store.replaceIdentity(bob);
        expect((await store.loadIdentity())?.peerId).toBe(bob.peerId);
        expect((await store.initIdentity(alice)).peerId).toBe(bob.peerId);
      });
    });

    describe("listings", () => {
      it("getListing is undefined for an unknown id", async () => {
        expect(await (await fresh()).getListing("nope-nope-nope")).toBeUndefined();
      });

      it("putListingIf writes when accept says yes and returns true", async () => {
        const opened = await open();
        const listing = await listingAt(NOW);
        const seen: (Listing | undefined)[] = [];
        const wrote = await opened.store.putListingIf(listing, (stored) => {
          seen.push(stored);
          return true;
        });
        expect(wrote).toBeGreaterThan(0);
        expect(seen).toEqual([undefined]);
        await opened.survives(async (store) => {
          expect(await store.getListing(listing.id)).toEqual(listing);
        });
      });

      it("putListingIf writes the listing's photos with it, and neither when accept says no", async () => {
        const opened = await open();
        const store = opened.store;
        const listing = await listingAt(1_000);
        const image = { hash: "A".repeat(43), blob: new Blob([new Uint8Array([1, 2, 3])], { type: "image/webp" }) };
        expect(await store.putListingIf(listing, () => false, [image])).toBeUndefined();
        expect(await store.getImage(image.hash)).toBeUndefined();
        expect(await store.listImageHashes()).toEqual([]);
        expect(await store.putListingIf(listing, () => true, [image])).toBeGreaterThan(0);
        await opened.survives(async (store) => {
          expect(await store.getListing(listing.id)).toEqual(listing);
          const stored = await store.getImage(image.hash);
          expect(stored?.size).toBe(3);
          expect(await bytes(stored)).toEqual([1, 2, 3]);
          expect(stored?.type).toBe("image/webp");
        });
      });

      it("putListingIf does not write when accept says no and returns undefined", async () => {
        const store = await fresh();
        const listing = await listingAt(NOW);
        expect(await store.putListingIf(listing, () => false)).toBeUndefined();
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
        ).toBeUndefined();
        expect(seen).toEqual(v1);
        expect(await store.getListing(v1.id)).toEqual(v1);
        expect(await store.putListingIf(v2, (stored) => stored?.version === 1)).toBeGreaterThan(0);
        expect(await store.getListing(v1.id)).toEqual(v2);
      });

      it("putListingIf rejects with accept's error and writes neither the listing nor its photos", async () => {
        const opened = await open();
        const v1 = await listingAt(NOW);
        await opened.store.putListingIf(v1, () => true);
        const v2 = await version(v1, 2);
        const refusal = new Error("merge rule exploded");
        await expect(
          opened.store.putListingIf(v2, () => {
            throw refusal;
          }, [photo(7)]),
        ).rejects.toBe(refusal);
        await opened.survives(async (store) => {
          expect(await store.getListing(v1.id)).toEqual(v1);
          expect(await store.listImageHashes()).toEqual([]);
        });
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
        expect(results.map((seq) => seq !== undefined)).toEqual([true, false, true, false, false]);
        expect(await store.listListings()).toHaveLength(1);
      });

      it("getListings returns the stored listings in the order asked and leaves out unknown ids", async () => {
        const opened = await open();
        const [a, b, c] = await Promise.all([listingAt(NOW), listingAt(NOW + 1), listingAt(NOW + 2)]);
        if (!a || !b || !c) throw new Error("three listings");
        await opened.store.putListingsIf([a, b, c], () => true);
        await opened.survives(async (store) => {
          expect(await store.getListings([c.id, "unknown-listing-1", a.id, b.id, "unknown-listing-2"])).toEqual([
            c,
            a,
            b,
          ]);
          expect(await store.getListings([b.id])).toEqual([b]);
          expect(await store.getListings(["unknown-listing-3"])).toEqual([]);
          expect(await store.getListings([])).toEqual([]);
        });
      });

      it("putListingsIf writes the accepted listings of a batch and returns them in order", async () => {
        const opened = await open();
        const store = opened.store;
        const a = await listingAt(NOW);
        const b = await listingAt(NOW + 1);
        const c = await listingAt(NOW + 2);
        await store.putListingIf(b, () => true);
        const seen: [string, Listing | undefined][] = [];
        const written = await store.putListingsIf([a, b, c], (listing, stored) => {
          seen.push([listing.id, stored]);
          return stored === undefined;
        });
        expect(written.map((w) => w.listing)).toEqual([a, c]);
        expect(seen).toEqual([
          [a.id, undefined],
          [b.id, b],
          [c.id, undefined],
        ]);
        expect(await store.putListingsIf([], () => true)).toEqual([]);
        await opened.survives(async (store) => {
          expect((await store.listListings()).map((l) => l.id).sort()).toEqual([a.id, b.id, c.id].sort());
          expect(await store.getListings([a.id, b.id, c.id])).toEqual([a, b, c]);
        });
      });

      it("putListingsIf sees earlier listings of the same batch: the highest version wins", async () => {
        const store = await fresh();
        const v1 = await listingAt(NOW);
        const versions = await Promise.all([3, 1, 5, 2].map((n) => version(v1, n)));
        const written = await store.putListingsIf(versions, (listing, stored) => supersedes(listing, stored));
        expect(written.map((w) => w.listing.version)).toEqual([3, 5]);
        expect((await store.getListing(v1.id))?.version).toBe(5);
      });

      it("putListingsIf is one transaction: when accept throws halfway, nothing of the batch is written", async () => {
        const opened = await open();
        const before = await listingAt(NOW - 1);
        await opened.store.putListingIf(before, () => true);
        const batch = await Promise.all([NOW, NOW + 1, NOW + 2, NOW + 3].map((t) => listingAt(t)));
        const edit = await version(before, 2);
        const refusal = new Error("merge rule exploded");
        let calls = 0;
        await expect(
          opened.store.putListingsIf([batch[0], edit, batch[1], batch[2], batch[3]] as Listing[], () => {
            if (++calls === 4) throw refusal;
            return true;
          }),
        ).rejects.toBe(refusal);
        expect(calls).toBe(4);
        await opened.survives(async (store) => {
          expect(await store.listListings()).toEqual([before]);
        });
      });

      it("listListings returns every listing, newest updatedAt first", async () => {
        const opened = await open();
        const times = [NOW + 3, NOW, NOW + 10, NOW + 1, NOW + 7];
        for (const t of times) await opened.store.putListingIf(await listingAt(t), () => true);
        await opened.survives(async (store) => {
          const listed = await store.listListings();
          expect(listed.map((l) => l.updatedAt)).toEqual([...times].sort((a, b) => b - a));
        });
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

      it("deleteListingIf passes the stored version to accept and deletes it on yes", async () => {
        const opened = await open();
        const kept = await listingAt(NOW);
        const gone = await listingAt(NOW + 1);
        await opened.store.putListingsIf([kept, gone], () => true);
        const seen: Listing[] = [];
        expect(
          await opened.store.deleteListingIf(gone.id, (stored) => {
            seen.push(stored);
            return true;
          }),
        ).toBeGreaterThan(0);
        expect(seen).toEqual([gone]);
        await opened.survives(async (store) => {
          expect(await store.getListing(gone.id)).toBeUndefined();
          expect(await store.listListings()).toEqual([kept]);
          expect(await store.listExpiredBefore(Number.MAX_SAFE_INTEGER)).toEqual([kept]);
        });
      });

      it("deleteListingIf keeps the listing and returns undefined when accept says no", async () => {
        const store = await fresh();
        const listing = await listingAt(NOW);
        await store.putListingIf(listing, () => true);
        expect(await store.deleteListingIf(listing.id, (stored) => stored.version > 1)).toBeUndefined();
        expect(await store.getListing(listing.id)).toEqual(listing);
      });

      it("deleteListingIf on an unknown id returns undefined without asking accept", async () => {
        const store = await fresh();
        let asked = false;
        expect(
          await store.deleteListingIf("unknown-listing", () => {
            asked = true;
            return true;
          }),
        ).toBeUndefined();
        expect(asked).toBe(false);
      });

      it("deleteListingIf rejects with accept's error and keeps the listing", async () => {
        const store = await fresh();
        const listing = await listingAt(NOW);
        await store.putListingIf(listing, () => true);
        const refusal = new Error("no");
        await expect(
          store.deleteListingIf(listing.id, () => {
            throw refusal;
          }),
        ).rejects.toBe(refusal);
        expect(await store.getListing(listing.id)).toEqual(listing);
      });

      it("listExpiredBefore returns exactly the listings whose expiresAt is before the time", async () => {
        const opened = await open();
        const early = await expiringAt(NOW + DAY);
        const onTheDot = await expiringAt(NOW + 2 * DAY);
        const late = await expiringAt(NOW + 3 * DAY);
        await opened.store.putListingsIf([late, early, onTheDot], () => true);
        const ids = (listings: Listing[]) => listings.map((l) => l.id).sort();
        await opened.survives(async (store) => {
          expect(await store.listExpiredBefore(NOW)).toEqual([]);
          expect(await store.listExpiredBefore(NOW + 2 * DAY)).toEqual([early]);
          expect(ids(await store.listExpiredBefore(NOW + 2 * DAY + 1))).toEqual(ids([early, onTheDot]));
          expect(ids(await store.listExpiredBefore(NOW + 4 * DAY))).toEqual(ids([early, onTheDot, late]));
        });
      });

      it("listExpiredBefore follows an edit that moves expiresAt", async () => {
        const store = await fresh();
        const listing = await expiringAt(NOW + DAY);
        await store.putListingIf(listing, () => true);
        const { signature: _, ...unsigned } = listing;
        const renewed = await signListing(alice, { ...unsigned, version: 2, expiresAt: NOW + 30 * DAY });
        await store.putListingIf(renewed, () => true);
        expect(await store.listExpiredBefore(NOW + 2 * DAY)).toEqual([]);
        expect(await store.listExpiredBefore(NOW + 31 * DAY)).toEqual([renewed]);
      });

      it("listings read back are copies: editing one, or the one written, changes nothing stored", async () => {
        const store = await fresh();
        const listing = await listingAt(NOW);
        const written = structuredClone(listing);
        await store.putListingIf(written, () => true);
        written.title = "edited after writing";
        const read = await store.getListing(listing.id);
        if (!read) throw new Error("listing not stored");
        read.title = "edited after reading";
        const [listed] = await store.listListings();
        if (listed) listed.description = "edited after listing";
        expect(await store.getListing(listing.id)).toEqual(listing);
        expect(await store.getListings([listing.id])).toEqual([listing]);
      });
    });

    describe("profiles", () => {
      it("getProfile is undefined for an unknown peer", async () => {
        expect(await (await fresh()).getProfile(alice.peerId)).toBeUndefined();
      });

      it("putProfileIf writes when accept says yes, passing what is stored", async () => {
        const opened = await open();
        const profile = await profileOf(alice, "Alice", NOW);
        const seen: (Profile | undefined)[] = [];
        expect(
          await opened.store.putProfileIf(profile, (stored) => {
            seen.push(stored);
            return true;
          }),
        ).toBe(true);
        expect(seen).toEqual([undefined]);
        await opened.survives(async (store) => {
          expect(await store.getProfile(alice.peerId)).toEqual(profile);
          expect(await store.getProfile(bob.peerId)).toBeUndefined();
        });
      });

      it("putProfileIf keeps the stored profile on no and replaces it on yes: one profile per peer", async () => {
        const store = await fresh();
        const v1 = await profileOf(alice, "Alice", NOW);
        const v2 = await profileOf(alice, "Alice B.", NOW + 5);
        await store.putProfileIf(v1, () => true);
        let seen: Profile | undefined;
        expect(
          await store.putProfileIf(v2, (stored) => {
            seen = stored;
            return false;
          }),
        ).toBe(false);
        expect(seen).toEqual(v1);
        expect(await store.getProfile(alice.peerId)).toEqual(v1);
        expect(await store.putProfileIf(v2, (stored) => (stored?.updatedAt ?? 0) < v2.updatedAt)).toBe(true);
        expect(await store.getProfile(alice.peerId)).toEqual(v2);
        expect(await store.listProfiles()).toEqual([v2]);
      });

      it("putProfileIf rejects with accept's error and writes nothing", async () => {
        const store = await fresh();
        const refusal = new Error("no");
        await expect(
          store.putProfileIf(await profileOf(alice, "Alice", NOW), () => {
            throw refusal;
          }),
        ).rejects.toBe(refusal);
        expect(await store.getProfile(alice.peerId)).toBeUndefined();
        expect(await store.listProfiles()).toEqual([]);
      });

      it("listProfiles returns every profile, most recently updated first", async () => {
        const opened = await open();
        const a = await profileOf(alice, "Alice", NOW + 5);
        const b = await profileOf(bob, "Bob", NOW + 9);
        const c = await profileOf(carol, "Carol", NOW + 1);
        for (const profile of [a, b, c]) await opened.store.putProfileIf(profile, () => true);
        const a2 = await profileOf(alice, "Alice again", NOW + 20);
        await opened.store.putProfileIf(a2, () => true);
        await opened.survives(async (store) => {
          expect(await store.listProfiles()).toEqual([a2, b, c]);
        });
      });

      it("deleteProfile removes one peer's profile, durably, and says whether there was one", async () => {
        const opened = await open();
        const a = await profileOf(alice, "Alice", NOW);
        const b = await profileOf(bob, "Bob", NOW + 1);
        for (const profile of [a, b]) await opened.store.putProfileIf(profile, () => true);
        expect(await opened.store.deleteProfile(alice.peerId)).toBe(true);
        expect(await opened.store.deleteProfile(alice.peerId)).toBe(false);
        expect(await opened.store.deleteProfile(carol.peerId)).toBe(false);
        await opened.survives(async (store) => {
          expect(await store.getProfile(alice.peerId)).toBeUndefined();
          expect(await store.listProfiles()).toEqual([b]);
        });
        // Gone means gone: the same peer's profile can be stored again afterwards.
        expect(await opened.store.putProfileIf(a, (stored) => stored === undefined)).toBe(true);
        expect(await opened.store.getProfile(alice.peerId)).toEqual(a);
      });

      it("profiles read back are copies", async () => {
        const store = await fresh();
        const profile = await profileOf(alice, "Alice", NOW);
        const written = structuredClone(profile);
        await store.putProfileIf(written, () => true);
        written.about = "edited after writing";
        const read = await store.getProfile(alice.peerId);
        if (read) read.name = "Mallory";
        const [listed] = await store.listProfiles();
        if (listed) listed.about = "edited";
        expect(await store.getProfile(alice.peerId)).toEqual(profile);
      });
    });

    describe("images", () => {
      it("getImage is undefined for an unknown hash, and a fresh store lists no image", async () => {
        const store = await fresh();
        expect(await store.getImage("Z".repeat(43))).toBeUndefined();
        expect(await store.listImageHashes()).toEqual([]);
      });

      it("putImage keeps the bytes and the type", async () => {
        const opened = await open();
        const webp = photo(1);
        const jpeg = photo(2, "image/jpeg");
        await opened.store.putImage(webp.hash, webp.blob);
        await opened.store.putImage(jpeg.hash, jpeg.blob);
        await opened.survives(async (store) => {
          const a = await store.getImage(webp.hash);
          const b = await store.getImage(jpeg.hash);
          expect([a?.type, await bytes(a)]).toEqual(["image/webp", [1, 2, 3]]);
          expect([b?.type, await bytes(b)]).toEqual(["image/jpeg", [2, 3, 4]]);
        });
      });

      it("putImage under a stored hash replaces the image", async () => {
        const store = await fresh();
        const first = photo(1);
        await store.putImage(first.hash, first.blob);
        await store.putImage(first.hash, new Blob([new Uint8Array([9, 9])], { type: "image/png" }));
        const stored = await store.getImage(first.hash);
        expect([stored?.type, await bytes(stored)]).toEqual(["image/png", [9, 9]]);
        expect(await store.listImageHashes()).toEqual([first.hash]);
      });

      it("deleteImage removes that image only, and an unknown hash is no error", async () => {
        const opened = await open();
        const kept = photo(1);
        const gone = photo(2);
        await opened.store.putImage(kept.hash, kept.blob);
        await opened.store.putImage(gone.hash, gone.blob);
        await opened.store.deleteImage(gone.hash);
        await opened.store.deleteImage("Q".repeat(43));
        await opened.survives(async (store) => {
          expect(await store.getImage(gone.hash)).toBeUndefined();
          expect(await bytes(await store.getImage(kept.hash))).toEqual([1, 2, 3]);
          expect(await store.listImageHashes()).toEqual([kept.hash]);
        });
      });

      it("listImageHashes lists every stored image, listing photos included", async () => {
        const opened = await open();
        const own = [photo(3), photo(4)];
        const avatar = photo(5);
        await opened.store.putListingIf(await listingAt(NOW), () => true, own);
        await opened.store.putImage(avatar.hash, avatar.blob);
        await opened.survives(async (store) => {
          expect((await store.listImageHashes()).sort()).toEqual([...own, avatar].map((p) => p.hash).sort());
        });
      });
    });

    describe("meta", () => {
      it("getMeta is undefined for an unknown key", async () => {
        expect(await (await fresh()).getMeta("never-set")).toBeUndefined();
      });

      it("setMeta stores structured values per key and overwrites", async () => {
        const opened = await open();
        const store = opened.store;
        await store.setMeta("token", "abc");
        await store.setMeta("settings", { ice: ["stun:example.org"], n: 3, on: true });
        expect(await store.getMeta<string>("token")).toBe("abc");
        expect(await store.getMeta("settings")).toEqual({ ice: ["stun:example.org"], n: 3, on: true });
        await store.setMeta("token", 42);
        expect(await store.getMeta<number>("token")).toBe(42);
        expect(await store.getMeta("settings")).toEqual({ ice: ["stun:example.org"], n: 3, on: true });
        await opened.survives(async (store) => {
          expect(await store.getMeta<number>("token")).toBe(42);
          expect(await store.getMeta("settings")).toEqual({ ice: ["stun:example.org"], n: 3, on: true });
        });
      });

      it("setMeta round-trips what structured clone keeps: null, nesting, Dates, Maps, Sets, bytes", async () => {
        const opened = await open();
        const value = {
          nothing: null,
          nested: [[1, [2, "three"]], { deep: { deeper: [false] } }],
          when: new Date(NOW),
          names: new Map([["pb-a", 1]]),
          blocked: new Set(["pb-b"]),
          bytes: new Uint8Array([0, 255, 7]),
          text: "ünïcødé ✓",
          negative: -0.5,
        };
        await opened.store.setMeta("structured", value);
        await opened.store.setMeta("empty", "");
        await opened.store.setMeta("zero", 0);
        await opened.store.setMeta("false", false);
        await opened.survives(async (store) => {
          const read = await store.getMeta<typeof value>("structured");
          expect(read).toEqual(value);
          expect(read?.when).toBeInstanceOf(Date);
          expect(read?.names).toBeInstanceOf(Map);
          expect(read?.blocked).toBeInstanceOf(Set);
          expect(read?.bytes).toBeInstanceOf(Uint8Array);
          expect(await store.getMeta("empty")).toBe("");
          expect(await store.getMeta("zero")).toBe(0);
          expect(await store.getMeta("false")).toBe(false);
        });
      });

      it("a meta value read back is a copy", async () => {
        const store = await fresh();
        const value = { list: ["a"] };
        await store.setMeta("k", value);
        value.list.push("written");
        const read = await store.getMeta<typeof value>("k");
        read?.list.push("read");
        expect(await store.getMeta("k")).toEqual({ list: ["a"] });
      });
    });

    describe("peers", () => {
      it("a fresh store knows no peers", async () => {
        expect(await (await fresh()).listPeers()).toEqual([]);
      });

      it("rememberPeer inserts new peers and updates known ones by id", async () => {
        const opened = await open();
        const store = opened.store;
        await store.rememberPeer(peer(alice.peerId, NOW));
        await store.rememberPeer(peer(bob.peerId, NOW + 1, "Bob"));
        await store.rememberPeer(peer(alice.peerId, NOW + 2, "Alice"));
        await opened.survives(async (store) => {
          const peers = await store.listPeers();
          expect(peers).toHaveLength(2);
          expect(peers.find((p) => p.id === alice.peerId)).toEqual(peer(alice.peerId, NOW + 2, "Alice"));
          expect(peers.find((p) => p.id === bob.peerId)).toEqual(peer(bob.peerId, NOW + 1, "Bob"));
        });
      });

      it("rememberPeer replaces the whole record and keeps the agreement key fields", async () => {
        const store = await fresh();
        const carded: PeerRecord = {
          ...peer(carol.peerId, NOW, "Carol"),
          agreementKey: "a".repeat(87),
          agreementSignature: "s".repeat(86),
        };
        await store.rememberPeer(carded);
        const [listed] = await store.listPeers();
        if (listed) listed.name = "edited after reading";
        expect(await store.listPeers()).toEqual([carded]);
        await store.rememberPeer(peer(carol.peerId, NOW + 1));
        expect(await store.listPeers()).toEqual([peer(carol.peerId, NOW + 1)]);
      });

      it("rememberPeer keeps a peer's misbehaviour (its score, since when, and ban), durably, and drops it when left out", async () => {
        const opened = await open();
        const banned: PeerRecord = {
          ...peer(alice.peerId, NOW, "Alice"),
          misbehaviour: { total: 205, totalSince: NOW - 1_000, bannedUntil: NOW + 600_000 },
        };
        const scored: PeerRecord = {
          ...peer(bob.peerId, NOW + 1),
          misbehaviour: { total: 3, totalSince: NOW, bannedUntil: 0 },
        };
        await opened.store.rememberPeer(banned);
        await opened.store.rememberPeer(scored);
        await opened.survives(async (store) => {
          expect(await store.getPeer(alice.peerId)).toEqual(banned);
          expect((await store.listPeers()).find((p) => p.id === bob.peerId)).toEqual(scored);
        });
        // What is read back is a copy: changing it changes nothing stored.
        const read = await opened.store.getPeer(alice.peerId);
        if (read?.misbehaviour) read.misbehaviour.bannedUntil = 0;
        expect(await opened.store.getPeer(alice.peerId)).toEqual(banned);
        await opened.store.rememberPeer(peer(bob.peerId, NOW + 2));
        await opened.survives(async (store) => {
          expect(await store.getPeer(bob.peerId)).toEqual(peer(bob.peerId, NOW + 2));
        });
      });

      it("getPeer reads one peer by id, and forgetPeers forgets those named, for good", async () => {
        const opened = await open();
        const store = opened.store;
        await store.rememberPeer(peer(alice.peerId, NOW, "Alice"));
        await store.rememberPeer(peer(bob.peerId, NOW + 1, "Bob"));
        await store.rememberPeer(peer(carol.peerId, NOW + 2, "Carol"));
        expect(await store.getPeer(bob.peerId)).toEqual(peer(bob.peerId, NOW + 1, "Bob"));
        await store.forgetPeers([alice.peerId, carol.peerId, "pb-neverstoredneverstoredne"]);
        await opened.survives(async (store) => {
          expect(await store.listPeers()).toEqual([peer(bob.peerId, NOW + 1, "Bob")]);
          expect(await store.getPeer(alice.peerId)).toBeUndefined();
        });
      });
    });

    describe("close", () => {
      it("close releases the store; a durable one has everything written before it on reopen", async () => {
        const opened = await open();
        const listing = await listingAt(NOW);
        await opened.store.initIdentity(alice);
        await opened.store.putListingIf(listing, () => true, [photo(1)]);
        await opened.store.setMeta("radio-token", "t0k3n");
        opened.close();
        if (!opened.durable) return;
        const store = await opened.reopen();
        expect((await store.loadIdentity())?.peerId).toBe(alice.peerId);
        expect(await store.listListings()).toEqual([listing]);
        expect(await store.listImageHashes()).toEqual([photo(1).hash]);
        expect(await store.getMeta("radio-token")).toBe("t0k3n");
      });
    });

    it("stores made by the factory do not share data", async () => {
      const a = await fresh();
      const b = await fresh();
      await a.initIdentity(alice);
      await a.putListingIf(await listingAt(NOW), () => true, [photo(1)]);
      await a.setMeta("k", 1);
      await a.rememberPeer(peer(bob.peerId, NOW));
      await a.putProfileIf(await profileOf(alice, "Alice", NOW), () => true);
      expect(await b.loadIdentity()).toBeUndefined();
      expect(await b.listListings()).toEqual([]);
      expect(await b.getMeta("k")).toBeUndefined();
      expect(await b.listPeers()).toEqual([]);
      expect(await b.listProfiles()).toEqual([]);
      expect(await b.listImageHashes()).toEqual([]);
    });
  });
}
