// What we send a peer because it asked (listings, profiles, images, SYNC replies) comes out of one
// token bucket of bytes per peer, so a few small requests, repeated, cannot turn into an unbounded
// upload. Over budget, an answer is dropped, not punished: the peer asks again later, as after a
// lost frame (sync.ts asks another holder once its request times out).

import type { PeerId } from "../crypto.ts";

export interface AnswerBudgetSettings {
  /**
   * What one peer can have at once: a newcomer's whole first sync of a 10,000-listing board, which
   * is ~6.3 MB of listings but ~11 MB with SYNC replies and profiles (first-contact-10k bench). At
   * 8 MiB its last thousand answers were dropped and came only with the re-ask a minute later.
   */
  burstBytes: number;
  /** Refill per minute, once the burst is spent (~80 full-size photos). */
  bytesPerMinute: number;
}

export const DEFAULT_ANSWER_BUDGET: AnswerBudgetSettings = {
  burstBytes: 16 * 1024 * 1024,
  bytesPerMinute: 8 * 1024 * 1024,
};

/** Buckets of peers not heard from for this long are forgotten (they would be full again by then). */
const IDLE_MS = 10 * 60_000;
/** Peers whose buckets are kept at most; the longest idle are forgotten first. */
const PEERS_MAX = 1_000;

interface Bucket {
  bytes: number;
  refilledAt: number;
}

export class AnswerBudget {
  readonly settings: AnswerBudgetSettings;
  /** Least recently used first (Map order), so forgetting stops at the first recent one. */
  private readonly buckets = new Map<PeerId, Bucket>();

  constructor(
    private readonly now: () => number,
    settings: Partial<AnswerBudgetSettings> = {},
  ) {
    this.settings = { ...DEFAULT_ANSWER_BUDGET, ...settings };
  }

  /** Takes `bytes` from the peer's bucket; false, taking nothing, when they are not there. */
  spend(peer: PeerId, bytes: number): boolean {
    const now = this.now();
    const { burstBytes, bytesPerMinute } = this.settings;
    const bucket = this.buckets.get(peer) ?? { bytes: burstBytes, refilledAt: now };
    bucket.bytes = Math.min(
      burstBytes,
      bucket.bytes + (Math.max(0, now - bucket.refilledAt) * bytesPerMinute) / 60_000,
    );
    bucket.refilledAt = now;
    this.buckets.delete(peer);
    this.buckets.set(peer, bucket);
    this.forget(now);
    if (bucket.bytes < bytes) return false;
    bucket.bytes -= bytes;
    return true;
  }

  /** Peers with a bucket now (for tests of the bound). */
  get size(): number {
    return this.buckets.size;
  }

  private forget(now: number): void {
    for (const [peer, bucket] of this.buckets) {
      if (this.buckets.size <= PEERS_MAX && now - bucket.refilledAt < IDLE_MS) return;
      this.buckets.delete(peer);
    }
  }
}
