// The protocol core: per-peer sessions over a Link, HELLO, listing merge and broadcast, peer
// hints. Pure TypeScript behind Link and Store; the hub wires it to the radio and IndexedDB.

import type { Identity, PeerId } from "../crypto.ts";
import { createListing, type Listing, type ListingDraft, supersedes, verifyListing } from "../listings/records.ts";
import { type AgreementCard, agreementCard, checkAgreementCard } from "../mail/seal.ts";
import type { Link } from "../ports.ts";
import type { PeerRecord, Store, StoredImage } from "../store.ts";
import { listingKey, listingSet } from "../sync/record-set.ts";
import { SyncExtension } from "../sync/sync.ts";
import {
  type Frame,
  type FrameOf,
  type FrameType,
  frame,
  frameSize,
  MAX_FRAME_BYTES,
  MAX_LISTINGS_PER_FRAME,
  parseFrame,
} from "../wire.ts";
import { challengeFrame, checkChallenge, checkProof, newNonce, proofFrame } from "./handshake.ts";
import { type Offence, Policy, type PolicySettings } from "./policy.ts";

export interface ProtocolOptions {
  identity: Identity;
  store: Store;
  link: Link;
  now?: () => number;
  /** A peer that has not proved its identity by then is dropped. */
  helloTimeoutMs?: number;
  policy?: Partial<PolicySettings>;
  /**
   * Peers the user blocked: we do not talk to them, and we stop relaying what they wrote
   * (it stays stored, hidden, so unblocking restores it).
   */
  blocked?: (peer: PeerId) => boolean;
  /**
   * How peers catch up on connect: "reconcile" (default) exchanges only differences over SYNC
   * (sync.ts); "send-all" sends every listing, the baseline benchmarks compare against.
   */
  syncMode?: "reconcile" | "send-all";
}

export type PeerStage = "handshake" | "ready";

/**
 * A feature that speaks more of the protocol (sync, deals, chat, profiles): it claims frame
 * types, hears when a peer has proved its identity or gone, and talks through the Protocol.
 * Frames reach it only from verified peers, already validated, in order per peer.
 */
export interface ProtocolExtension {
  readonly types: readonly FrameType[];
  onReady?(peer: PeerId): Promise<void> | void;
  onFrame?(peer: PeerId, frame: Frame): Promise<void> | void;
  onClose?(peer: PeerId): void;
}

export interface ConnectedPeer {
  id: PeerId;
  stage: PeerStage;
  name?: string;
  since: number;
  framesIn: number;
  bytesIn: number;
  bytesOut: number;
  /** Misbehaviour score in this session (see policy.ts). */
  score: number;
}

interface Session {
  peer: PeerId;
  since: number;
  myNonce: string;
  theirKey?: string;
  theirName?: string;
  /** Their ECDH key for end-to-end encryption, when their HELLO carried a valid signed one. */
  theirCard?: AgreementCard;
  /** We checked their proof: they hold the key for their id. */
  verified: boolean;
  /** Frames of one peer are handled strictly in order, one at a time. */
  queue: Promise<void>;
  framesIn: number;
  bytesIn: number;
  bytesOut: number;
  timer: ReturnType<typeof setTimeout>;
}

/** Bytes per LISTING_BROADCAST frame we aim for, leaving headroom under MAX_FRAME_BYTES. */
const BATCH_BYTES = MAX_FRAME_BYTES - 8 * 1024;

export class Protocol {
  readonly policy: Policy;
  private readonly sessions = new Map<PeerId, Session>();
  private readonly listingListeners = new Set<(listing: Listing) => void>();
  private readonly peerListeners = new Set<() => void>();
  private readonly hintListeners = new Set<(peers: PeerId[]) => void>();
  private readonly identity: Identity;
  private readonly store: Store;
  private readonly link: Link;
  private readonly now: () => number;
  private readonly helloTimeoutMs: number;
  private readonly blocked: (peer: PeerId) => boolean;
  private readonly extensions: ProtocolExtension[] = [];
  private readonly handlers = new Map<FrameType, ProtocolExtension>();
  private readonly syncMode: "reconcile" | "send-all";
  /** Set reconciliation on connect; absent in send-all mode. */
  readonly sync?: SyncExtension;
  /** Our signed ECDH key, sent in every HELLO (issue 5). */
  private readonly card: Promise<AgreementCard>;

  constructor(options: ProtocolOptions) {
    this.identity = options.identity;
    this.store = options.store;
    this.link = options.link;
    this.now = options.now ?? Date.now;
    this.helloTimeoutMs = options.helloTimeoutMs ?? 10_000;
    this.blocked = options.blocked ?? (() => false);
    this.policy = new Policy((peer, offence) => this.drop(peer, offence), options.policy, this.now);
    this.card = agreementCard(this.identity);
    this.link.onPeer((peer, up) => (up ? this.open(peer) : this.close(peer)));
    this.link.onFrame((peer, raw) => this.receive(peer, raw));
    this.syncMode = options.syncMode ?? "reconcile";
    if (this.syncMode === "reconcile") {
      this.sync = new SyncExtension(this);
      this.sync.addSet(listingSet(this.store, (peer, outgoing) => this.send(peer, outgoing)));
      this.use(this.sync);
    }
  }

  get peerId(): PeerId {
    return this.identity.peerId;
  }

  /** Adds a feature; a frame type belongs to one extension or to the core. */
  use(extension: ProtocolExtension): void {
    for (const type of extension.types) {
      if (CORE_TYPES.includes(type) || this.handlers.has(type)) throw new Error(`${type} is already handled`);
      this.handlers.set(type, extension);
    }
    this.extensions.push(extension);
  }

  /** Sends to a peer that has completed HELLO; frames to anyone else are dropped. */
  send(peer: PeerId, outgoing: Frame): void {
    if (this.sessions.get(peer)?.verified) this.transmit(peer, outgoing);
  }

  /** Peers that have completed HELLO. */
  readyPeers(): PeerId[] {
    return [...this.sessions.values()].filter((s) => s.verified).map((s) => s.peer);
  }

  /** Resolves when every frame received from `peer` so far has been handled. */
  whenIdle(peer: PeerId): Promise<void> {
    return this.sessions.get(peer)?.queue ?? Promise.resolve();
  }

  /** Whether the user blocked this peer: we neither talk to it nor pass on what it wrote. */
  isBlocked(peer: PeerId): boolean {
    return this.blocked(peer);
  }

  /** Counts an offence by a peer (see policy.ts); true when it was disconnected for it. */
  strike(peer: PeerId, offence: Offence): boolean {
    return this.policy.strike(peer, offence, this.sessions.get(peer)?.verified ?? false);
  }

  onListing(fn: (listing: Listing) => void): () => void {
    this.listingListeners.add(fn);
    return () => this.listingListeners.delete(fn);
  }

  onPeersChanged(fn: () => void): () => void {
    this.peerListeners.add(fn);
    return () => this.peerListeners.delete(fn);
  }

  /** Peer ids learnt from others (PEER_LIST), for the dialer to consider. */
  onPeerHints(fn: (peers: PeerId[]) => void): () => void {
    this.hintListeners.add(fn);
    return () => this.hintListeners.delete(fn);
  }

  connectedPeers(): ConnectedPeer[] {
    return [...this.sessions.values()].map((s) => ({
      id: s.peer,
      stage: s.verified ? "ready" : "handshake",
      since: s.since,
      framesIn: s.framesIn,
      bytesIn: s.bytesIn,
      bytesOut: s.bytesOut,
      score: this.policy.score(s.peer),
      ...(s.theirName ? { name: s.theirName } : {}),
    }));
  }

  /** What a peer proved in HELLO: its identity key and, when it sent one, its ECDH key. */
  verifiedPeer(peer: PeerId): Pick<PeerRecord, "publicKey" | "agreementKey" | "agreementSignature"> | undefined {
    const session = this.sessions.get(peer);
    if (!session?.verified || !session.theirKey) return undefined;
    return { publicKey: session.theirKey, ...(session.theirCard ?? {}) };
  }

  isConnected(peer: PeerId): boolean {
    return this.sessions.has(peer);
  }

  /** Signs, stores and broadcasts a new listing of ours. Throws ValidationError for bad input. */
  async post(draft: ListingDraft): Promise<Listing> {
    const listing = await createListing(this.identity, draft, this.now());
    await this.publish(listing);
    return listing;
  }

  /**
   * Stores, announces and broadcasts a new version of one of our own listings (an edit, status
   * change, renewal or tombstone). Returns false, changing nothing, when the store holds a
   * version that wins over it (another tab or device got there first).
   */
  async publish(listing: Listing, images: StoredImage[] = []): Promise<boolean> {
    if (listing.author !== this.identity.peerId) throw new Error("publish is for our own listings");
    if (!(await this.store.putListingIf(listing, (stored) => supersedes(listing, stored), images))) return false;
    this.emitListing(listing);
    this.broadcast([listing]);
    return true;
  }

  private open(peer: PeerId): void {
    this.close(peer);
    if (this.policy.isBanned(peer) || this.blocked(peer)) {
      this.link.hangUp(peer);
      return;
    }
    const session: Session = {
      peer,
      since: this.now(),
      myNonce: newNonce(),
      verified: false,
      queue: Promise.resolve(),
      framesIn: 0,
      bytesIn: 0,
      bytesOut: 0,
      timer: setTimeout(() => {
        if (!session.verified && this.sessions.get(peer) === session) this.strike(peer, "hello-timeout");
      }, this.helloTimeoutMs),
    };
    this.sessions.set(peer, session);
    this.emitPeers();
    void this.card.then((card) => {
      if (this.sessions.get(peer) === session)
        this.transmit(peer, challengeFrame(this.identity, session.myNonce, undefined, card));
    });
  }

  /** Every frame leaves through here, so bytes out are counted per peer. */
  private transmit(peer: PeerId, outgoing: Frame): void {
    const session = this.sessions.get(peer);
    if (!session) return;
    session.bytesOut += frameSize(outgoing);
    this.link.send(peer, outgoing);
  }

  private close(peer: PeerId): void {
    const session = this.sessions.get(peer);
    if (!session) return;
    clearTimeout(session.timer);
    this.sessions.delete(peer);
    if (session.verified) for (const extension of this.extensions) extension.onClose?.(peer);
    this.emitPeers();
  }

  private drop(peer: PeerId, offence: Offence): void {
    console.warn(`Peerboard: disconnecting ${peer} (${offence})`);
    this.close(peer);
    this.link.hangUp(peer);
  }

  private receive(peer: PeerId, raw: unknown): void {
    const session = this.sessions.get(peer);
    if (!session) {
      this.strike(peer, "unauthenticated");
      return;
    }
    const size = frameSize(raw);
    session.framesIn += 1;
    session.bytesIn += Number.isFinite(size) ? size : 0;
    // Rate limits apply before any work is queued: a flood costs us one size check per frame.
    if (!this.policy.admit(peer, size, session.verified)) return;
    session.queue = session.queue
      .then(() => (this.sessions.get(peer) === session ? this.handle(session, raw, size) : undefined))
      .catch((error: unknown) => console.error(`Peerboard: frame from ${peer} failed`, error));
  }

  private async handle(session: Session, raw: unknown, size: number): Promise<void> {
    const parsed = parseFrame(raw, size);
    if (!parsed.ok) {
      this.strike(session.peer, parsed.reason);
      return;
    }
    const frame = parsed.frame;
    if (frame.type === "HELLO") return this.handleHello(session, frame);
    if (!session.verified) {
      this.strike(session.peer, "unauthenticated");
      return;
    }
    switch (frame.type) {
      case "LISTING_BROADCAST":
        await this.acceptListings(session.peer, frame.listings);
        return;
      case "LISTING_REQUEST":
        return this.handleRequest(session.peer, frame);
      case "PEER_LIST":
        return this.emitHints(frame.peers.map((p) => p.id).filter((id) => id !== this.identity.peerId));
      default:
        // A valid frame no feature of this version handles (a newer peer's) is ignored, not punished.
        return this.handlers.get(frame.type)?.onFrame?.(session.peer, frame);
    }
  }

  private async handleHello(session: Session, hello: FrameOf<"HELLO">): Promise<void> {
    const peer = session.peer;
    if (hello.step === "challenge") {
      if (session.theirKey) return; // a repeated challenge changes nothing
      const failure = await checkChallenge(peer, hello);
      if (failure) {
        console.warn(`Peerboard: HELLO from ${peer} failed (${failure})`);
        this.strike(peer, "hello-failed");
        return;
      }
      session.theirKey = hello.publicKey;
      if (hello.name) session.theirName = hello.name;
      if (hello.agreementKey && hello.agreementSignature) {
        const card = { agreementKey: hello.agreementKey, agreementSignature: hello.agreementSignature };
        // A card that does not verify is left out (no encrypted messages), not punished: the
        // identity itself is proven by the proof step.
        if (await checkAgreementCard(peer, hello.publicKey, card)) session.theirCard = card;
      }
      this.transmit(peer, await proofFrame(this.identity, peer, hello.nonce));
      return;
    }
    if (session.verified) return;
    if (!session.theirKey || !(await checkProof(this.identity, peer, session.theirKey, session.myNonce, hello))) {
      console.warn(`Peerboard: HELLO proof from ${peer} failed`);
      this.strike(peer, "hello-failed");
      return;
    }
    session.verified = true;
    clearTimeout(session.timer);
    this.emitPeers();
    await this.store.rememberPeer({
      id: peer,
      publicKey: session.theirKey,
      lastSeen: this.now(),
      ...(session.theirName ? { name: session.theirName } : {}),
      ...(session.theirCard ?? {}),
    });
    if (this.syncMode === "send-all") await this.sendAllListings(peer);
    await this.sendPeerList(peer);
    for (const extension of this.extensions) await extension.onReady?.(peer);
  }

  /**
   * Verifies, merges and stores listings from `from`; new ones are announced and gossiped on.
   * Bad records count against the sender. Returns the listings that were news to us.
   */
  async acceptListings(from: PeerId, incoming: Listing[]): Promise<Listing[]> {
    const now = this.now();
    const valid: Listing[] = [];
    for (const raw of incoming) {
      const checked = await verifyListing(raw, now);
      // Expired past the grace period: stale, not malicious (a peer may hold it a little longer).
      if (!checked.ok && checked.reason === "expired") continue;
      if (!checked.ok) {
        console.warn(`Peerboard: listing from ${from} rejected (${checked.reason})`);
        // Disconnected for it: stop reading, but what was already stored still goes out below.
        if (this.strike(from, "bad-record")) break;
        continue;
      }
      valid.push(checked.listing);
    }
    // One store transaction per frame, not per listing: a sync brings thousands.
    const fresh = await this.store.putListingsIf(valid, (listing, stored) => supersedes(listing, stored));
    for (const listing of fresh) this.emitListing(listing);
    // Gossip: what was new to us may be new to our other peers. Stale copies stop here.
    if (fresh.length) this.broadcast(fresh, from);
    return fresh;
  }

  private async handleRequest(from: PeerId, request: FrameOf<"LISTING_REQUEST">): Promise<void> {
    const found: Listing[] = [];
    for (const id of request.ids) {
      const listing = await this.store.getListing(id);
      if (listing && !this.blocked(listing.author)) found.push(listing);
    }
    for (const batch of batchListings(found))
      this.transmit(from, frame({ type: "LISTING_BROADCAST", listings: batch }));
  }

  /** The send-all baseline (issue 3), kept for benchmarks; sync.ts replaces it by default. */
  private async sendAllListings(peer: PeerId): Promise<void> {
    const all = (await this.store.listListings()).filter((l) => !this.blocked(l.author));
    for (const batch of batchListings(all)) this.transmit(peer, frame({ type: "LISTING_BROADCAST", listings: batch }));
  }

  private async sendPeerList(peer: PeerId): Promise<void> {
    const known = (await this.store.listPeers())
      .filter((p) => p.id !== peer)
      .sort((a, b) => b.lastSeen - a.lastSeen)
      .slice(0, 100)
      .map((p) => ({ id: p.id, lastSeen: p.lastSeen }));
    this.transmit(peer, frame({ type: "PEER_LIST", peers: known }));
  }

  private broadcast(listings: Listing[], except?: PeerId): void {
    // With sync, a listing made here goes whole to every peer and one received is announced by
    // key (sync.ts). Send-all floods every listing to every peer.
    const shown = listings.filter((l) => !this.blocked(l.author));
    const push = this.sync
      ? this.sync.spread("listings", listings.map(listingKey), except)
      : this.readyPeers().filter((peer) => peer !== except);
    const batches = batchListings(shown);
    for (const peer of push)
      for (const batch of batches) this.transmit(peer, frame({ type: "LISTING_BROADCAST", listings: batch }));
  }

  private emitListing(listing: Listing): void {
    for (const fn of this.listingListeners) fn(listing);
  }

  private emitPeers(): void {
    for (const fn of this.peerListeners) fn();
  }

  private emitHints(peers: PeerId[]): void {
    if (peers.length) for (const fn of this.hintListeners) fn(peers);
  }
}

/** Frame types the core itself handles. */
const CORE_TYPES: readonly FrameType[] = ["HELLO", "LISTING_BROADCAST", "LISTING_REQUEST", "PEER_LIST"];

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
