// The Store on IndexedDB (through idb). The only file that touches IndexedDB.

import { type DBSchema, type IDBPDatabase, openDB } from "idb";
import type { Identity } from "../shared/crypto.ts";
import type { Listing } from "../shared/records.ts";
import type { PeerRecord, Store } from "../shared/store.ts";

interface PeerboardDB extends DBSchema {
  identity: { key: string; value: Identity };
  listings: { key: string; value: Listing; indexes: { byUpdatedAt: number } };
  meta: { key: string; value: unknown };
  peers: { key: string; value: PeerRecord };
}

const SELF = "self";
const SCHEMA_VERSION = 1;

export async function openIdbStore(name = "peerboard"): Promise<Store> {
  const db = await openDB<PeerboardDB>(name, SCHEMA_VERSION, {
    upgrade(db, oldVersion) {
      // One step per schema version, applied in order: a browser may skip several releases.
      if (oldVersion < 1) {
        db.createObjectStore("identity");
        db.createObjectStore("listings", { keyPath: "id" }).createIndex("byUpdatedAt", "updatedAt");
        db.createObjectStore("meta");
        db.createObjectStore("peers", { keyPath: "id" });
      }
    },
    blocking() {
      // A newer version of the app wants to upgrade the schema: let it, this copy is outdated.
      db.close();
    },
  });
  return new IdbStore(db);
}

class IdbStore implements Store {
  constructor(private readonly db: IDBPDatabase<PeerboardDB>) {}

  loadIdentity(): Promise<Identity | undefined> {
    return this.db.get("identity", SELF);
  }

  async initIdentity(candidate: Identity): Promise<Identity> {
    const tx = this.db.transaction("identity", "readwrite");
    const existing = await tx.store.get(SELF);
    if (!existing) await tx.store.put(candidate, SELF);
    await tx.done;
    return existing ?? candidate;
  }

  getListing(id: string): Promise<Listing | undefined> {
    return this.db.get("listings", id);
  }

  async putListingIf(listing: Listing, accept: (stored: Listing | undefined) => boolean): Promise<boolean> {
    const tx = this.db.transaction("listings", "readwrite");
    const stored = await tx.store.get(listing.id);
    const write = accept(stored);
    if (write) await tx.store.put(listing);
    await tx.done;
    return write;
  }

  async putListingsIf(
    listings: Listing[],
    accept: (listing: Listing, stored: Listing | undefined) => boolean,
  ): Promise<Listing[]> {
    if (!listings.length) return [];
    const tx = this.db.transaction("listings", "readwrite");
    const written: Listing[] = [];
    for (const listing of listings) {
      // Later listings of the batch see the earlier ones' writes: same transaction.
      if (!accept(listing, await tx.store.get(listing.id))) continue;
      await tx.store.put(listing);
      written.push(listing);
    }
    await tx.done;
    return written;
  }

  async listListings(): Promise<Listing[]> {
    const all = await this.db.getAllFromIndex("listings", "byUpdatedAt");
    return all.reverse();
  }

  getMeta<T>(key: string): Promise<T | undefined> {
    return this.db.get("meta", key) as Promise<T | undefined>;
  }

  async setMeta(key: string, value: unknown): Promise<void> {
    await this.db.put("meta", value, key);
  }

  async rememberPeer(peer: PeerRecord): Promise<void> {
    await this.db.put("peers", peer);
  }

  listPeers(): Promise<PeerRecord[]> {
    return this.db.getAll("peers");
  }

  close(): void {
    this.db.close();
  }
}
