// A Store in plain Maps, for simulations of hundreds of hubs where fake-indexeddb would cost
// more than the protocol under test. Passes the same contract as the IndexedDB store.

import type { Identity, PeerId } from "../crypto.ts";
import type { Listing } from "../listings/records.ts";
import type { Profile } from "../profiles/profile.ts";
import type { PeerRecord, Store, StoredImage } from "../store.ts";

export class MemoryStore implements Store {
  private identity?: Identity;
  private readonly listings = new Map<string, Listing>();
  private readonly meta = new Map<string, unknown>();
  private readonly peers = new Map<string, PeerRecord>();
  private readonly profiles = new Map<string, Profile>();
  private readonly images = new Map<string, Blob>();

  async loadIdentity(): Promise<Identity | undefined> {
    return this.identity;
  }

  async initIdentity(candidate: Identity): Promise<Identity> {
    this.identity ??= candidate;
    return this.identity;
  }

  async replaceIdentity(identity: Identity): Promise<void> {
    this.identity = identity;
  }

  async getListing(id: string): Promise<Listing | undefined> {
    return this.listings.get(id);
  }

  async getListings(ids: string[]): Promise<Listing[]> {
    return ids.flatMap((id) => {
      const listing = this.listings.get(id);
      return listing ? [structuredClone(listing)] : [];
    });
  }

  async deleteListingIf(id: string, accept: (stored: Listing) => boolean): Promise<boolean> {
    const stored = this.listings.get(id);
    if (!stored || !accept(stored)) return false;
    this.listings.delete(id);
    return true;
  }

  async listExpiredBefore(time: number): Promise<Listing[]> {
    return [...this.listings.values()].filter((l) => l.expiresAt < time).map((l) => structuredClone(l));
  }

  async putListingIf(
    listing: Listing,
    accept: (stored: Listing | undefined) => boolean,
    images: StoredImage[] = [],
  ): Promise<boolean> {
    // Read, decide and write in one synchronous step: nothing can interleave, like a transaction.
    if (!accept(this.listings.get(listing.id))) return false;
    this.listings.set(listing.id, structuredClone(listing));
    for (const image of images) this.images.set(image.hash, image.blob);
    return true;
  }

  async putListingsIf(
    listings: Listing[],
    accept: (listing: Listing, stored: Listing | undefined) => boolean,
  ): Promise<Listing[]> {
    const written: Listing[] = [];
    for (const listing of listings)
      if (await this.putListingIf(listing, (stored) => accept(listing, stored))) written.push(listing);
    return written;
  }

  async listListings(): Promise<Listing[]> {
    return [...this.listings.values()]
      .sort((a, b) => b.updatedAt - a.updatedAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
      .map((listing) => structuredClone(listing));
  }

  async getProfile(peerId: PeerId): Promise<Profile | undefined> {
    return structuredClone(this.profiles.get(peerId));
  }

  async putProfileIf(profile: Profile, accept: (stored: Profile | undefined) => boolean): Promise<boolean> {
    if (!accept(this.profiles.get(profile.peerId))) return false;
    this.profiles.set(profile.peerId, structuredClone(profile));
    return true;
  }

  async listProfiles(): Promise<Profile[]> {
    return [...this.profiles.values()].sort((a, b) => b.updatedAt - a.updatedAt).map((p) => structuredClone(p));
  }

  async getImage(hash: string): Promise<Blob | undefined> {
    return this.images.get(hash);
  }

  async putImage(hash: string, image: Blob): Promise<void> {
    this.images.set(hash, image);
  }

  async deleteImage(hash: string): Promise<void> {
    this.images.delete(hash);
  }

  async listImageHashes(): Promise<string[]> {
    return [...this.images.keys()];
  }

  async getMeta<T>(key: string): Promise<T | undefined> {
    return structuredClone(this.meta.get(key)) as T | undefined;
  }

  async setMeta(key: string, value: unknown): Promise<void> {
    this.meta.set(key, structuredClone(value));
  }

  async rememberPeer(peer: PeerRecord): Promise<void> {
    this.peers.set(peer.id, structuredClone(peer));
  }

  async listPeers(): Promise<PeerRecord[]> {
    return [...this.peers.values()].map((peer) => structuredClone(peer));
  }

  close(): void {
    // Nothing to release: the maps go with the object.
  }
}
