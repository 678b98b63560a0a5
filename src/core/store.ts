// The records API the protocol core needs (core logic free of I/O: docs/architecture.md, "The
// ports"). IndexedDB in the hub implements it (src/worker/idb-store.ts); tests/contract/store.ts
// is its conformance suite.

import type { Identity, PeerId } from "./crypto.ts";
import type { Listing } from "./listings/records.ts";
import type { Profile } from "./profiles/profile.ts";
import type { SavedSearchRecord } from "./search/saved-search.ts";

/** A peer we have met: what we need to dial it again and to show it. */
export interface PeerRecord {
  id: PeerId;
  publicKey: string;
  name?: string;
  lastSeen: number;
  /** ECDH public key for end-to-end encryption, and the identity key's signature over it. */
  agreementKey?: string;
  agreementSignature?: string;
  /** What it did wrong after proving its id (session/policy.ts), so a restart forgives nothing. */
  misbehaviour?: Misbehaviour;
}

/** A proven peer's standing with the policy: its score over the ban window and any ban. */
export interface Misbehaviour {
  /** Score of offences since `totalSince`; the window restarts past the policy's banMs. */
  total: number;
  totalSince: number;
  /** Refused until then (0: never banned in this window). */
  bannedUntil: number;
}

/** A photo thumbnail and the SHA-256 (base64url) of its bytes. */
export interface StoredImage {
  hash: string;
  blob: Blob;
}

export interface Store {
  loadIdentity(): Promise<Identity | undefined>;
  /** Stores `candidate` unless an identity exists already; returns the identity that is stored. */
  initIdentity(candidate: Identity): Promise<Identity>;
  /** Replaces the identity (import from a backup). Listings and peers stay as they are. */
  replaceIdentity(identity: Identity): Promise<void>;

  getListing(id: string): Promise<Listing | undefined>;
  /** The stored listings with these ids, in the same order; unknown ids are left out. */
  getListings(ids: string[]): Promise<Listing[]>;
  /**
   * Atomically: reads the stored version of `listing.id`, and writes `listing` only when
   * `accept(stored)` is true. Returns the write's number in the listing change log, or undefined
   * when it did not write. The merge rule lives in the caller.
   */
  putListingIf(
    listing: Listing,
    accept: (stored: Listing | undefined) => boolean,
    /** The listing's own photo thumbnails, written in the same transaction as the listing. */
    images?: StoredImage[],
  ): Promise<number | undefined>;
  /**
   * putListingIf for many listings in one transaction (a sync brings thousands: one commit each
   * made the first visit to a big board take ~20 s). Returns the listings it wrote, in order,
   * each with its number in the listing change log.
   */
  putListingsIf(
    listings: Listing[],
    accept: (listing: Listing, stored: Listing | undefined) => boolean,
  ): Promise<StoredListing[]>;
  /** All listings, newest `updatedAt` first. Seconds at 100,000: see listListingSummaries. */
  listListings(): Promise<Listing[]>;
  /**
   * A summary of every stored listing (tombstones too), in no particular order: what sync, the
   * per-author cap, storage pruning and image collection need, without the text and signature
   * (reading every whole listing took ~10 s and ~100 MB in the hub at 100,000).
   */
  listListingSummaries(): Promise<ListingSummary[]>;
  /**
   * Atomically deletes the stored version of `id` when `accept(stored)` is true; returns the
   * delete's number in the listing change log, or undefined when it did not delete.
   */
  deleteListingIf(id: string, accept: (stored: Listing) => boolean): Promise<number | undefined>;
  /** Listings whose `expiresAt` is before `time`, for pruning. */
  listExpiredBefore(time: number): Promise<Listing[]>;

  getProfile(peerId: PeerId): Promise<Profile | undefined>;
  /** Atomically writes `profile` when `accept(stored)` is true; returns whether it wrote. */
  putProfileIf(profile: Profile, accept: (stored: Profile | undefined) => boolean): Promise<boolean>;
  /** Every profile we know, most recently updated first. */
  listProfiles(): Promise<Profile[]>;
  /** Deletes the profile of `peerId` (the profile cap evicts it); returns whether one was stored. */
  deleteProfile(peerId: PeerId): Promise<boolean>;

  /** Image thumbnails by the SHA-256 (base64url) of their bytes. */
  getImage(hash: string): Promise<Blob | undefined>;
  putImage(hash: string, image: Blob): Promise<void>;
  deleteImage(hash: string): Promise<void>;
  /** Hashes of every stored image, for garbage collection. */
  listImageHashes(): Promise<string[]>;

  getMeta<T>(key: string): Promise<T | undefined>;
  setMeta(key: string, value: unknown): Promise<void>;

  rememberPeer(peer: PeerRecord): Promise<void>;
  getPeer(id: PeerId): Promise<PeerRecord | undefined>;
  listPeers(): Promise<PeerRecord[]>;
  /** Forgets these peers' records; ids not stored are skipped. */
  forgetPeers(ids: PeerId[]): Promise<void>;

  /** Every saved search, oldest first (by createdAt, then id). */
  listSavedSearches(): Promise<SavedSearchRecord[]>;
  /** Writes a saved search under its id, replacing the one stored there. */
  putSavedSearch(search: SavedSearchRecord): Promise<void>;
  /** Deletes a saved search; returns whether one was stored under `id`. */
  deleteSavedSearch(id: string): Promise<boolean>;

  // The listing change log: every write and delete of a listing, numbered from 1 in commit order
  // in the same transaction as the change itself, so the search index kept in meta can replay
  // exactly what happened since it was saved, even across a crash between the two. The writes
  // return their numbers, so the index, told them, knows how far it covers the log unread.
  /** Changes numbered after `seq`, oldest first, at most `limit` of them. */
  listListingChangesAfter(seq: number, limit: number): Promise<ListingChange[]>;
  /** Forgets the changes numbered up to and including `seq` (a saved index covers them). */
  forgetListingChangesThrough(seq: number): Promise<void>;

  close(): void;
}

/** What a hub needs of a stored listing without reading it whole (Store.listListingSummaries). */
export interface ListingSummary {
  id: string;
  updatedAt: number;
  expiresAt: number;
  author: PeerId;
  deleted: boolean;
  /** The hashes of its photos. */
  images: string[];
}

export const summaryOf = (listing: Listing): ListingSummary => ({
  id: listing.id,
  updatedAt: listing.updatedAt,
  expiresAt: listing.expiresAt,
  author: listing.author,
  deleted: listing.deleted,
  images: listing.images.map((image) => image.hash),
});

/** A listing version a write stored, and its number in the listing change log. */
export interface StoredListing {
  listing: Listing;
  seq: number;
}

/** A listing written or deleted: `seq` grows with every change, `id` is the listing's. */
export interface ListingChange {
  seq: number;
  id: string;
}
