// Image transfer (IMAGE_REQUEST / IMAGE_CHUNK): when a listing with photos we lack arrives, ask
// our peers for them; whoever has the bytes answers in chunks under the frame cap; the bytes
// are stored only when their SHA-256 matches the hash the signed listing carries. A peer that
// is asked for an image it does not have yet answers once it gets it, so photos follow relays.
// The chunk count is the sender's own: the size in a listing is whatever its author claimed, and a
// listing naming someone else's photo with another size must not get honest senders struck.

import type { PeerId } from "../crypto.ts";
import { base64urlDecode, base64urlEncode } from "../encoding.ts";
import type { ProtocolExtension, SessionHost } from "../session/extension.ts";
import type { Store } from "../store.ts";
import { type Frame, frame, IMAGE_CHUNK_BYTES } from "../wire.ts";
import { type ImageRef, LIMITS, type Listing } from "./records.ts";

interface Pending {
  ref: ImageRef;
  askedAt: number;
}

/** The chunks of one image received so far from one sender. */
interface Assembly {
  hash: string;
  count: number;
  chunks: (Uint8Array | undefined)[];
  received: number;
  bytes: number;
  startedAt: number;
}

/** The most chunks an image under the size limit can take. */
const MAX_CHUNKS = Math.ceil(LIMITS.imageBytesMax / IMAGE_CHUNK_BYTES);
/** An image whose chunks stopped coming is dropped after this long (asked again later, from scratch). */
export const PARTIAL_TTL_MS = 2 * 60_000;
/** Bytes of incomplete images held at once; past it the oldest are dropped. */
export const PARTIAL_BYTES_MAX = 1024 * 1024;

/** A request nobody answered is sent again after this long (to whoever is connected then). */
const RETRY_MS = 10_000;
/** Photos waited for at once; past it the least recently asked are let go (asked again when their listing comes again). */
export const PENDING_MAX = 50_000;
/** Requests (of 16 hashes, the schema's cap) a peer that just arrived gets for what we wait for. */
const ASKED_ON_READY = 4;

export class Images implements ProtocolExtension {
  readonly types = ["IMAGE_REQUEST", "IMAGE_CHUNK"] as const;
  /** Photos asked for and not received yet, the least recently asked first (Map order). */
  private readonly pending = new Map<string, Pending>();
  /** Incomplete images by hash and sender, oldest first (Map order). */
  private readonly partial = new Map<string, Assembly>();
  private partialTotal = 0;
  /** Peers that asked for an image we did not have yet. */
  private readonly wanted = new Map<string, Set<PeerId>>();
  private readonly listeners = new Set<(hash: string) => void>();
  /** Unreferenced at the last collection: deleted if still unreferenced at the next. */
  private orphans = new Set<string>();

  constructor(
    private readonly store: Store,
    private readonly host: SessionHost,
    private readonly now: () => number,
  ) {}

  onImage(fn: (hash: string) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Asks connected peers for the photos of `listing` this store lacks. */
  fetchMissing(listing: Listing): Promise<void> {
    return this.fetch(listing.images);
  }

  /** Bytes of incomplete images held now. */
  partialBytes(): number {
    return this.partialTotal;
  }

  /** Asks connected peers for the images behind these refs that this store lacks. */
  async fetch(refs: ImageRef[]): Promise<void> {
    this.expirePartial();
    const missing: string[] = [];
    for (const ref of refs) {
      const known = this.pending.get(ref.hash);
      if (known && this.now() - known.askedAt < RETRY_MS) continue;
      if (await this.store.getImage(ref.hash)) continue;
      this.asked(ref);
      missing.push(ref.hash);
    }
    if (!missing.length) return;
    for (const peer of this.host.readyPeers()) this.host.send(peer, frame({ type: "IMAGE_REQUEST", hashes: missing }));
  }

  async onReady(peer: PeerId): Promise<void> {
    // Images we are still waiting for may be with the peer that just arrived: the least recently
    // asked, so photos nobody has (an author away for good, made-up hashes) cannot keep the
    // others from ever being asked again.
    const next: Pending[] = [];
    for (const pending of this.pending.values()) {
      if (next.length >= ASKED_ON_READY * 16) break;
      next.push(pending);
    }
    for (const { ref } of next) this.asked(ref);
    for (let at = 0; at < next.length; at += 16)
      this.host.send(peer, frame({ type: "IMAGE_REQUEST", hashes: next.slice(at, at + 16).map((p) => p.ref.hash) }));
  }

  /** Photos asked for and not received yet. */
  pendingCount(): number {
    return this.pending.size;
  }

  onClose(peer: PeerId): void {
    for (const peers of this.wanted.values()) peers.delete(peer);
  }

  async onFrame(from: PeerId, incoming: Frame): Promise<void> {
    if (incoming.type === "IMAGE_REQUEST") {
      for (const hash of incoming.hashes) {
        const blob = await this.store.getImage(hash);
        if (blob) await this.sendImage(from, hash, blob);
        else if (this.pending.has(hash)) {
          const peers = this.wanted.get(hash) ?? new Set<PeerId>();
          peers.add(from);
          this.wanted.set(hash, peers);
        }
      }
      return;
    }
    if (incoming.type !== "IMAGE_CHUNK") return;
    const pending = this.pending.get(incoming.hash);
    // Unasked-for or already complete: a duplicate answer from a second peer, not an offence.
    if (!pending) return;
    this.expirePartial();
    const bytes = base64urlDecode(incoming.data);
    // Only what this sender says of its own chunks is held against it.
    if (incoming.count > MAX_CHUNKS || incoming.index >= incoming.count || !bytes || bytes.length > IMAGE_CHUNK_BYTES) {
      this.host.strike(from, "bad-record");
      return;
    }
    const key = `${incoming.hash}\n${from}`;
    let assembly = this.partial.get(key);
    if (assembly && assembly.count !== incoming.count) {
      // The same bytes cannot take two chunk counts: this sender contradicts itself.
      this.dropPartial(key);
      this.host.strike(from, "bad-record");
      return;
    }
    if (!assembly) {
      assembly = {
        hash: incoming.hash,
        count: incoming.count,
        chunks: [],
        received: 0,
        bytes: 0,
        startedAt: this.now(),
      };
      this.partial.set(key, assembly);
    }
    if (assembly.chunks[incoming.index]) return;
    assembly.chunks[incoming.index] = bytes;
    assembly.received += 1;
    assembly.bytes += bytes.length;
    this.partialTotal += bytes.length;
    if (assembly.received < assembly.count) {
      this.capPartial(key);
      return;
    }
    this.dropPartial(key);
    const whole = concat(assembly.chunks as Uint8Array[]);
    const hash = base64urlEncode(new Uint8Array(await crypto.subtle.digest("SHA-256", whole)));
    if (whole.length > LIMITS.imageBytesMax || hash !== incoming.hash) {
      // Wrong bytes: count it against the sender; another sender's chunks are kept apart.
      this.host.strike(from, "bad-record");
      return;
    }
    if (!this.pending.delete(hash)) return;
    for (const [other, partial] of this.partial) if (partial.hash === hash) this.dropPartial(other);
    const blob = new Blob([whole], { type: pending.ref.type });
    await this.store.putImage(hash, blob);
    for (const fn of this.listeners) fn(hash);
    const waiting = this.wanted.get(hash);
    this.wanted.delete(hash);
    for (const peer of waiting ?? []) await this.sendImage(peer, hash, blob);
  }

  /** Every photo hash a stored listing or profile refers to: what `collect` keeps. */
  async referenced(): Promise<Set<string>> {
    const hashes = new Set<string>();
    for (const listing of await this.store.listListingSummaries()) for (const hash of listing.images) hashes.add(hash);
    for (const profile of await this.store.listProfiles()) if (profile.avatar) hashes.add(profile.avatar.hash);
    return hashes;
  }

  /**
   * Deletes stored images no listing or profile refers to any more (deleted, edited or pruned
   * ones). Two passes: an image found unreferenced is deleted only if it still is next time, so
   * a thumbnail stored just before its listing is published is never collected.
   */
  async collect(referenced: Set<string>): Promise<number> {
    // Photos waited for whose listing or profile is gone are not wanted any more.
    for (const hash of this.pending.keys())
      if (!referenced.has(hash)) {
        this.pending.delete(hash);
        this.wanted.delete(hash);
      }
    const unreferenced = (await this.store.listImageHashes()).filter((hash) => !referenced.has(hash));
    let deleted = 0;
    const next = new Set<string>();
    for (const hash of unreferenced) {
      if (this.orphans.has(hash)) {
        await this.store.deleteImage(hash);
        deleted += 1;
      } else next.add(hash);
    }
    this.orphans = next;
    return deleted;
  }

  private async sendImage(peer: PeerId, hash: string, blob: Blob): Promise<void> {
    const bytes = new Uint8Array(await blob.arrayBuffer());
    const count = Math.max(1, Math.ceil(bytes.length / IMAGE_CHUNK_BYTES));
    const chunks: Frame[] = [];
    for (let index = 0; index < count; index++) {
      const data = base64urlEncode(bytes.subarray(index * IMAGE_CHUNK_BYTES, (index + 1) * IMAGE_CHUNK_BYTES));
      chunks.push(frame({ type: "IMAGE_CHUNK", hash, index, count, data }));
    }
    // Whole or not at all, from the peer's answer budget: over it, the peer asks again later
    // (RETRY_MS) as after an unanswered request.
    this.host.answer(peer, ...chunks);
  }

  /** `ref` asked for now: the most recently asked, the least recently asked let go past PENDING_MAX. */
  private asked(ref: ImageRef): void {
    this.pending.delete(ref.hash);
    this.pending.set(ref.hash, { ref, askedAt: this.now() });
    for (const oldest of this.pending.keys()) {
      if (this.pending.size <= PENDING_MAX) break;
      this.pending.delete(oldest);
      this.wanted.delete(oldest);
    }
  }

  private dropPartial(key: string): void {
    const assembly = this.partial.get(key);
    if (!assembly) return;
    this.partial.delete(key);
    this.partialTotal -= assembly.bytes;
  }

  /** Drops the oldest incomplete images (never `keep`, the one just added to) until under the cap. */
  private capPartial(keep: string): void {
    for (const key of this.partial.keys()) {
      if (this.partialTotal <= PARTIAL_BYTES_MAX) return;
      if (key !== keep) this.dropPartial(key);
    }
  }

  /** Oldest first, so this stops at the first one still fresh. */
  private expirePartial(): void {
    const cutoff = this.now() - PARTIAL_TTL_MS;
    for (const [key, assembly] of this.partial) {
      if (assembly.startedAt > cutoff) return;
      this.dropPartial(key);
    }
  }
}

function concat(parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const whole = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    whole.set(part, at);
    at += part.length;
  }
  return whole;
}
