// A kind of signed record that peers reconcile and gossip: what sync.ts needs to know
// of it, so listings and profiles share one SyncExtension. A record is known by its sync key
// (updatedAt, id) and its author; the set says how to read our keys and how to ask for records.

import type { PeerId } from "../crypto.ts";
import type { FrameOf } from "../wire.ts";

export type SetName = FrameOf<"SYNC">["set"];

/** One version of a record we hold or have heard of. */
export interface RecordKey {
  readonly id: string;
  readonly updatedAt: number;
  readonly author: PeerId;
}

export interface RecordSet {
  readonly name: SetName;
  /** Whether records fetched for this set count in the "Syncing N / M" progress. */
  readonly progress: boolean;
  /** Every record we hold, read once; SyncExtension.spread keeps its copy current after that. */
  load(): Promise<RecordKey[]>;
  /** Asks `peer` for these records by id; the answer comes back as records of the set. */
  request(peer: PeerId, ids: string[]): void;
  /** Sends these records to `peer` unasked, out of its answer budget (a newcomer's first screen). */
  serve?(peer: PeerId, ids: string[]): Promise<void>;
}

/** Ids per request frame (the schemas allow 1000). */
export const REQUEST_BATCH = 500;
