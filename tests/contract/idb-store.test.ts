// The IndexedDB store (fake-indexeddb) on both contract suites, with reopen: a database opened
// again by name holds what the closed one wrote. Then what is particular to IndexedDB: names and
// schema upgrades.

import "fake-indexeddb/auto";
import { deleteDB, openDB } from "idb";
import { describe, expect, it } from "vitest";
import { generateIdentity } from "../../src/core/crypto.ts";
import { createListing } from "../../src/core/listings/draft.ts";
import { summaryOf } from "../../src/core/store.ts";
import { openIdbStore } from "../../src/worker/idb-store.ts";
import { runListingChangeStoreContract } from "./listing-change-store.ts";
import { runListingSummaryStoreContract } from "./listing-summary-store.ts";
import { runMailStoreContract } from "./mail-store.ts";
import { runSavedSearchStoreContract } from "./saved-search-store.ts";
import { runStoreContract } from "./store.ts";
import type { StoreFixture } from "./store-fixture.ts";
import {
  afterUpgrade,
  expectNoSavedSearchesYet,
  expectOlderMessagesKept,
  olderListing,
  olderMessage,
  olderSeen,
} from "./store-upgrades.ts";

let counter = 0;
const uniqueName = () => `peerboard-store-test-${++counter}-${Math.random().toString(36).slice(2)}`;

/** The database as version `version` of the app created it (the object stores these tests need). */
function openOlder(name: string, version: 1 | 4 | 5 | 6 | 7) {
  return openDB(name, version, {
    upgrade(db) {
      db.createObjectStore("identity");
      const listings = db.createObjectStore("listings", { keyPath: "id" });
      listings.createIndex("byUpdatedAt", "updatedAt");
      if (version >= 5) listings.createIndex("byExpiresAt", "expiresAt");
      db.createObjectStore("meta");
      db.createObjectStore("peers", { keyPath: "id" });
      if (version < 4) return;
      db.createObjectStore("deals", { keyPath: "id" }).createIndex("byUpdatedAt", "updatedAt");
      // Message ids became per author in step 5.
      db.createObjectStore("messages", { keyPath: version >= 5 ? ["author", "id"] : "id" }).createIndex(
        "byCreatedAt",
        "createdAt",
      );
      db.createObjectStore("outbox", { keyPath: "msgId" });
      db.createObjectStore("seen");
      db.createObjectStore("profiles", { keyPath: "peerId" });
      db.createObjectStore("images");
      if (version >= 6) db.createObjectStore("savedSearches", { keyPath: "id" });
      if (version >= 7) db.createObjectStore("listingChanges", { autoIncrement: true });
    },
  });
}

async function setup(): Promise<StoreFixture<Awaited<ReturnType<typeof openIdbStore>>>> {
  const name = uniqueName();
  return { store: await openIdbStore(name), reopen: () => openIdbStore(name), teardown: () => deleteDB(name) };
}

runStoreContract("IndexedDB (fake-indexeddb)", setup);
runSavedSearchStoreContract("IndexedDB (fake-indexeddb)", setup);
runMailStoreContract("IndexedDB (fake-indexeddb)", setup);
runListingChangeStoreContract("IndexedDB (fake-indexeddb)", setup);
runListingSummaryStoreContract("IndexedDB (fake-indexeddb)", setup);

describe("IndexedDB store", () => {
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
    const name = uniqueName();
    const identity = await generateIdentity(1);
    const old = await openOlder(name, 1);
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

describe("IndexedDB schema step 5 (message ids per author)", () => {
  it("upgrading a version-4 database keeps its messages, now keyed by author, and its seen ids", async () => {
    const name = uniqueName();
    const old = await openOlder(name, 4);
    await old.put("messages", olderMessage);
    await old.put("seen", olderSeen.seenAt, olderSeen.msgId);
    old.close();

    await afterUpgrade(() => openIdbStore(name), expectOlderMessagesKept);
  });
});

describe("IndexedDB schema step 6 (saved searches)", () => {
  it("upgrading a version-5 database keeps its listings, meta and messages and starts with no saved search", async () => {
    const name = uniqueName();
    const identity = await generateIdentity(1);
    const old = await openOlder(name, 5);
    const listing = await olderListing(identity);
    await old.put("identity", identity, "self");
    await old.put("listings", listing);
    await old.put("meta", "t0k3n", "radio-token");
    old.close();

    await afterUpgrade(
      () => openIdbStore(name),
      async (store) => {
        expect((await store.loadIdentity())?.peerId).toBe(identity.peerId);
        expect(await store.getMeta("radio-token")).toBe("t0k3n");
        await expectNoSavedSearchesYet(store, listing);
      },
    );
  });
});

describe("IndexedDB schema step 7 (the listing change log)", () => {
  it("upgrading a version-6 database keeps its listings and counts each as changed once", async () => {
    const name = uniqueName();
    const identity = await generateIdentity(1);
    const old = await openOlder(name, 6);
    const kept = await Promise.all(
      ["First", "Second"].map((title, i) =>
        createListing(identity, { title, description: "", price: "", currency: "EUR" }, 2 + i),
      ),
    );
    for (const listing of kept) await old.put("listings", listing);
    expect(old.objectStoreNames.contains("listingChanges")).toBe(false);
    old.close();

    const store = await openIdbStore(name);
    try {
      expect(await store.listListings()).toEqual([...kept].reverse());
      const changes = await store.listListingChangesAfter(0, 10);
      expect(changes.map((c) => c.id).sort()).toEqual(kept.map((l) => l.id).sort());
      await store.deleteListingIf(kept[0]?.id ?? "", () => true);
      expect((await store.listListingChangesAfter(changes.at(-1)?.seq ?? 0, 10)).map((c) => c.id)).toEqual([
        kept[0]?.id,
      ]);
    } finally {
      store.close();
    }
  });
});

describe("IndexedDB schema step 8 (listing summaries)", () => {
  it("upgrading a version-7 database summarises every listing it kept, tombstones and photos too", async () => {
    const name = uniqueName();
    const identity = await generateIdentity(1);
    const old = await openOlder(name, 7);
    const plain = await createListing(identity, { title: "Plain", description: "", price: "", currency: "EUR" }, 2);
    const photo = { hash: "p".repeat(43), type: "image/webp" as const, bytes: 10, width: 2, height: 2 };
    const kept = [
      plain,
      { ...(await olderListing(identity)), deleted: true },
      { ...(await olderListing(identity)), images: [photo] },
    ];
    for (const listing of kept) await old.put("listings", listing);
    old.close();

    const store = await openIdbStore(name);
    try {
      const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : 1);
      expect((await store.listListingSummaries()).sort(byId)).toEqual(kept.map(summaryOf).sort(byId));
      await store.deleteListingIf(plain.id, () => true);
      expect((await store.listListingSummaries()).map((s) => s.id).sort()).toEqual([kept[1]?.id, kept[2]?.id].sort());
    } finally {
      store.close();
    }
  });
});
