// Sync on connect and gossip (docs/architecture.md, "Frames"), for every record set (record-set.ts:
// listings, profiles). Once HELLO is done, the peer with the smaller id opens a reconciliation per
// set: with coded symbols (coded-sync.ts, SYNC_CODED) when the other's HELLO says it reads them,
// whose bytes follow the difference; by ranges (reconcile.ts, SYNC) with older peers, and when the
// difference turns out large. A side that holds almost nothing opens by ranges itself. Each side
// asks for the records it lacks (LISTING_REQUEST, PROFILE_REQUEST) and gets them whole. New
// records then spread by key: see `spread`. Replaces send-all, which the core keeps behind
// `syncMode: "send-all"` as the benchmark baseline.

import type { PeerId } from "../crypto.ts";
import type { Clock } from "../ports.ts";
import type { ProtocolExtension, SessionHost } from "../session/extension.ts";
import type { Frame, FrameOf } from "../wire.ts";
import { CodedExchanges, type CodedStep } from "./coded-sync.ts";
import { HeldRecords } from "./held-records.ts";
import {
  holdsNothing,
  ID_LIST_THRESHOLD,
  initiate,
  LOWEST,
  respond,
  SyncError,
  type SyncKey,
  type SyncMessage,
  type SyncSet,
} from "./reconcile.ts";
import { RecordFetcher, type SyncProgress } from "./record-fetcher.ts";
import type { RecordKey, RecordSet, SetName } from "./record-set.ts";
import { CodedSyncError } from "./riblt.ts";
import { syncFrame } from "./sync-frame.ts";

export type { SyncProgress } from "./record-fetcher.ts";

/** Keys per announcement frame. */
const ANNOUNCE_BATCH = 500;
/** Records pushed to a peer that holds nothing, before the key lists: more than a first screen. */
export const FIRST_SCREEN = 60;

interface SetState {
  readonly records: RecordSet;
  /** Our records at the start of each peer's exchange: both sides must compare one fixed set. */
  readonly sessions: Map<PeerId, Promise<SyncSet>>;
  /**
   * Keys already listed to each peer in a reply's `have` during its exchange: the snapshot is
   * fixed, so listing one again tells it nothing (and a range of no keys, repeated, asks for all).
   */
  readonly told: Map<PeerId, Set<string>>;
  /** What we hold of the set, kept current by `spread`. */
  readonly held: HeldRecords;
}

export class SyncExtension implements ProtocolExtension {
  readonly types = ["SYNC", "SYNC_CODED"] as const;
  private readonly sets = new Map<SetName, SetState>();
  /** Asks for what reconciliation and announcements say we lack. */
  private readonly fetcher: RecordFetcher;
  /** Coded exchanges for small differences, with peers that read them. */
  private readonly coded = new CodedExchanges();

  constructor(
    private readonly host: SessionHost,
    clock: Clock,
  ) {
    this.fetcher = new RecordFetcher(host, clock);
  }

  /** Reconciles and gossips one more kind of record. A SYNC for a set nobody added is ignored. */
  addSet(records: RecordSet): void {
    if (this.sets.has(records.name)) throw new Error(`Record set ${records.name} is already synced`);
    const held = new HeldRecords(records, (author) => this.host.isBlocked(author));
    this.sets.set(records.name, { records, sessions: new Map(), told: new Map(), held });
    this.fetcher.addSet(records);
  }

  /** Key hashes cached for a set: those of its last snapshot, no more. */
  cachedHashes(set: SetName): number {
    return this.sets.get(set)?.held.cachedHashes ?? 0;
  }

  /** Records of a set (or of all) asked for and not arrived yet; bounded per peer (pending-fetches.ts). */
  outstanding(set?: SetName): number {
    return this.fetcher.outstanding(set);
  }

  /** Progress of the listings requested so far; resets once all have arrived or were given up. */
  onProgress(fn: (progress: SyncProgress) => void): () => void {
    return this.fetcher.onProgress(fn);
  }

  currentProgress(): SyncProgress {
    return this.fetcher.currentProgress();
  }

  onReady(peer: PeerId): void {
    // Not awaited: the session handles the peer's frames meanwhile, so a newcomer's opening is
    // answered (its first screen pushed) while our first snapshot of a big set is still hashing.
    void this.open(peer).catch((error: unknown) => this.host.log.error(`sync with ${peer} did not open`, error));
  }

  private async open(peer: PeerId): Promise<void> {
    for (const state of this.sets.values()) {
      // One side opens, or both would run the same exchange twice. But a side that holds almost
      // nothing opens whatever the ids: its opening is its short key list, which a holder answers
      // at once with its keys newest first, so a newcomer's first screen does not wait for
      // fingerprint rounds. Both may then open; the second exchange lists no key twice (`told`).
      const small = (await state.held.load()).size <= ID_LIST_THRESHOLD;
      if (this.host.peerId > peer && !small) continue;
      const set = await this.session(state, peer);
      // Nor when the peer's own opening by ranges came first (a newcomer's): that settles it.
      if (state.told.has(peer) || !this.host.readyPeers().includes(peer)) continue;
      // A peer that reads coded symbols gets them: a reconnect's bytes then follow the difference.
      if (!small && this.host.readsCodedSync(peer))
        this.host.send(peer, this.coded.open(peer, state.records.name, set));
      else await this.openRanges(state, peer);
    }
  }

  async onFrame(peer: PeerId, incoming: Frame): Promise<void> {
    if (incoming.type === "SYNC_CODED") return this.onCoded(peer, incoming);
    if (incoming.type !== "SYNC") return;
    // A set of a newer version, or one this hub does not keep: valid, so not punished.
    const state = this.sets.get(incoming.set);
    if (!state) return;
    // An announcement (keys only, no ranges) needs no snapshot and no answer: ask for news.
    if (!incoming.ranges.length) return this.request(state, peer, incoming.have ?? []);
    // The peer reconciles this set by ranges: symbols we opened with will not be asked for.
    this.coded.stop(peer, incoming.set);
    // Replies come out of the peer's answer budget, and list a key once per exchange.
    const told = state.told.get(peer) ?? new Set<string>();
    state.told.set(peer, told);
    if (holdsNothing(incoming)) await this.pushFirstScreen(state, peer, told);
    let step: Awaited<ReturnType<typeof respond>>;
    try {
      step = await respond(await this.session(state, peer), incoming);
    } catch (error) {
      if (!(error instanceof SyncError)) throw error;
      this.host.log.warn(`SYNC from ${peer} dropped (${error.message})`);
      this.host.strike(peer, "malformed");
      return;
    }
    for (const message of step.replies) {
      const have = message.have?.filter((key) => !told.has(`${key[0]}:${key[1]}`));
      if (!message.ranges.length && !have?.length) continue;
      if (!this.host.answer(peer, syncFrame(incoming.set, { ...message, ...(have ? { have } : {}) }))) break;
      for (const key of have ?? []) told.add(`${key[0]}:${key[1]}`);
    }
    await this.request(state, peer, step.need);
  }

  /**
   * Records of `set` that were news to us (just stored), received from `from`, or made here
   * (no `from`). Returns the peers to send them to whole (every peer for records made here, none
   * for received ones); the caller sends them.
   *
   * Gossip is announce-and-pull ("lazy push"): a record travels whole only from its author, to
   * every peer, and from a peer that was asked for it. Everyone else announces its key in a SYNC
   * `have` to the peers not known to hold it, and a hub that lacks it asks one announcer. So a
   * hub receives a record whole once, plus at most once more when its author's push was still
   * on the way while it pulled: at most one duplicate per hub, by construction, whatever the
   * mesh. A pull does not wait for a push that may be on its way: only authors push, and their
   * push left before anyone could announce the record. Each pull follows the first announcement to arrive, so a record takes the shortest
   * path in the mesh, and the hop count is that of flooding. The price is time: a hop is an
   * announcement, a request and the record (three one-way trips instead of one).
   * Pushing whole records to a bounded set of "push neighbours" (Plumtree's eager peers) cuts
   * that time, but then first deliveries follow the sparser push graph and paths grow: a
   * prototype with three push neighbours per hub took 6–8 hops among 200 hubs and more bytes
   * (bench/RESULTS.md, "Announce and pull").
   */
  spread(set: SetName, records: RecordKey[], from?: PeerId): PeerId[] {
    const state = this.sets.get(set);
    if (!state) throw new Error(`Record set ${set} is not synced`);
    const peers = this.host.readyPeers().filter((peer) => peer !== from);
    const announce = new Map<PeerId, SyncKey[]>();
    for (const record of records) {
      const holders = this.stored(state, record);
      // Our own records that come back from a peer (another device with our identity, a sync
      // after an import) are announced like anyone's: only a new version made here is pushed.
      if (!from || this.host.isBlocked(record.author)) continue;
      for (const peer of peers) {
        if (holders?.has(peer)) continue;
        const keys = announce.get(peer) ?? [];
        keys.push([record.updatedAt, record.id]);
        announce.set(peer, keys);
      }
    }
    for (const [peer, keys] of announce)
      for (let i = 0; i < keys.length; i += ANNOUNCE_BATCH)
        this.sendMessage(peer, set, { from: [0, ""], ranges: [], have: keys.slice(i, i + ANNOUNCE_BATCH) });
    this.fetcher.settle();
    return from ? [] : peers;
  }

  /**
   * Records that left the store: no longer offered. Profiles the cap pushed out may be fetched
   * again if met again; with `decline` (listings the per-author cap or pruning let go), the
   * versions held are not asked for again.
   */
  forget(set: SetName, ids: string[], decline = false): void {
    this.sets.get(set)?.held.forget(ids, decline);
  }

  /** Records of a set held now, as reconciliation offers them. */
  held(set: SetName): Promise<number> {
    return this.sets.get(set)?.held.size() ?? Promise.resolve(0);
  }

  onClose(peer: PeerId): void {
    this.coded.forget(peer);
    // What this peer still owed us will not come: ask another that announced it.
    for (const state of this.sets.values()) {
      state.sessions.delete(peer);
      state.told.delete(peer);
    }
    this.fetcher.gone(peer);
  }

  /**
   * A peer that holds nothing gets our newest records at once, before the key lists: its first
   * screen then waits for one trip, not for the keys, its request and our answer (a first visit).
   * They are listed as told, so the key lists that follow do not name them again.
   */
  private async pushFirstScreen(state: SetState, peer: PeerId, told: Set<string>): Promise<void> {
    if (!state.records.serve) return;
    // Once per peer: an opening said again (by a peer that does so on purpose) is not served twice.
    const newest = (await state.held.newest(FIRST_SCREEN)).filter((r) => !told.has(`${r.updatedAt}:${r.id}`));
    if (!newest.length) return;
    for (const record of newest) told.add(`${record.updatedAt}:${record.id}`);
    await state.records.serve(
      peer,
      newest.map((record) => record.id),
    );
  }

  private async onCoded(peer: PeerId, incoming: FrameOf<"SYNC_CODED">): Promise<void> {
    const state = this.sets.get(incoming.set);
    if (!state) return;
    let step: CodedStep;
    try {
      step = this.coded.handle(peer, incoming, await this.session(state, peer));
    } catch (error) {
      if (!(error instanceof CodedSyncError)) throw error;
      this.host.log.warn(`SYNC_CODED from ${peer} dropped (${error.message})`);
      // Still reconciled, by ranges, unless that strike was one too many.
      if (!this.host.strike(peer, "malformed")) await this.openRanges(state, peer);
      return;
    }
    if (step.replies.length && !this.host.answer(peer, ...step.replies)) return;
    for (let i = 0; i < step.have.length; i += ANNOUNCE_BATCH)
      this.host.answer(
        peer,
        syncFrame(incoming.set, { from: LOWEST, ranges: [], have: step.have.slice(i, i + ANNOUNCE_BATCH) }),
      );
    if (step.fallback) await this.openRanges(state, peer);
  }

  private async openRanges(state: SetState, peer: PeerId): Promise<void> {
    const set = await this.session(state, peer);
    for (const message of await initiate(set)) this.sendMessage(peer, state.records.name, message);
  }

  private session(state: SetState, peer: PeerId): Promise<SyncSet> {
    let set = state.sessions.get(peer);
    if (!set) {
      set = state.held.snapshot();
      state.sessions.set(peer, set);
    }
    return set;
  }

  /** Asks `peer` for the keys we lack and nobody is fetching yet. */
  private async request(state: SetState, peer: PeerId, need: SyncKey[]): Promise<void> {
    const wanted = need.filter(([updatedAt, id]) => !state.held.declines(id, updatedAt));
    if (wanted.length) this.fetcher.request(state.records.name, peer, wanted, await state.held.load());
  }

  /** Notes a stored record; returns the peers that announced it to us, if we had asked for it. */
  private stored(state: SetState, record: RecordKey): Set<PeerId> | undefined {
    state.held.stored(record);
    return this.fetcher.arrived(state.records.name, record);
  }

  private sendMessage(peer: PeerId, set: SetName, message: SyncMessage): void {
    this.host.send(peer, syncFrame(set, message));
  }
}
