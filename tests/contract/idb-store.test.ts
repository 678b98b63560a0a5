import "fake-indexeddb/auto";
import { describe, expect, it } from "vitest";
import { generateIdentity, sign, verify } from "../../src/core/crypto.ts";
import { createListing } from "../../src/core/listings/records.ts";
import { openIdbStore } from "../../src/worker/idb-store.ts";
import { runStoreContract } from "./store.ts";

let counter = 0;
const uniqueName = () => `peerboard-store-test-${++counter}-${Math.random().toString(36).slice(2)}`;

runStoreContract("IndexedDB (fake-indexeddb)", () => openIdbStore(uniqueName()));

describe("IndexedDB store across reopen", () => {
  it("keeps identity, listings, meta and peers after close and reopen of the same database", async () => {
    const name = uniqueName();
    const identity = await generateIdentity(1);
    const listing = await createListing(identity, { title: "Kept", description: "", price: "1", currency: "EUR" }, 5);
    const first = await openIdbStore(name);
    await first.initIdentity(identity);
    await first.putListingIf(listing, () => true);
    await first.setMeta("radio-token", "t0k3n");
    await first.rememberPeer({ id: identity.peerId, publicKey: identity.publicKey, lastSeen: 9 });
    first.close();

    const second = await openIdbStore(name);
    try {
      const loaded = await second.loadIdentity();
      expect(loaded?.peerId).toBe(identity.peerId);
      if (!loaded) return;
      const signature = await sign(loaded.signing.privateKey, "after reload");
      expect(await verify(identity.publicKey, signature, "after reload")).toBe(true);
      expect(await second.getListing(listing.id)).toEqual(listing);
      expect(await second.listListings()).toEqual([listing]);
      expect(await second.getMeta("radio-token")).toBe("t0k3n");
      expect(await second.listPeers()).toEqual([{ id: identity.peerId, publicKey: identity.publicKey, lastSeen: 9 }]);
      const other = await generateIdentity(2);
      expect((await second.initIdentity(other)).peerId).toBe(identity.peerId);
    } finally {
      second.close();
    }
  });

  it("a different database name is a different, empty store", async () => {
    const a = await openIdbStore(uniqueName());
    const b = await openIdbStore(uniqueName());
    try {
      await a.initIdentity(await generateIdentity(1));
      expect(await b.loadIdentity()).toBeUndefined();
    } finally {
      a.close();
      b.close();
    }
  });
});

describe("IndexedDB schema step 2 (issue 4)", () => {
  it("upgrading a version-1 database keeps identity, meta and peers and drops listings of the old shape", async () => {
    const { openDB } = await import("idb");
    const name = uniqueName();
    const identity = await generateIdentity(1);
    const old = await openDB(name, 1, {
      upgrade(db) {
        db.createObjectStore("identity");
        db.createObjectStore("listings", { keyPath: "id" }).createIndex("byUpdatedAt", "updatedAt");
        db.createObjectStore("meta");
        db.createObjectStore("peers", { keyPath: "id" });
      },
    });
    await old.put("identity", identity, "self");
    await old.put("listings", { id: "old-shape-listing", updatedAt: 1, title: "No kind, no expiry" });
    await old.put("meta", "t0k3n", "radio-token");
    await old.put("peers", { id: identity.peerId, publicKey: identity.publicKey, lastSeen: 3 });
    old.close();

    const store = await openIdbStore(name);
    try {
      expect((await store.loadIdentity())?.peerId).toBe(identity.peerId);
      expect(await store.getMeta("radio-token")).toBe("t0k3n");
      expect(await store.listPeers()).toHaveLength(1);
      expect(await store.listListings()).toEqual([]);
      expect(await store.listProfiles()).toEqual([]);
      expect(await store.getImage("x".repeat(43))).toBeUndefined();
    } finally {
      store.close();
    }
  });
});
