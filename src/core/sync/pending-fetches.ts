// The records of one set we asked a peer for and have not received yet (sync.ts): one version of
// a record is fetched once, from one peer; the others that announced it are asked next if that
// peer fails us. Bounded per peer, and kept in the order its entries time out, so a peer that
// announces keys it never delivers costs a fixed amount of memory and no rescans.

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

interface Pending {
  id: string;
  /** The peer asked. */
  peer: PeerId;
  updatedAt: number;
  until: number;
  /** Peers that announced this version: asked next if `peer` fails us, and not told of it. */
  holders: Set<PeerId>;
}

const keyOf = (id: string, updatedAt: number) => `${updatedAt}:${id}`;

export class PendingFetches {
  /** By version, in the order they time out (Map order: an entry given a new deadline moves to the end). */
  private readonly entries = new Map<string, Pending>();
  /** Versions pending per record id. */
  private readonly byId = new Map<string, Set<string>>();
  /** Versions asked of each peer. */
  private readonly byPeer = new Map<PeerId, Set<string>>();

  get size(): number {
    return this.entries.size;
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
    this.entries.set(key, { id, peer, updatedAt, until: now + PENDING_TTL_MS, holders: new Set([peer]) });
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
   * announcer in `ready`, or are given up. Returns what to ask of whom.
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
      for (const pair of this.entries) {
        if (pair[1].until > now) break;
        failed.push(pair);
      }
    }
    const retry = new Map<PeerId, string[]>();
    for (const [key, entry] of failed) {
      entry.holders.delete(entry.peer);
      if (gone) entry.holders.delete(gone);
      this.unindex(this.byPeer, entry.peer, key);
      this.entries.delete(key);
      const next = [...entry.holders].find((peer) => ready.has(peer) && this.outstanding(peer) < PENDING_PER_PEER_MAX);
      if (!next) {
        this.unindex(this.byId, entry.id, key);
        continue;
      }
      entry.peer = next;
      entry.until = now + PENDING_TTL_MS;
      this.entries.set(key, entry);
      this.index(this.byPeer, next, key);
      retry.set(next, [...(retry.get(next) ?? []), entry.id]);
    }
    return retry;
  }

  private remove(key: string, entry: Pending): void {
    this.entries.delete(key);
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
