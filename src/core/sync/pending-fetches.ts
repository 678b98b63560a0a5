// The records of one set we asked a peer for and have not received yet (sync.ts): one version of
// a record is fetched once, from one peer; the others that announced it are asked next if that
// peer fails us, or the same one again, with backoff, when it is the only one. Bounded per peer,
// and kept in the order its entries time out, so a peer that announces keys it never delivers
// costs a fixed amount of memory, a few requests and no rescans.

import type { PeerId } from "../crypto.ts";

/**
 * A requested record that has not come by then is asked of another peer that announced it, or
 * forgotten, so a peer that announces keys it never delivers cannot stop us fetching a record,
 * nor leave progress hanging.
 */
export const PENDING_TTL_MS = 60_000;
/**
 * Requests outstanding with one peer at most: an honest first sync of a 10,000-listing board
 * asks one peer for all of them; what is announced beyond this is not asked for (the next
 * announcement or reconciliation brings it).
 */
export const PENDING_PER_PEER_MAX = 20_000;
/** Announcers of one version remembered as fallbacks. */
const HOLDERS_MAX = 8;
/**
 * Times a record is asked of its only holder: an answer can be lost (over the holder's answer
 * budget, or the receiver's limits, or stuck behind a busy CPU), and a newcomer whose only holder
 * is one always-on peer would otherwise keep a partial board until it reconnects. Each new ask
 * waits twice as long as the one before (60 s, 120 s, 240 s), so a holder that never delivers
 * costs a bounded number of requests.
 */
export const ASKS_MAX = 4;

interface Pending {
  id: string;
  /** The peer asked. */
  peer: PeerId;
  updatedAt: number;
  until: number;
  /** Times it was asked of its only holder, the first included. */
  asks: number;
  /** Peers that announced this version: asked next if `peer` fails us, and not told of it. */
  holders: Set<PeerId>;
}

const keyOf = (id: string, updatedAt: number) => `${updatedAt}:${id}`;

export class PendingFetches {
  /** By version. */
  private readonly entries = new Map<string, Pending>();
  /**
   * The same entries by times asked, each in the order they time out: one wait per level, so an
   * entry given a new deadline goes to the end of its level (Map order) and a sweep stops at the
   * first entry of each level still in time.
   */
  private readonly deadlines: Map<string, Pending>[] = Array.from({ length: ASKS_MAX }, () => new Map());
  /** Versions pending per record id. */
  private readonly byId = new Map<string, Set<string>>();
  /** Versions asked of each peer. */
  private readonly byPeer = new Map<PeerId, Set<string>>();

  get size(): number {
    return this.entries.size;
  }

  /** When the next entry times out, if any is pending. */
  nextDeadline(): number | undefined {
    let next: number | undefined;
    for (const level of this.deadlines) {
      const first = level.values().next().value;
      if (first && (next === undefined || first.until < next)) next = first.until;
    }
    return next;
  }

  /** Whether a version of `id` is asked of `peer` now. */
  asked(peer: PeerId, id: string): boolean {
    for (const key of this.byId.get(id) ?? []) if (this.entries.get(key)?.peer === peer) return true;
    return false;
  }

  /** Requests outstanding with `peer`. */
  outstanding(peer: PeerId): number {
    return this.byPeer.get(peer)?.size ?? 0;
  }

  /**
   * `peer` announced version `updatedAt` of `id`, newer than ours: "new" (nothing of this record
   * was on its way) or "another" (an other version was) when it is to be asked of `peer` now;
   * undefined when this version is on its way already, or `peer` has too many outstanding. A
   * pending version, true or made up, never stops another version being asked of its announcer.
   */
  want(peer: PeerId, id: string, updatedAt: number, now: number): "new" | "another" | undefined {
    const key = keyOf(id, updatedAt);
    const entry = this.entries.get(key);
    if (entry) {
      if (entry.holders.size < HOLDERS_MAX) entry.holders.add(peer);
      return undefined;
    }
    if (this.outstanding(peer) >= PENDING_PER_PEER_MAX) return undefined;
    const versions = this.byId.get(id);
    // A version at least as new is on its way from this same peer: asking again brings nothing more.
    const covered = [...(versions ?? [])].some((k) => {
      const other = this.entries.get(k);
      return other !== undefined && other.updatedAt >= updatedAt && other.holders.has(peer);
    });
    if (covered) return undefined;
    this.put(key, { id, peer, updatedAt, until: now + PENDING_TTL_MS, asks: 1, holders: new Set([peer]) });
    this.index(this.byId, id, key);
    this.index(this.byPeer, peer, key);
    return versions?.size ? "another" : "new";
  }

  /**
   * A version of `id` was stored: the peers that announced the versions it settles (those not
   * newer), and how many there were; undefined when we were not waiting for it.
   */
  arrived(id: string, updatedAt: number): { holders: Set<PeerId>; settled: number } | undefined {
    const versions = this.byId.get(id);
    if (!versions) return undefined;
    const holders = new Set<PeerId>();
    let settled = 0;
    for (const key of [...versions]) {
      const entry = this.entries.get(key);
      if (!entry || entry.updatedAt > updatedAt) continue;
      for (const peer of entry.holders) holders.add(peer);
      this.remove(key, entry);
      settled++;
    }
    return settled ? { holders, settled } : undefined;
  }

  /**
   * Entries whose time ran out at `now`, or (with `gone`) that `gone` owed us, move to another
   * announcer in `ready`, are asked again of the same one when it is the only one left (with
   * backoff, ASKS_MAX times in all), or are given up. Returns what to ask of whom.
   */
  reassign(ready: ReadonlySet<PeerId>, now: number, gone?: PeerId): Map<PeerId, string[]> {
    const failed: [string, Pending][] = [];
    if (gone) {
      for (const key of this.byPeer.get(gone) ?? []) {
        const entry = this.entries.get(key);
        if (entry) failed.push([key, entry]);
      }
    } else {
      // Oldest deadline first: stop at the first entry still in time.
      for (const level of this.deadlines)
        for (const pair of level) {
          if (pair[1].until > now) break;
          failed.push(pair);
        }
    }
    const retry = new Map<PeerId, string[]>();
    for (const [key, entry] of failed) {
      const asked = entry.peer;
      entry.holders.delete(asked);
      if (gone) entry.holders.delete(gone);
      this.unindex(this.byPeer, asked, key);
      this.take(key, entry);
      const other = [...entry.holders].find((peer) => ready.has(peer) && this.outstanding(peer) < PENDING_PER_PEER_MAX);
      const again = !other && !gone && ready.has(asked) && entry.asks < ASKS_MAX;
      const next = other ?? (again ? asked : undefined);
      if (!next) {
        this.unindex(this.byId, entry.id, key);
        continue;
      }
      if (again) entry.holders.add(asked);
      entry.asks = again ? entry.asks + 1 : 1;
      entry.peer = next;
      entry.until = now + PENDING_TTL_MS * 2 ** (entry.asks - 1);
      this.put(key, entry);
      this.index(this.byPeer, next, key);
      const ids = retry.get(next) ?? [];
      ids.push(entry.id);
      retry.set(next, ids);
    }
    return retry;
  }

  private put(key: string, entry: Pending): void {
    this.entries.set(key, entry);
    this.deadlines[entry.asks - 1]?.set(key, entry);
  }

  private take(key: string, entry: Pending): void {
    this.entries.delete(key);
    this.deadlines[entry.asks - 1]?.delete(key);
  }

  private remove(key: string, entry: Pending): void {
    this.take(key, entry);
    this.unindex(this.byId, entry.id, key);
    this.unindex(this.byPeer, entry.peer, key);
  }

  private index<K>(map: Map<K, Set<string>>, at: K, key: string): void {
    const keys = map.get(at) ?? new Set<string>();
    keys.add(key);
    map.set(at, keys);
  }

  private unindex<K>(map: Map<K, Set<string>>, at: K, key: string): void {
    const keys = map.get(at);
    if (!keys) return;
    keys.delete(key);
    if (!keys.size) map.delete(at);
  }
}
