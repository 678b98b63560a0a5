// Image transfer (IMAGE_REQUEST / IMAGE_CHUNK): when a listing with photos we lack arrives, ask
// our peers for them; whoever has the bytes answers in chunks under the frame cap; the bytes
// are stored only when their SHA-256 matches the hash the signed listing carries. A peer that
// is asked for an image it does not have yet answers once it gets it, so photos follow relays.

import type { PeerId } from "../crypto.ts";
import { base64urlDecode, base64urlEncode } from "../encoding.ts";
import type { ProtocolExtension, SessionHost } from "../session/extension.ts";
import type { Store } from "../store.ts";
import { type Frame, frame, IMAGE_CHUNK_BYTES } from "../wire.ts";
import { type ImageRef, LIMITS, type Listing } from "./records.ts";

interface Pending {
  ref: ImageRef;
  chunks: (Uint8Array | undefined)[];
  askedAt: number;
}

/** A request nobody answered is sent again after this long (to whoever is connected then). */
const RETRY_MS = 10_000;
/**
 * Image bytes we send one peer per minute at most: a peer cannot turn a few small requests into
 * an unbounded upload from us. Enough for ~50 full-size thumbnails a minute.
 */
const UPLOAD_BYTES_PER_MINUTE = 5 * 1024 * 1024;

export class Images implements ProtocolExtension {
  readonly types = ["IMAGE_REQUEST", "IMAGE_CHUNK"] as const;
  private readonly pending = new Map<string, Pending>();
  /** Peers that asked for an image we did not have yet. */
  private readonly wanted = new Map<string, Set<PeerId>>();
  private readonly listeners = new Set<(hash: string) => void>();
  private readonly uploads = new Map<PeerId, { since: number; bytes: number }>();
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

  /** Asks connected peers for the images behind these refs that this store lacks. */
  async fetch(refs: ImageRef[]): Promise<void> {
    const missing: string[] = [];
    for (const ref of refs) {
      const known = this.pending.get(ref.hash);
      if (known && this.now() - known.askedAt < RETRY_MS) continue;
      if (await this.store.getImage(ref.hash)) continue;
      this.pending.set(ref.hash, { ref, chunks: known?.chunks ?? [], askedAt: this.now() });
      missing.push(ref.hash);
    }
    if (!missing.length) return;
    for (const peer of this.host.readyPeers()) this.host.send(peer, frame({ type: "IMAGE_REQUEST", hashes: missing }));
  }

  async onReady(peer: PeerId): Promise<void> {
    // Images we are still waiting for may be with the peer that just arrived.
    const hashes = [...this.pending.keys()].slice(0, 16);
    if (hashes.length) this.host.send(peer, frame({ type: "IMAGE_REQUEST", hashes }));
  }

  onClose(peer: PeerId): void {
    this.uploads.delete(peer);
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
    const expectedCount = Math.ceil(pending.ref.bytes / IMAGE_CHUNK_BYTES);
    const bytes = base64urlDecode(incoming.data);
    if (
      incoming.count !== expectedCount ||
      incoming.index >= expectedCount ||
      !bytes ||
      bytes.length > IMAGE_CHUNK_BYTES
    ) {
      this.host.strike(from, "bad-record");
      return;
    }
    pending.chunks[incoming.index] = bytes;
    if (pending.chunks.filter(Boolean).length < expectedCount) return;
    const whole = concat(pending.chunks as Uint8Array[]);
    const hash = base64urlEncode(new Uint8Array(await crypto.subtle.digest("SHA-256", whole)));
    if (whole.length !== pending.ref.bytes || whole.length > LIMITS.imageBytesMax || hash !== incoming.hash) {
      // Wrong bytes: start over, and count it against the sender.
      pending.chunks = [];
      this.host.strike(from, "bad-record");
      return;
    }
    this.pending.delete(hash);
    const blob = new Blob([whole], { type: pending.ref.type });
    await this.store.putImage(hash, blob);
    for (const fn of this.listeners) fn(hash);
    const waiting = this.wanted.get(hash);
    this.wanted.delete(hash);
    for (const peer of waiting ?? []) await this.sendImage(peer, hash, blob);
  }

  /**
   * Deletes stored images no listing or profile refers to any more (deleted, edited or pruned
   * ones). Two passes: an image found unreferenced is deleted only if it still is next time, so
   * a thumbnail stored just before its listing is published is never collected.
   */
  async collect(referenced: Set<string>): Promise<number> {
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
    const now = this.now();
    const budget = this.uploads.get(peer);
    const used = budget && now - budget.since < 60_000 ? budget : { since: now, bytes: 0 };
    // Over budget: drop the request; the peer asks again later (RETRY_MS) like an unanswered one.
    if (used.bytes + blob.size > UPLOAD_BYTES_PER_MINUTE) return;
    used.bytes += blob.size;
    this.uploads.set(peer, used);
    const bytes = new Uint8Array(await blob.arrayBuffer());
    const count = Math.max(1, Math.ceil(bytes.length / IMAGE_CHUNK_BYTES));
    for (let index = 0; index < count; index++) {
      const data = base64urlEncode(bytes.subarray(index * IMAGE_CHUNK_BYTES, (index + 1) * IMAGE_CHUNK_BYTES));
      this.host.send(peer, frame({ type: "IMAGE_CHUNK", hash, index, count, data }));
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
