// Asking peers for the records we lack (sync.ts hands it the keys a reconciliation or an
// announcement said we need): each version once, from one peer, asked again of another (or the
// same, with backoff) when it does not come (pending-fetches.ts), and the "Syncing N / M"
// progress of what was asked.

import type { PeerId } from "../crypto.ts";
import { LIMITS } from "../listings/records.ts";
import type { Clock } from "../ports.ts";
import type { SessionHost } from "../session/extension.ts";
import { DeadlineTimer } from "./deadline-timer.ts";
import { PendingFetches } from "./pending-fetches.ts";
import type { SyncKey } from "./reconcile.ts";
import type { RecordKey, RecordSet, SetName } from "./record-set.ts";

/** Listings asked for during reconciliation, and how many of them have arrived. */
export interface SyncProgress {
  received: number;
  total: number;
}

interface Wanted {
  readonly records: RecordSet;
  /** Ids asked for and not yet arrived. */
  readonly pending: PendingFetches;
}

export class RecordFetcher {
  private readonly sets = new Map<SetName, Wanted>();
  private progress: SyncProgress = { received: 0, total: 0 };
  private readonly progressListeners = new Set<(progress: SyncProgress) => void>();
  /** Sweeps timed-out requests: one timer for all of them. */
  private readonly sweep: DeadlineTimer;

  constructor(
    private readonly host: SessionHost,
    private readonly clock: Clock,
  ) {
    this.sweep = new DeadlineTimer(clock, () => {
      this.expire();
      this.wake();
    });
  }

  addSet(records: RecordSet): void {
    this.sets.set(records.name, { records, pending: new PendingFetches() });
  }

  /** Records of a set (or of all) asked for and not arrived yet; bounded per peer (pending-fetches.ts). */
  outstanding(set?: SetName): number {
    let count = 0;
    for (const [name, wanted] of this.sets) if (!set || name === set) count += wanted.pending.size;
    return count;
  }

  /** Progress of the listings requested so far; resets once all have arrived or were given up. */
  onProgress(fn: (progress: SyncProgress) => void): () => void {
    this.progressListeners.add(fn);
    return () => this.progressListeners.delete(fn);
  }

  currentProgress(): SyncProgress {
    return { ...this.progress };
  }

  /** Asks `peer` for the keys of `set` we lack (`known` is what we hold) and nobody is fetching yet. */
  request(set: SetName, peer: PeerId, need: SyncKey[], known: ReadonlyMap<string, RecordKey>): void {
    const wanted = this.sets.get(set);
    if (!wanted || !need.length) return;
    this.expire();
    const now = this.clock.now();
    const ids: string[] = [];
    for (const [updatedAt, id] of need) {
      // No honest peer holds a record dated past the skew (verify refuses them): such a key is
      // made up, and would otherwise look newer than every real version.
      if (updatedAt > now + LIMITS.clockSkewMs) continue;
      // An older copy than ours is not worth the bytes; one already on its way, not twice.
      if ((known.get(id)?.updatedAt ?? -1) >= updatedAt) continue;
      if (!wanted.pending.want(peer, id, updatedAt, now)) continue;
      if (wanted.records.progress) this.progress.total++;
      ids.push(id);
    }
    if (!ids.length) return;
    wanted.records.request(peer, ids);
    if (wanted.records.progress) this.emitProgress();
    this.wake();
  }

  /** Notes a stored record; returns the peers that announced it to us, if we had asked for it. */
  arrived(set: SetName, record: RecordKey): Set<PeerId> | undefined {
    const wanted = this.sets.get(set);
    const arrived = wanted?.pending.arrived(record.id, record.updatedAt);
    if (arrived && wanted?.records.progress) {
      this.progress.received += arrived.settled;
      this.emitProgress();
    }
    return arrived?.holders;
  }

  /** What `peer` still owed us will not come: ask another that announced it. */
  gone(peer: PeerId): void {
    for (const wanted of this.sets.values()) this.reassign(wanted, peer);
    this.settle();
  }

  /** Once no listing is outstanding, the next sync counts from zero again. */
  settle(): void {
    if (!this.progress.total) return;
    for (const wanted of this.sets.values()) if (wanted.records.progress && wanted.pending.size) return;
    this.progress = { received: 0, total: 0 };
    this.emitProgress();
  }

  private expire(): void {
    for (const wanted of this.sets.values()) this.reassign(wanted);
    this.settle();
  }

  /** Pending records that timed out, or that `gone` owed us, go to another announcer or are given up. */
  private reassign(wanted: Wanted, gone?: PeerId): void {
    const retry = wanted.pending.reassign(new Set(this.host.readyPeers()), this.clock.now(), gone);
    // Not before what the peer already sent us is handled: a busy hub (a newcomer verifying a
    // whole board) would otherwise ask again for answers that sit in its own queue.
    for (const [peer, ids] of retry)
      void this.host.whenIdle(peer).then(() => {
        const still = ids.filter((id) => wanted.pending.asked(peer, id));
        if (still.length && this.host.readyPeers().includes(peer)) wanted.records.request(peer, still);
      });
    if (retry.size) this.wake();
  }

  /** Sweeps again at the earliest deadline of any pending record. */
  private wake(): void {
    for (const wanted of this.sets.values()) this.sweep.set(wanted.pending.nextDeadline());
  }

  private emitProgress(): void {
    const progress = this.currentProgress();
    for (const fn of this.progressListeners) fn(progress);
  }
}
