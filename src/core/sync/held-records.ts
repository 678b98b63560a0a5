// What we hold of one record set, as sync.ts reconciles it: the newest version of every record
// (read from the store once, then kept current as records are stored), and snapshots of it for
// each peer's exchange, with the SHA-256 of every key cached from one snapshot to the next.

import type { PeerId } from "../crypto.ts";
import { hashKey, type SyncItem, type SyncKey, SyncSet } from "./reconcile.ts";
import type { RecordKey, RecordSet } from "./record-set.ts";

/** Key digests computed at once when a snapshot meets keys it has no hash for. */
const HASH_BATCH = 1000;
/** Versions remembered as declined: a flood's evictions beyond this may be fetched once more. */
export const DECLINED_MAX = 10_000;

export class HeldRecords {
  /** Newest version we hold of every record, by id; read once, then kept by `stored`. */
  private known?: Map<string, RecordKey>;
  private loading?: Promise<Map<string, RecordKey>>;
  /** SHA-256 of the keys of the last snapshot, reused by the next; only those, so it stays bounded. */
  private hashes = new Map<string, Uint8Array>();
  /** Records stored while `loading` ran, which its read may have missed. */
  private early: RecordKey[] = [];

  constructor(
    private readonly records: RecordSet,
    private readonly blocked: (peer: PeerId) => boolean,
  ) {}

  /** Key hashes cached: those of the last snapshot, no more. */
  get cachedHashes(): number {
    return this.hashes.size;
  }

  /** The newest version of every record we hold, by id. */
  load(): Promise<ReadonlyMap<string, RecordKey>> {
    this.loading ??= this.records.load().then((records) => {
      const known = new Map<string, RecordKey>();
      for (const record of [...records, ...this.early]) remember(known, record);
      this.early = [];
      this.known = known;
      return known;
    });
    return this.loading;
  }

  /** A record was stored. */
  stored(record: RecordKey): void {
    this.declined.delete(record.id);
    if (this.known) remember(this.known, record);
    else this.early.push(record);
  }

  /**
   * Versions the store let go of and would refuse again (the per-author cap, storage pruning),
   * newest last: not asked for again when a peer offers them, or every reconciliation would
   * fetch what the cap then throws away. Bounded; a newer version is never declined.
   */
  private readonly declined = new Map<string, number>();

  /**
   * Records that left the store: no longer held, so no longer offered. With `decline`, the
   * versions we held are not fetched again either; without, they may come back once there is room.
   */
  forget(ids: string[], decline = false): void {
    const gone = new Set(ids);
    for (const id of gone) {
      const held = this.known?.get(id);
      if (decline && held) {
        this.declined.delete(id);
        this.declined.set(id, held.updatedAt);
      }
      this.known?.delete(id);
    }
    for (const oldest of this.declined.keys()) {
      if (this.declined.size <= DECLINED_MAX) break;
      this.declined.delete(oldest);
    }
    this.early = this.early.filter((record) => !gone.has(record.id));
  }

  /** Whether this version of `id` is one we let go of and would refuse again. */
  declines(id: string, updatedAt: number): boolean {
    return (this.declined.get(id) ?? -1) >= updatedAt;
  }

  /** Records held now (what a snapshot starts from). */
  async size(): Promise<number> {
    return (await this.load()).size;
  }

  /** The set as one exchange compares it: what we would not serve must not look held. */
  async snapshot(): Promise<SyncSet> {
    const items: SyncItem[] = [];
    const hashes = new Map<string, Uint8Array>();
    const missing: SyncKey[] = [];
    for (const { id, updatedAt, author } of (await this.load()).values()) {
      if (this.blocked(author)) continue;
      const text = `${updatedAt}:${id}`;
      const hash = this.hashes.get(text);
      if (hash) {
        hashes.set(text, hash);
        items.push({ key: [updatedAt, id], hash });
      } else missing.push([updatedAt, id]);
    }
    // Digests in parallel: one after the other, 10,000 keys took 1.7 s in Node here (0.4 s so),
    // and a hub's first snapshot is what a newcomer's first screen waits for.
    for (let i = 0; i < missing.length; i += HASH_BATCH) {
      const batch = missing.slice(i, i + HASH_BATCH);
      const digests = await Promise.all(batch.map(hashKey));
      batch.forEach((key, j) => {
        const hash = digests[j] as Uint8Array;
        hashes.set(`${key[0]}:${key[1]}`, hash);
        items.push({ key, hash });
      });
    }
    // Versions since replaced are not carried over: the cache holds what the set holds.
    this.hashes = hashes;
    return SyncSet.fromItems(items);
  }

  /** Our newest records (those we would serve), newest first. */
  async newest(count: number): Promise<RecordKey[]> {
    return [...(await this.load()).values()]
      .filter((record) => !this.blocked(record.author))
      .sort((a, b) => b.updatedAt - a.updatedAt || (a.id < b.id ? 1 : -1))
      .slice(0, count);
  }
}

function remember(known: Map<string, RecordKey>, record: RecordKey): void {
  if ((known.get(record.id)?.updatedAt ?? -1) < record.updatedAt) known.set(record.id, record);
}
