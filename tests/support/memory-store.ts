// A Store and MailStore in plain Maps, for simulations of hundreds of hubs where fake-indexeddb
// would cost more than the protocol under test, and for Node tests. Passes the same contract
// suites as the IndexedDB and SQLite stores (tests/contract/store.ts, mail-store.ts).
//
// Every method reads, decides and writes in one synchronous step, so nothing interleaves, like a
// transaction. Records are copied in and out (structuredClone), as a database would: a caller
// that edits what it got back does not edit the store.

import type { Identity, PeerId } from "../../src/core/crypto.ts";
import type { Listing } from "../../src/core/listings/records.ts";
import type { ChatRecord, DealRecord, MailStore, OutboxEntry } from "../../src/core/mail/mail-store.ts";
import type { Profile } from "../../src/core/profiles/profile.ts";
import type { SavedSearchRecord } from "../../src/core/search/saved-search.ts";
import {
  type ListingChange,
  type ListingSummary,
  type PeerRecord,
  type Store,
  type StoredImage,
  type StoredListing,
  summaryOf,
} from "../../src/core/store.ts";

const clone = <T>(value: T): T => structuredClone(value);
const byKey = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export class MemoryStore implements Store, MailStore {
  private identity?: Identity;
  private readonly listings = new Map<string, Listing>();
  private readonly meta = new Map<string, unknown>();
  private readonly peers = new Map<string, PeerRecord>();
  private readonly profiles = new Map<string, Profile>();
  private readonly images = new Map<string, Blob>();
  private readonly deals = new Map<string, DealRecord>();
  private readonly messages = new Map<string, ChatRecord>();
  private readonly outbox = new Map<string, OutboxEntry>();
  private readonly savedSearches = new Map<string, SavedSearchRecord>();
  /** When each (author, msgId) was marked seen. */
  private readonly seen = new Map<string, number>();
  /** The listing change log, oldest first, and the number the next change gets. */
  private changes: ListingChange[] = [];
  private nextChange = 1;

  async loadIdentity(): Promise<Identity | undefined> {
    return this.identity && copyIdentity(this.identity);
  }

  async initIdentity(candidate: Identity): Promise<Identity> {
    this.identity ??= copyIdentity(candidate);
    return copyIdentity(this.identity);
  }

  async replaceIdentity(identity: Identity): Promise<void> {
    this.identity = copyIdentity(identity);
  }

  async getListing(id: string): Promise<Listing | undefined> {
    return clone(this.listings.get(id));
  }

  async getListings(ids: string[]): Promise<Listing[]> {
    return ids.flatMap((id) => {
      const listing = this.listings.get(id);
      return listing ? [clone(listing)] : [];
    });
  }

  async deleteListingIf(id: string, accept: (stored: Listing) => boolean): Promise<number | undefined> {
    const stored = this.listings.get(id);
    if (!stored || !accept(clone(stored))) return undefined;
    this.listings.delete(id);
    return this.changed(id);
  }

  async listExpiredBefore(time: number): Promise<Listing[]> {
    return [...this.listings.values()].filter((l) => l.expiresAt < time).map(clone);
  }

  async putListingIf(
    listing: Listing,
    accept: (stored: Listing | undefined) => boolean,
    images: StoredImage[] = [],
  ): Promise<number | undefined> {
    if (!accept(clone(this.listings.get(listing.id)))) return undefined;
    this.listings.set(listing.id, clone(listing));
    for (const image of images) this.images.set(image.hash, image.blob);
    return this.changed(listing.id);
  }

  async putListingsIf(
    listings: Listing[],
    accept: (listing: Listing, stored: Listing | undefined) => boolean,
  ): Promise<StoredListing[]> {
    // Staged, then applied: when `accept` throws halfway, no listing of the batch is written.
    const staged = new Map<string, Listing>();
    const written: Listing[] = [];
    for (const listing of listings) {
      const stored = staged.get(listing.id) ?? this.listings.get(listing.id);
      if (!accept(listing, clone(stored))) continue;
      staged.set(listing.id, clone(listing));
      written.push(listing);
    }
    for (const [id, listing] of staged) this.listings.set(id, listing);
    return written.map((listing) => ({ listing, seq: this.changed(listing.id) }));
  }

  async listListingSummaries(): Promise<ListingSummary[]> {
    return [...this.listings.values()].map(summaryOf);
  }

  async listListings(): Promise<Listing[]> {
    return [...this.listings.values()].sort((a, b) => b.updatedAt - a.updatedAt || byKey(b.id, a.id)).map(clone);
  }

  async getProfile(peerId: PeerId): Promise<Profile | undefined> {
    return clone(this.profiles.get(peerId));
  }

  async putProfileIf(profile: Profile, accept: (stored: Profile | undefined) => boolean): Promise<boolean> {
    if (!accept(clone(this.profiles.get(profile.peerId)))) return false;
    this.profiles.set(profile.peerId, clone(profile));
    return true;
  }

  async deleteProfile(peerId: PeerId): Promise<boolean> {
    return this.profiles.delete(peerId);
  }

  async listProfiles(): Promise<Profile[]> {
    return [...this.profiles.values()]
      .sort((a, b) => b.updatedAt - a.updatedAt || byKey(a.peerId, b.peerId))
      .map(clone);
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
    return [...this.images.keys()].sort(byKey);
  }

  async getMeta<T>(key: string): Promise<T | undefined> {
    return clone(this.meta.get(key)) as T | undefined;
  }

  async setMeta(key: string, value: unknown): Promise<void> {
    this.meta.set(key, clone(value));
  }

  async rememberPeer(peer: PeerRecord): Promise<void> {
    this.peers.set(peer.id, clone(peer));
  }

  async getPeer(id: PeerId): Promise<PeerRecord | undefined> {
    const peer = this.peers.get(id);
    return peer && clone(peer);
  }

  async listPeers(): Promise<PeerRecord[]> {
    return [...this.peers.values()].sort((a, b) => byKey(a.id, b.id)).map(clone);
  }

  async forgetPeers(ids: PeerId[]): Promise<void> {
    for (const id of ids) this.peers.delete(id);
  }

  async listSavedSearches(): Promise<SavedSearchRecord[]> {
    return [...this.savedSearches.values()].sort((a, b) => a.createdAt - b.createdAt || byKey(a.id, b.id)).map(clone);
  }

  async putSavedSearch(search: SavedSearchRecord): Promise<void> {
    this.savedSearches.set(search.id, clone(search));
  }

  async deleteSavedSearch(id: string): Promise<boolean> {
    return this.savedSearches.delete(id);
  }

  async getDeal(id: string): Promise<DealRecord | undefined> {
    return clone(this.deals.get(id));
  }

  async updateDeal(
    id: string,
    change: (stored: DealRecord | undefined) => DealRecord | undefined,
    outgoing?: OutboxEntry,
  ): Promise<DealRecord | undefined> {
    // `change` runs before anything is written: if it throws, nothing is.
    const next = change(clone(this.deals.get(id)));
    if (next) {
      this.deals.set(id, clone(next));
      if (outgoing) this.outbox.set(outgoing.msgId, clone(outgoing));
    }
    return next;
  }

  async listDeals(): Promise<DealRecord[]> {
    return [...this.deals.values()].sort((a, b) => b.updatedAt - a.updatedAt || byKey(b.id, a.id)).map(clone);
  }

  async getMessage(author: PeerId, id: string): Promise<ChatRecord | undefined> {
    return clone(this.messages.get(mailKey(author, id)));
  }

  async putMessage(message: ChatRecord, outgoing?: OutboxEntry): Promise<void> {
    this.messages.set(mailKey(message.author, message.id), clone(message));
    if (outgoing) this.outbox.set(outgoing.msgId, clone(outgoing));
  }

  async listMessages(): Promise<ChatRecord[]> {
    return [...this.messages.values()].sort((a, b) => a.createdAt - b.createdAt || byKey(a.id, b.id)).map(clone);
  }

  async enqueue(entry: OutboxEntry): Promise<void> {
    this.outbox.set(entry.msgId, clone(entry));
  }

  async listOutbox(): Promise<OutboxEntry[]> {
    return [...this.outbox.values()].sort((a, b) => byKey(a.msgId, b.msgId)).map(clone);
  }

  async dequeue(msgId: string): Promise<OutboxEntry | undefined> {
    const entry = this.outbox.get(msgId);
    this.outbox.delete(msgId);
    return entry;
  }

  async wasSeen(author: PeerId, msgId: string): Promise<boolean> {
    return this.seen.has(mailKey(author, msgId));
  }

  async markSeen(author: PeerId, msgId: string): Promise<void> {
    if (!this.seen.has(mailKey(author, msgId))) this.seen.set(mailKey(author, msgId), Date.now());
  }

  async forgetSeenBefore(time: number): Promise<void> {
    for (const [key, at] of this.seen) if (at < time) this.seen.delete(key);
  }

  async forgetSeenBeyond(count: number): Promise<void> {
    // Sorted by time, ties in the order they were marked (the sort is stable).
    const oldest = [...this.seen].sort((a, b) => a[1] - b[1]).slice(0, Math.max(0, this.seen.size - count));
    for (const [key] of oldest) this.seen.delete(key);
  }

  async listListingChangesAfter(seq: number, limit: number): Promise<ListingChange[]> {
    return this.changes
      .filter((c) => c.seq > seq)
      .slice(0, limit)
      .map(clone);
  }

  async forgetListingChangesThrough(seq: number): Promise<void> {
    this.changes = this.changes.filter((c) => c.seq > seq);
  }

  /** Logs a change of `id`; returns its number. */
  private changed(id: string): number {
    const seq = this.nextChange++;
    this.changes.push({ seq, id });
    return seq;
  }

  close(): void {
    // Nothing to release: the maps go with the object.
  }
}

/** Message ids are unique per author only (mail-store.ts); peer ids hold no newline. */
const mailKey = (author: PeerId, id: string) => `${author}\n${id}`;

/** The identity's fields copied; the CryptoKeys themselves are immutable and shared. */
function copyIdentity(identity: Identity): Identity {
  return { ...identity, signing: { ...identity.signing }, agreement: { ...identity.agreement } };
}
