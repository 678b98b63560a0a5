// The IndexedDB schema of the browser store (idb-store.ts): its object stores and the upgrade
// from every earlier version, one step per version, so a browser that skipped releases catches up.

import type { DBSchema, IDBPDatabase, IDBPTransaction, StoreNames } from "idb";
import type { Identity } from "../core/crypto.ts";
import type { Listing } from "../core/listings/records.ts";
import type { ChatRecord, DealRecord, OutboxEntry } from "../core/mail/mail-store.ts";
import type { Profile } from "../core/profiles/profile.ts";
import type { SavedSearchRecord } from "../core/search/saved-search.ts";
import { type ListingSummary, type PeerRecord, summaryOf } from "../core/store.ts";

export interface PeerboardDB extends DBSchema {
  identity: { key: string; value: Identity };
  listings: { key: string; value: Listing; indexes: { byUpdatedAt: number; byExpiresAt: number } };
  meta: { key: string; value: unknown };
  peers: { key: string; value: PeerRecord };
  // Deals, chat, the outbox and the message ids already received.
  deals: { key: string; value: DealRecord; indexes: { byUpdatedAt: number } };
  // Keyed [author, id] since version 5 (message ids are unique per author only).
  messages: { key: string | [string, string]; value: ChatRecord; indexes: { byCreatedAt: number } };
  outbox: { key: string; value: OutboxEntry };
  // [author, msgId] since version 5; ids seen before it stay under the bare msgId.
  seen: { key: string | [string, string]; value: number };
  profiles: { key: string; value: Profile };
  images: { key: string; value: Blob };
  savedSearches: { key: string; value: SavedSearchRecord };
  // The listing change log (Store.listListingChangesAfter): auto-numbered keys, listing ids.
  listingChanges: { key: number; value: string };
  // Since version 8: each stored listing's ListingSummary, written with the listing.
  listingSummaries: { key: string; value: ListingSummary };
}

export const SCHEMA_VERSION = 8;

export async function upgrade(
  db: IDBPDatabase<PeerboardDB>,
  oldVersion: number,
  _newVersion: number | null,
  tx: IDBPTransaction<PeerboardDB, StoreNames<PeerboardDB>[], "versionchange">,
): Promise<void> {
  // One step per schema version, applied in order: a browser may skip several releases.
  if (oldVersion < 1) {
    db.createObjectStore("identity");
    db.createObjectStore("listings", { keyPath: "id" }).createIndex("byUpdatedAt", "updatedAt");
    db.createObjectStore("meta");
    db.createObjectStore("peers", { keyPath: "id" });
  }
  if (oldVersion < 2) {
    // Pruning expired listings without reading them all. Version-1 listings lack
    // the new fields and fail today's schema: drop them, peers send them again on connect.
    const listings = tx.objectStore("listings");
    listings.createIndex("byExpiresAt", "expiresAt");
    void listings.clear();
  }
  if (oldVersion < 3) {
    db.createObjectStore("deals", { keyPath: "id" }).createIndex("byUpdatedAt", "updatedAt");
    db.createObjectStore("messages", { keyPath: "id" }).createIndex("byCreatedAt", "createdAt");
    db.createObjectStore("outbox", { keyPath: "msgId" });
    db.createObjectStore("seen");
  }
  if (oldVersion < 4) {
    // Signed profiles (USER_INFO), one per peer id, and photo
    // thumbnails as Blobs keyed by the hash listings carry.
    db.createObjectStore("profiles", { keyPath: "peerId" });
    db.createObjectStore("images");
  }
  if (oldVersion < 5) {
    // Messages are keyed by author and id: ids are chosen by senders, so one person's id must
    // not reach another's message. A keyPath cannot change: copy them into a new store.
    // A new database made the version-3 store a moment ago, empty.
    const kept = oldVersion >= 3 ? await tx.objectStore("messages").getAll() : [];
    db.deleteObjectStore("messages");
    const messages = db.createObjectStore("messages", { keyPath: ["author", "id"] });
    messages.createIndex("byCreatedAt", "createdAt");
    for (const message of kept) await messages.put(message);
  }
  // A new store only: everything kept before stays as it is.
  if (oldVersion < 6) db.createObjectStore("savedSearches", { keyPath: "id" });
  if (oldVersion < 7) {
    // Every listing kept before the log existed counts as changed once: an index saved by no
    // one yet replays them all, and afterwards only what changed since it was saved.
    const changes = db.createObjectStore("listingChanges", { autoIncrement: true });
    for (const id of await tx.objectStore("listings").getAllKeys()) await changes.add(id);
  }
  if (oldVersion < 8) {
    // Summaries of the listings kept so far, read one at a time: a big board does not fit twice.
    const summaries = db.createObjectStore("listingSummaries", { keyPath: "id" });
    for (let cursor = await tx.objectStore("listings").openCursor(); cursor; cursor = await cursor.continue())
      await summaries.put(summaryOf(cursor.value));
  }
}
