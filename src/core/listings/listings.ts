// Listings over the protocol: LISTING_BROADCAST carries signed listing records, LISTING_REQUEST
// asks for them by id (after reconciliation says what is missing). Every version we accept is
// verified, merged by the record rule (the newest valid version wins, tombstones included),
// stored (the frames that come during one transaction together in the next, group-writer.ts) and
// spread on (sync.ts: pushed by its author, announced by everyone else). The send-all mode is the
// benchmark baseline: every listing to every new peer.

import type { Identity, PeerId } from "../crypto.ts";
import type { Clock } from "../ports.ts";
import type { ProtocolExtension, SessionHost } from "../session/extension.ts";
import type { ListingChange, Store, StoredImage } from "../store.ts";
import { REQUEST_BATCH, type RecordKey, type RecordSet } from "../sync/record-set.ts";
import type { SyncExtension } from "../sync/sync.ts";
import { type Frame, type FrameOf, frame, frameSize, MAX_FRAME_BYTES, MAX_LISTINGS_PER_FRAME } from "../wire.ts";
import { AuthorQuota } from "./author-quota.ts";
import { GroupWriter } from "./group-writer.ts";
import { type Listing, supersedes, verifyListing } from "./records.ts";

/** Bytes per LISTING_BROADCAST frame we aim for, leaving headroom under MAX_FRAME_BYTES. */
const BATCH_BYTES = MAX_FRAME_BYTES - 8 * 1024;
/**
 * Listings stored in one transaction at most, when frames come faster than the store commits. A
 * board's read waits for the transaction in progress: groups of 1,000 took 0.5–2.4 s here.
 */
const GROUP_MAX = 250;
/** Verified listings waiting for the store at most before a peer's next frame waits too. */
const AHEAD_MAX = 250;

/** The verified listings of one frame, and who sent them. */
interface Intake {
  from: PeerId;
  listings: Listing[];
}

/** A listing's key for sync, from the listing or its ListingSummary (only these fields are kept). */
export const listingKey = (listing: Pick<Listing, "id" | "updatedAt" | "author">): RecordKey => ({
  id: listing.id,
  updatedAt: listing.updatedAt,
  author: listing.author,
});

export interface ListingsOptions {
  identity: Identity;
  store: Store;
  host: SessionHost;
  clock: Clock;
  /** Reconciliation and gossip; without it (send-all mode) every listing goes to every new peer. */
  sync?: SyncExtension;
  /** Told which stored listings the per-author cap pushed out (the deletes' numbers in the change log), so indexes and photos follow. */
  evicted?: (gone: ListingChange[]) => Promise<void>;
  /** Live listings kept per author (author-quota.ts). */
  perAuthor?: number;
}

export class Listings implements ProtocolExtension {
  readonly types = ["LISTING_BROADCAST", "LISTING_REQUEST"] as const;
  private readonly listeners = new Set<(listing: Listing, seq: number) => void>();
  private readonly quota: AuthorQuota;
  private quotaLoaded: Promise<void> | undefined;
  private readonly writer = new GroupWriter<Intake, Listing[]>(
    (frames) => this.store(frames),
    (frame) => frame.listings.length,
    GROUP_MAX,
  );

  constructor(private readonly options: ListingsOptions) {
    options.sync?.addSet(this.recordSet());
    this.quota = new AuthorQuota(options.identity.peerId, options.perAuthor);
  }

  /**
   * Every version this hub accepted, ours and others', with its number in the store's change log
   * (told in about the order they were stored: a delete of the same write may be told first).
   */
  onListing(fn: (listing: Listing, seq: number) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /**
   * Stores, announces and broadcasts a new version of one of our own listings (new, an edit,
   * status change, renewal or tombstone). Returns false, changing nothing, when the store holds a
   * version that wins over it (another tab or device got there first).
   */
  async publish(listing: Listing, images: StoredImage[] = []): Promise<boolean> {
    if (listing.author !== this.options.identity.peerId) throw new Error("publish is for our own listings");
    const seq = await this.options.store.putListingIf(listing, (stored) => supersedes(listing, stored), images);
    if (seq === undefined) return false;
    this.emit(listing, seq);
    this.broadcast([listing]);
    return true;
  }

  async onReady(peer: PeerId): Promise<void> {
    if (this.options.sync) return;
    const all = (await this.options.store.listListings()).filter((l) => !this.options.host.isBlocked(l.author));
    this.sendBatches(peer, all);
  }

  async onFrame(peer: PeerId, incoming: Frame): Promise<void> {
    if (incoming.type === "LISTING_BROADCAST") await this.receive(peer, incoming.listings);
    else if (incoming.type === "LISTING_REQUEST") {
      // What was received before the request is stored first, as if handled one after the other.
      await this.idle();
      await this.answer(peer, incoming);
    }
  }

  /**
   * Verifies, merges and stores listings from `from`; new ones are announced and gossiped on.
   * Bad records count against the sender. Returns the listings that were news to us.
   */
  async accept(from: PeerId, incoming: Listing[]): Promise<Listing[]> {
    return this.writer.add({ from, listings: await this.verified(from, incoming) });
  }

  /** Resolves when every listing received so far is stored (or failed to be). */
  idle(): Promise<void> {
    return this.writer.idle();
  }

  /** Verified listings waiting for the store transaction they will go in. */
  get backlog(): number {
    return this.writer.backlog;
  }

  /**
   * A received frame is verified here, in the peer's frame order, and then stored in the
   * background: the next frame's signatures are checked while this one's transaction commits,
   * and frames that come during a commit are stored together in the next. Only so far ahead:
   * past AHEAD_MAX listings waiting, the peer's next frame waits for the store.
   */
  private async receive(from: PeerId, incoming: Listing[]): Promise<void> {
    const listings = await this.verified(from, incoming);
    if (!listings.length) return;
    void this.writer
      .add({ from, listings })
      .catch((error: unknown) => this.options.host.log.error(`listings from ${from} not stored`, error));
    await this.writer.room(AHEAD_MAX);
  }

  /** The valid listings of `incoming`; bad ones are struck against `from`. */
  private async verified(from: PeerId, incoming: Listing[]): Promise<Listing[]> {
    const { host } = this.options;
    const now = this.options.clock.now();
    const valid: Listing[] = [];
    // Verified all at once: WebCrypto runs the signature checks in parallel, and a first sync
    // brings thousands (a frame holds at most MAX_LISTINGS_PER_FRAME).
    const results = await Promise.all(incoming.map((raw) => verifyListing(raw, now)));
    for (const checked of results) {
      // Expired past the grace period: stale, not malicious (a peer may hold it a little longer).
      if (!checked.ok && checked.reason === "expired") continue;
      if (!checked.ok) {
        host.log.warn(`listing from ${from} rejected (${checked.reason})`);
        // Disconnected for it: stop reading, but what was already valid is still stored.
        if (host.strike(from, "bad-record")) break;
        continue;
      }
      valid.push(checked.listing);
    }
    return valid;
  }

  /** Stores verified listings of one or more frames in one transaction; per frame, what was news. */
  private async store(frames: Intake[]): Promise<Listing[][]> {
    const { store } = this.options;
    // One author's flood must not crowd out everyone else: its newest are kept, up to a cap.
    await this.counted();
    const { accepted, evicted } = this.quota.admit(frames.flatMap((f) => f.listings));
    // One store transaction for all of them, not one per listing: a sync brings thousands.
    const fresh = await store.putListingsIf(accepted, (listing, stored) => supersedes(listing, stored));
    for (const { listing } of fresh) this.quota.stored(listing);
    await this.evict(evicted);
    for (const { listing, seq } of fresh) this.emit(listing, seq);
    const news = new Set(fresh.map((f) => f.listing));
    return frames.map(({ from, listings }) => {
      const mine = listings.filter((l) => news.has(l));
      // Gossip: what was new to us may be new to our other peers. Stale copies stop here.
      if (mine.length) this.broadcast(mine, from);
      return mine;
    });
  }

  /** Listings the per-author cap pushed out: deleted unless they became the user's meanwhile. */
  private async evict(ids: string[]): Promise<void> {
    const me = this.options.identity.peerId;
    const gone: ListingChange[] = [];
    for (const id of ids) {
      const seq = await this.options.store.deleteListingIf(id, (stored) => stored.author !== me);
      if (seq !== undefined) gone.push({ seq, id });
    }
    if (gone.length) await this.options.evicted?.(gone);
  }

  /** Resolves once the stored listings are counted per author, for `heldOf`. */
  counted(): Promise<void> {
    this.quotaLoaded ??= this.options.store.listListingSummaries().then((all) => this.quota.load(all));
    return this.quotaLoaded;
  }

  /** Live listings held of `author` (the per-author cap counts these). */
  heldOf(author: PeerId): number {
    return this.quota.count(author);
  }

  private async answer(from: PeerId, request: FrameOf<"LISTING_REQUEST">): Promise<void> {
    await this.serve(from, request.ids);
  }

  /** Sends the listings we hold of `ids` to `from`, out of its answer budget. */
  private async serve(from: PeerId, ids: readonly string[]): Promise<void> {
    const found: Listing[] = [];
    // An id asked twice is answered once.
    for (const id of new Set(ids)) {
      const listing = await this.options.store.getListing(id);
      if (listing && !this.options.host.isBlocked(listing.author)) found.push(listing);
    }
    for (const batch of batchListings(found))
      if (!this.options.host.answer(from, frame({ type: "LISTING_BROADCAST", listings: batch }))) return;
  }

  private broadcast(listings: Listing[], except?: PeerId): void {
    // With sync, a listing made here goes whole to every peer and one received is announced by
    // key (sync.ts). Send-all floods every listing to every peer.
    const { host, sync } = this.options;
    const shown = listings.filter((l) => !host.isBlocked(l.author));
    const push = sync
      ? sync.spread("listings", listings.map(listingKey), except)
      : host.readyPeers().filter((peer) => peer !== except);
    const batches = batchListings(shown);
    for (const peer of push)
      for (const batch of batches) host.send(peer, frame({ type: "LISTING_BROADCAST", listings: batch }));
  }

  private sendBatches(peer: PeerId, listings: Listing[]): void {
    for (const batch of batchListings(listings))
      this.options.host.send(peer, frame({ type: "LISTING_BROADCAST", listings: batch }));
  }

  /** LISTING_REQUEST asks, and `answer` replies with LISTING_BROADCAST. */
  private recordSet(): RecordSet {
    const { store, host } = this.options;
    return {
      name: "listings",
      progress: true,
      load: async () => (await store.listListingSummaries()).map(listingKey),
      request(peer, ids) {
        for (let i = 0; i < ids.length; i += REQUEST_BATCH)
          host.send(peer, frame({ type: "LISTING_REQUEST", ids: ids.slice(i, i + REQUEST_BATCH) }));
      },
      serve: (peer, ids) => this.serve(peer, ids),
    };
  }

  private emit(listing: Listing, seq: number): void {
    for (const fn of this.listeners) fn(listing, seq);
  }
}

/** Splits listings into LISTING_BROADCAST-sized batches, each well under the frame cap. */
export function batchListings(listings: Listing[]): Listing[][] {
  const batches: Listing[][] = [];
  let batch: Listing[] = [];
  let bytes = 0;
  for (const listing of listings) {
    const size = frameSize(listing) + 1;
    if (batch.length && (bytes + size > BATCH_BYTES || batch.length >= MAX_LISTINGS_PER_FRAME)) {
      batches.push(batch);
      batch = [];
      bytes = 0;
    }
    batch.push(listing);
    bytes += size;
  }
  if (batch.length) batches.push(batch);
  return batches;
}
