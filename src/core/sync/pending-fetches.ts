// The records of one set we asked a peer for and have not received yet (sync.ts): one record is
// fetched once, from one peer; the others that announced it are asked next if that peer fails us.

import type { PeerId } from "../crypto.ts";

/**
 * A requested record that has not come by then is asked of another peer that announced it, or
 * forgotten, so a peer that announces keys it never delivers cannot stop us fetching a record,
 * nor leave progress hanging.
 */
export const PENDING_TTL_MS = 60_000;

interface Pending {
  /** The peer asked. */
  peer: PeerId;
  updatedAt: number;
  until: number;
  /** Peers that announced this version: asked next if `peer` fails us, and not told of it. */
  holders: Set<PeerId>;
}

export class PendingFetches {
  private readonly pending = new Map<string, Pending>();

  get size(): number {
    return this.pending.size;
  }

  /**
   * `peer` announced version `updatedAt` of `id`, newer than ours: "new" or "newer" when it is
   * to be asked of `peer` now (nothing, or an older version, was on its way), undefined when a
   * version at least as new is on its way already.
   */
  want(peer: PeerId, id: string, updatedAt: number, now: number): "new" | "newer" | undefined {
    const entry = this.pending.get(id);
    if (entry && entry.updatedAt >= updatedAt) {
      if (entry.updatedAt === updatedAt) entry.holders.add(peer);
      return undefined;
    }
    this.pending.set(id, { peer, updatedAt, until: now + PENDING_TTL_MS, holders: new Set([peer]) });
    return entry ? "newer" : "new";
  }

  /** A version of `id` was stored: the peers that announced it, if we were waiting for it. */
  arrived(id: string, updatedAt: number): Set<PeerId> | undefined {
    const entry = this.pending.get(id);
    if (!entry || entry.updatedAt > updatedAt) return undefined;
    this.pending.delete(id);
    return entry.holders;
  }

  /**
   * Entries whose time ran out at `now`, or (with `gone`) that `gone` owed us, move to another
   * announcer in `ready`, or are given up. Returns what to ask of whom.
   */
  reassign(ready: ReadonlySet<PeerId>, now: number, gone?: PeerId): Map<PeerId, string[]> {
    const retry = new Map<PeerId, string[]>();
    for (const [id, entry] of this.pending) {
      if (gone) entry.holders.delete(gone);
      if (gone ? entry.peer !== gone : entry.until > now) continue;
      entry.holders.delete(entry.peer);
      const next = [...entry.holders].find((peer) => ready.has(peer));
      if (!next) {
        this.pending.delete(id);
        continue;
      }
      entry.peer = next;
      entry.until = now + PENDING_TTL_MS;
      retry.set(next, [...(retry.get(next) ?? []), id]);
    }
    return retry;
  }
}
