// Misbehaviour that outlives a restart (docs/architecture.md, "Limits and policy"): a proven
// peer's ban and its score over the ban window live in its PeerRecord, are read back into the
// policy when the session starts, and are written when a ban starts (at once) or the score changes
// (coalesced: a flood is one write per STANDING_WRITE_MS at most, not one per frame). Unproven ids
// never get here: the policy reports attributable offences only, and those come after HELLO.

import type { PeerId } from "../crypto.ts";
import type { Clock, Logger, TimerId } from "../ports.ts";
import type { PeerRecord, Store } from "../store.ts";
import { rememberProven } from "./peer-list.ts";
import { type PeerSession, provedRecord } from "./peer-session.ts";
import type { Policy } from "./policy.ts";

/** How long score changes wait to be written together. */
export const STANDING_WRITE_MS = 1_000;

export interface StandingsOptions {
  store: Store;
  clock: Clock;
  log: Logger;
  policy: Policy;
  /** A connected peer's session: what it proved stands in for a record the peer cap forgot. */
  session: (peer: PeerId) => PeerSession | undefined;
}

export class Standings {
  /** Resolves once the standings kept in the store are in the policy. */
  readonly restored: Promise<void>;
  private readonly dirty = new Set<PeerId>();
  private timer: TimerId | undefined;
  /** Every peer-record write of the session, in order, so none overwrites a newer one. */
  private writes: Promise<unknown> = Promise.resolve();

  constructor(private readonly o: StandingsOptions) {
    this.restored = this.restore();
  }

  /** The policy's hook: a ban is written at once, a score change with the others of the next second. */
  changed(peer: PeerId, banned: boolean): void {
    this.dirty.add(peer);
    if (banned) {
      void this.flush();
      return;
    }
    this.timer ??= this.o.clock.setTimeout(() => void this.flush(), STANDING_WRITE_MS);
  }

  /** Whether the peer is banned, once the kept standings are read. */
  async banned(peer: PeerId): Promise<boolean> {
    await this.restored;
    return this.o.policy.isBanned(peer);
  }

  /** Remembers a peer that just proved its id, with its standing; returns the peers kept (peer-list.ts). */
  remember(proven: PeerRecord): Promise<PeerRecord[]> {
    return this.queue(() => rememberProven(this.o.store, this.withStanding(proven)));
  }

  /** Resolves when every write asked for so far is done (not those still waiting for the timer). */
  async written(): Promise<void> {
    await this.writes;
  }

  /** Writes the standings changed since the last write. */
  flush(): Promise<void> {
    this.o.clock.clearTimeout(this.timer);
    this.timer = undefined;
    const peers = [...this.dirty];
    this.dirty.clear();
    return this.queue(async () => {
      for (const peer of peers) {
        const record = (await this.o.store.getPeer(peer)) ?? provedRecord(this.o.session(peer), this.o.clock.now());
        if (record) await this.o.store.rememberPeer(this.withStanding(record));
      }
      // queue() has logged a failure; the standing stays in memory and goes with the next change.
    }).then(
      () => undefined,
      () => undefined,
    );
  }

  private withStanding(record: PeerRecord): PeerRecord {
    const { misbehaviour: _, ...rest } = record;
    const misbehaviour = this.o.policy.misbehaviour(record.id);
    return misbehaviour ? { ...rest, misbehaviour } : rest;
  }

  private async restore(): Promise<void> {
    try {
      for (const peer of await this.o.store.listPeers())
        if (peer.misbehaviour) this.o.policy.restore(peer.id, peer.misbehaviour);
    } catch (error) {
      // Starting without them forgives the banned until they offend again; refusing to start is worse.
      this.o.log.error("could not read the peers' standings", error);
    }
  }

  private queue<T>(write: () => Promise<T>): Promise<T> {
    const done = this.writes.then(write);
    this.writes = done.catch((error: unknown) => this.o.log.error("could not store a peer's standing", error));
    return done;
  }
}
