// The Store on IndexedDB (through idb); the mail half is idb-mail-store.ts, the schema and its
// upgrades idb-schema.ts. These are the only files that touch IndexedDB.

import { openDB } from "idb";
import type { Identity, PeerId } from "../core/crypto.ts";
import type { Listing } from "../core/listings/records.ts";
import type { MailStore } from "../core/mail/mail-store.ts";
import type { Profile } from "../core/profiles/profile.ts";
import type { SavedSearchRecord } from "../core/search/saved-search.ts";
import {
  type ListingChange,
  type ListingSummary,
  type PeerRecord,
  type Store,
  type StoredImage,
  type StoredListing,
  summaryOf,
} from "../core/store.ts";
import { IdbMailStore } from "./idb-mail-store.ts";
import { type PeerboardDB, SCHEMA_VERSION, upgrade } from "./idb-schema.ts";

const SELF = "self";

export async function openIdbStore(name = "peerboard"): Promise<Store & MailStore> {
  const db = await openDB<PeerboardDB>(name, SCHEMA_VERSION, {
    upgrade,
    blocking() {
      // A newer version of the app wants to upgrade the schema: let it, this copy is outdated.
      db.close();
    },
  });
  return new IdbStore(db);
}

class IdbStore extends IdbMailStore implements Store {
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

  async replaceIdentity(identity: Identity): Promise<void> {
    await this.db.put("identity", identity, SELF);
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

  async putListingIf(
    listing: Listing,
    accept: (stored: Listing | undefined) => boolean,
    images: StoredImage[] = [],
  ): Promise<number | undefined> {
    // One transaction for the listing and its photos: a crash leaves both or neither.
    const tx = this.db.transaction(["listings", "images", "listingChanges", "listingSummaries"], "readwrite");
    const listings = tx.objectStore("listings");
    let seq: number | undefined;
    if (accept(await listings.get(listing.id))) {
      await listings.put(listing);
      seq = await tx.objectStore("listingChanges").add(listing.id);
      await tx.objectStore("listingSummaries").put(summaryOf(listing));
      const store = tx.objectStore("images");
      for (const image of images) await store.put(image.blob, image.hash);
    }
    await tx.done;
    return seq;
  }

  async putListingsIf(
    listings: Listing[],
    accept: (listing: Listing, stored: Listing | undefined) => boolean,
  ): Promise<StoredListing[]> {
    if (!listings.length) return [];
    const tx = this.db.transaction(["listings", "listingChanges", "listingSummaries"], "readwrite");
    const store = tx.objectStore("listings");
    const changes = tx.objectStore("listingChanges");
    const summaries = tx.objectStore("listingSummaries");
    const written: Listing[] = [];
    try {
      // Every read at once, then every write without waiting on each: one request after
      // another cost a round trip each (three a listing), and a first sync writes 10,000.
      const stored = await Promise.all(listings.map((listing) => store.get(listing.id)));
      // Later listings of the batch see the earlier ones' writes, as one after the other would.
      const batch = new Map<string, Listing>();
      listings.forEach((listing, i) => {
        const before = batch.get(listing.id) ?? stored[i];
        if (!accept(listing, before)) return;
        batch.set(listing.id, listing);
        written.push(listing);
      });
      // The log numbers the writes in the order they are asked: the batch's order.
      const seqs = Promise.all(written.map((listing) => changes.add(listing.id)));
      const writes = written.flatMap((listing) => [store.put(listing), summaries.put(summaryOf(listing))]);
      const [numbers] = await Promise.all([seqs, ...writes, tx.done]);
      return written.map((listing, i) => ({ listing, seq: numbers[i] as number }));
    } catch (error) {
      // Without the abort, the puts already made would commit: half a batch.
      try {
        tx.abort();
      } catch {
        // Already finished or aborted (a failed write aborts it).
      }
      await tx.done.catch(() => undefined);
      throw error;
    }
  }

  async listListings(): Promise<Listing[]> {
    const all = await this.db.getAllFromIndex("listings", "byUpdatedAt");
    return all.reverse();
  }

  listListingSummaries(): Promise<ListingSummary[]> {
    return this.db.getAll("listingSummaries");
  }

  async deleteListingIf(id: string, accept: (stored: Listing) => boolean): Promise<number | undefined> {
    const tx = this.db.transaction(["listings", "listingChanges", "listingSummaries"], "readwrite");
    const stored = await tx.objectStore("listings").get(id);
    let seq: number | undefined;
    if (stored !== undefined && accept(stored)) {
      await tx.objectStore("listings").delete(id);
      seq = await tx.objectStore("listingChanges").add(id);
      await tx.objectStore("listingSummaries").delete(id);
    }
    await tx.done;
    return seq;
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

  async deleteProfile(peerId: string): Promise<boolean> {
    const tx = this.db.transaction("profiles", "readwrite");
    const found = (await tx.store.getKey(peerId)) !== undefined;
    if (found) await tx.store.delete(peerId);
    await tx.done;
    return found;
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

  getPeer(id: PeerId): Promise<PeerRecord | undefined> {
    return this.db.get("peers", id);
  }

  listPeers(): Promise<PeerRecord[]> {
    return this.db.getAll("peers");
  }

  async forgetPeers(ids: PeerId[]): Promise<void> {
    const tx = this.db.transaction("peers", "readwrite");
    await Promise.all([...ids.map((id) => tx.store.delete(id)), tx.done]);
  }

  async listSavedSearches(): Promise<SavedSearchRecord[]> {
    const all = await this.db.getAll("savedSearches");
    return all.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  async putSavedSearch(search: SavedSearchRecord): Promise<void> {
    await this.db.put("savedSearches", search);
  }

  async deleteSavedSearch(id: string): Promise<boolean> {
    const tx = this.db.transaction("savedSearches", "readwrite");
    const found = (await tx.store.getKey(id)) !== undefined;
    if (found) await tx.store.delete(id);
    await tx.done;
    return found;
  }

  async listListingChangesAfter(seq: number, limit: number): Promise<ListingChange[]> {
    const tx = this.db.transaction("listingChanges");
    const range = IDBKeyRange.lowerBound(seq, true);
    const [keys, ids] = await Promise.all([tx.store.getAllKeys(range, limit), tx.store.getAll(range, limit)]);
    await tx.done;
    return keys.map((key, i) => ({ seq: key, id: ids[i] as string }));
  }

  async forgetListingChangesThrough(seq: number): Promise<void> {
    await this.db.delete("listingChanges", IDBKeyRange.upperBound(seq));
  }

  close(): void {
    this.db.close();
  }
}
