// Sync on connect (DESIGN.md §3): once HELLO is done, the peer with the smaller id opens a set
// reconciliation (reconcile.ts) over SYNC frames; each side asks for the listings it lacks with
// LISTING_REQUEST, and the core answers those with LISTING_BROADCAST. Replaces send-all, which
// the core keeps behind `syncMode: "send-all"` as the benchmark baseline.

import type { PeerId } from "../shared/crypto.ts";
import type { Listing } from "../shared/records.ts";
import type { Store } from "../shared/store.ts";
import { type Frame, type FrameOf, frame } from "../shared/wire.ts";
import type { Offence } from "./policy.ts";
import type { ProtocolExtension } from "./protocol.ts";
import {
  type Bound,
  hashKey,
  initiate,
  respond,
  SyncError,
  type SyncItem,
  type SyncKey,
  type SyncMessage,
  type SyncRange,
  SyncSet,
} from "./reconcile.ts";

/** What the extension needs of the protocol core. */
export interface SyncHost {
  readonly peerId: PeerId;
  send(peer: PeerId, frame: Frame): void;
  strike(peer: PeerId, offence: Offence): boolean;
  onListing(fn: (listing: Listing) => void): () => void;
}

/** Listings asked for during reconciliation, and how many of them have arrived. */
export interface SyncProgress {
  received: number;
  total: number;
}

/** Ids per LISTING_REQUEST frame (the schema allows 1000). */
const REQUEST_BATCH = 500;
/**
 * Gossip pushes a new listing whole to this many peers and only announces its key to the rest,
 * who ask for it if they lack it: flooding whole records to 6–8 peers would deliver each one
 * 5–7 times over. With 4 the longest path among 200 hubs stays at 5 hops (3 gave 6 at 20 ms
 * latency) and a hub gets about one duplicate on average (bench/gossip.bench.ts).
 */
export const EAGER_FANOUT = 4;
/**
 * A requested listing that has not come by then is forgotten, so a peer that announces keys it
 * never delivers cannot stop us asking others for that listing, nor leave progress hanging.
 */
const PENDING_TTL_MS = 60_000;
/** Keys per announcement frame. */
const ANNOUNCE_BATCH = 500;

interface PeerSync {
  /** Our listings when this peer's exchange began: both sides must compare one fixed set. */
  set: SyncSet;
}

export class SyncExtension implements ProtocolExtension {
  readonly types = ["SYNC"] as const;
  private readonly peers = new Map<PeerId, Promise<PeerSync>>();
  /** Newest updatedAt of every listing we hold, by id; loaded once, then kept by onListing. */
  private known?: Promise<Map<string, number>>;
  private readonly hashes = new Map<string, Uint8Array>();
  /** Ids asked for and not yet arrived, with the peer asked, so one listing is fetched once. */
  private readonly pending = new Map<string, { peer: PeerId; updatedAt: number; until: number }>();
  private progress: SyncProgress = { received: 0, total: 0 };
  private readonly progressListeners = new Set<(progress: SyncProgress) => void>();
  /** Ids we asked for: when they arrive they are old news, announced but never pushed whole. */
  private readonly pulled = new Set<string>();

  constructor(
    private readonly host: SyncHost,
    private readonly store: Store,
  ) {
    host.onListing((listing) => void this.arrived(listing));
  }

  /** Progress of the listings requested so far; resets once all have arrived or were given up. */
  onProgress(fn: (progress: SyncProgress) => void): () => void {
    this.progressListeners.add(fn);
    return () => this.progressListeners.delete(fn);
  }

  currentProgress(): SyncProgress {
    return { ...this.progress };
  }

  async onReady(peer: PeerId): Promise<void> {
    // One side opens, or both would run the same exchange twice.
    if (this.host.peerId > peer) return;
    const state = await this.session(peer);
    for (const message of await initiate(state.set)) this.sendMessage(peer, message);
  }

  async onFrame(peer: PeerId, incoming: Frame): Promise<void> {
    if (incoming.type !== "SYNC") return;
    // An announcement (keys only, no ranges) needs no snapshot and no answer: ask for news.
    if (!incoming.ranges.length) return this.request(peer, incoming.have ?? []);
    const state = await this.session(peer);
    let step: Awaited<ReturnType<typeof respond>>;
    try {
      step = await respond(state.set, incoming);
    } catch (error) {
      if (!(error instanceof SyncError)) throw error;
      console.warn(`Peerboard: SYNC from ${peer} dropped (${error.message})`);
      this.host.strike(peer, "malformed");
      return;
    }
    for (const message of step.replies) this.sendMessage(peer, message);
    await this.request(peer, step.need);
  }

  /**
   * Gossip for listings that were news to us: pushed whole to a few of `targets`, announced by
   * key to the others. Returns the peers to push to; the core sends them the records.
   */
  gossip(listings: Listing[], targets: PeerId[]): PeerId[] {
    const pushed = listings.filter((listing) => !this.pulled.delete(listing.id));
    const pulled = listings.filter((listing) => !pushed.includes(listing));
    const order = [...targets];
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [order[i], order[j]] = [order[j] as PeerId, order[i] as PeerId];
    }
    // Our own new listing goes whole to every peer: the first hop is where spread is slowest.
    const own = pushed.some((listing) => listing.author === this.host.peerId);
    const eager = pushed.length ? order.slice(0, own ? order.length : EAGER_FANOUT) : [];
    for (const peer of order) {
      // Peers we push to still hear about the records we only pulled.
      const keys: SyncKey[] = (eager.includes(peer) ? pulled : listings).map((l) => [l.updatedAt, l.id]);
      for (let i = 0; i < keys.length; i += ANNOUNCE_BATCH)
        this.sendMessage(peer, { from: [0, ""], ranges: [], have: keys.slice(i, i + ANNOUNCE_BATCH) });
    }
    return eager;
  }

  onClose(peer: PeerId): void {
    this.peers.delete(peer);
    // What this peer still owed us will not come; a later exchange with anyone asks again.
    for (const [id, entry] of this.pending) {
      if (entry.peer !== peer) continue;
      this.pending.delete(id);
      this.pulled.delete(id);
    }
    this.settle();
  }

  private session(peer: PeerId): Promise<PeerSync> {
    let state = this.peers.get(peer);
    if (!state) {
      state = this.snapshot().then((set) => ({ set }));
      this.peers.set(peer, state);
    }
    return state;
  }

  private async snapshot(): Promise<SyncSet> {
    const known = await this.knownListings();
    const items: SyncItem[] = [];
    for (const [id, updatedAt] of known) {
      const text = `${updatedAt}:${id}`;
      let hash = this.hashes.get(text);
      if (!hash) {
        hash = await hashKey([updatedAt, id]);
        this.hashes.set(text, hash);
      }
      items.push({ key: [updatedAt, id], hash });
    }
    return SyncSet.fromItems(items);
  }

  private knownListings(): Promise<Map<string, number>> {
    this.known ??= this.store.listListings().then((listings) => {
      const known = new Map<string, number>();
      for (const listing of listings) known.set(listing.id, listing.updatedAt);
      return known;
    });
    return this.known;
  }

  private async request(peer: PeerId, need: SyncKey[]): Promise<void> {
    if (!need.length) return;
    const known = await this.knownListings();
    this.expire();
    const until = Date.now() + PENDING_TTL_MS;
    const ids: string[] = [];
    for (const [updatedAt, id] of need) {
      // An older copy than ours, or one already on its way, is not worth the bytes.
      if ((known.get(id) ?? -1) >= updatedAt || (this.pending.get(id)?.updatedAt ?? -1) >= updatedAt) continue;
      if (!this.pending.has(id)) this.progress.total++;
      this.pending.set(id, { peer, updatedAt, until });
      this.pulled.add(id);
      ids.push(id);
    }
    for (let i = 0; i < ids.length; i += REQUEST_BATCH)
      this.host.send(peer, frame({ type: "LISTING_REQUEST", ids: ids.slice(i, i + REQUEST_BATCH) }));
    if (!ids.length) return;
    this.emitProgress();
    setTimeout(() => this.expire(), PENDING_TTL_MS + 100);
  }

  private expire(): void {
    const now = Date.now();
    let expired = false;
    for (const [id, entry] of this.pending) {
      if (entry.until > now) continue;
      this.pending.delete(id);
      this.pulled.delete(id);
      expired = true;
    }
    if (expired) this.settle();
  }

  private async arrived(listing: Listing): Promise<void> {
    const known = await this.knownListings();
    if ((known.get(listing.id) ?? -1) < listing.updatedAt) known.set(listing.id, listing.updatedAt);
    const entry = this.pending.get(listing.id);
    if (!entry || entry.updatedAt > listing.updatedAt) return;
    this.pending.delete(listing.id);
    this.progress.received++;
    this.emitProgress();
    this.settle();
  }

  /** Once nothing is outstanding, the next sync counts from zero again. */
  private settle(): void {
    if (this.pending.size || !this.progress.total) return;
    this.progress = { received: 0, total: 0 };
    this.emitProgress();
  }

  private emitProgress(): void {
    const progress = this.currentProgress();
    for (const fn of this.progressListeners) fn(progress);
  }

  private sendMessage(peer: PeerId, message: SyncMessage): void {
    const body: Omit<FrameOf<"SYNC">, "v" | "id"> = {
      type: "SYNC",
      set: "listings",
      from: bound(message.from),
      ranges: message.ranges.map(range),
      ...(message.have ? { have: message.have.map(bound) } : {}),
    };
    this.host.send(peer, frame(body));
  }
}

const bound = (b: Bound | SyncKey): [number, string] => [b[0], b[1]];

function range(r: SyncRange): FrameOf<"SYNC">["ranges"][number] {
  if ("fp" in r) return { b: bound(r.b), fp: r.fp };
  if ("ids" in r) return { b: bound(r.b), ids: r.ids.map(bound) };
  return { b: bound(r.b) };
}
