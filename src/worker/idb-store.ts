// The Store on IndexedDB (through idb). The only file that touches IndexedDB.

import { type DBSchema, type IDBPDatabase, openDB } from "idb";
import type { Identity } from "../shared/crypto.ts";
import type { Profile } from "../shared/profile.ts";
import type { Listing } from "../shared/records.ts";
import type { PeerRecord, Store } from "../shared/store.ts";

interface PeerboardDB extends DBSchema {
  identity: { key: string; value: Identity };
  listings: { key: string; value: Listing; indexes: { byUpdatedAt: number; byExpiresAt: number } };
  meta: { key: string; value: unknown };
  peers: { key: string; value: PeerRecord };
  profiles: { key: string; value: Profile };
  images: { key: string; value: Blob };
}

const SELF = "self";
const SCHEMA_VERSION = 2;

export async function openIdbStore(name = "peerboard"): Promise<Store> {
  const db = await openDB<PeerboardDB>(name, SCHEMA_VERSION, {
    upgrade(db, oldVersion, _newVersion, tx) {
      // One step per schema version, applied in order: a browser may skip several releases.
      if (oldVersion < 1) {
        db.createObjectStore("identity");
        db.createObjectStore("listings", { keyPath: "id" }).createIndex("byUpdatedAt", "updatedAt");
        db.createObjectStore("meta");
        db.createObjectStore("peers", { keyPath: "id" });
      }
      if (oldVersion < 2) {
        // Issue 4: pruning expired listings without reading them all. Version-1 listings lack
        // the new fields and fail today's schema: drop them, peers send them again on connect.
        const listings = tx.objectStore("listings");
        listings.createIndex("byExpiresAt", "expiresAt");
        void listings.clear();
        // Signed profiles (USER_INFO), one per peer id.
        db.createObjectStore("profiles", { keyPath: "peerId" });
        // Photo thumbnails as Blobs, keyed by the hash listings carry.
        db.createObjectStore("images");
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

  async getListings(ids: string[]): Promise<Listing[]> {
    const tx = this.db.transaction("listings");
    const found = await Promise.all(ids.map((id) => tx.store.get(id)));
    await tx.done;
    return found.filter((l): l is Listing => l !== undefined);
  }

  async putListingIf(listing: Listing, accept: (stored: Listing | undefined) => boolean): Promise<boolean> {
    const tx = this.db.transaction("listings", "readwrite");
    const stored = await tx.store.get(listing.id);
    const write = accept(stored);
    if (write) await tx.store.put(listing);
    await tx.done;
    return write;
  }

  async listListings(): Promise<Listing[]> {
    const all = await this.db.getAllFromIndex("listings", "byUpdatedAt");
    return all.reverse();
  }

  async deleteListingIf(id: string, accept: (stored: Listing) => boolean): Promise<boolean> {
    const tx = this.db.transaction("listings", "readwrite");
    const stored = await tx.store.get(id);
    const remove = stored !== undefined && accept(stored);
    if (remove) await tx.store.delete(id);
    await tx.done;
    return remove;
  }

  listExpiredBefore(time: number): Promise<Listing[]> {
    return this.db.getAllFromIndex("listings", "byExpiresAt", IDBKeyRange.upperBound(time, true));
  }

  getProfile(peerId: string): Promise<Profile | undefined> {
    return this.db.get("profiles", peerId);
  }

  async putProfileIf(profile: Profile, accept: (stored: Profile | undefined) => boolean): Promise<boolean> {
    const tx = this.db.transaction("profiles", "readwrite");
    const write = accept(await tx.store.get(profile.peerId));
    if (write) await tx.store.put(profile);
    await tx.done;
    return write;
  }

  async listProfiles(): Promise<Profile[]> {
    return (await this.db.getAll("profiles")).sort((a, b) => b.updatedAt - a.updatedAt);
  }

  getImage(hash: string): Promise<Blob | undefined> {
    return this.db.get("images", hash);
  }

  async putImage(hash: string, image: Blob): Promise<void> {
    await this.db.put("images", image, hash);
  }

  async deleteImage(hash: string): Promise<void> {
    await this.db.delete("images", hash);
  }

  listImageHashes(): Promise<string[]> {
    return this.db.getAllKeys("images");
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
