// The frames of set reconciliation (src/core/sync), part of the one frame schema in wire.ts:
// SYNC, ranges with fingerprints or key lists, and SYNC_CODED, rateless coded symbols.

import * as v from "valibot";
import { Base64url, header } from "./wire-common.ts";

/** Keys and ranges a SYNC frame may carry at most; the reconciler packs below this. */
export const MAX_SYNC_ITEMS = 600;
const SyncTimestamp = v.pipe(v.number(), v.safeInteger(), v.minValue(0));
/** (updatedAt, id-prefix): an exclusive upper bound of a range (src/core/sync/reconcile.ts). */
const SyncBound = v.strictTuple([SyncTimestamp, v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{0,64}$/))]);
const SyncKey = v.strictTuple([SyncTimestamp, v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{8,64}$/))]);
const SyncRange = v.union([
  v.strictObject({ b: SyncBound }),
  v.strictObject({ b: SyncBound, fp: v.pipe(Base64url(22), v.length(22)) }),
  v.strictObject({ b: SyncBound, ids: v.pipe(v.array(SyncKey), v.maxLength(MAX_SYNC_ITEMS)) }),
]);

/** One message of set reconciliation: ranges with fingerprints or key lists. */
export const Sync = v.strictObject({
  ...header("SYNC"),
  /** Which record set is being reconciled: listings keyed (updatedAt, id), profiles (updatedAt, peerId). */
  set: v.picklist(["listings", "profiles"]),
  from: SyncBound,
  ranges: v.pipe(v.array(SyncRange), v.maxLength(MAX_SYNC_ITEMS)),
  have: v.optional(v.pipe(v.array(SyncKey), v.minLength(1), v.maxLength(MAX_SYNC_ITEMS))),
});

/** Coded symbols (14 bytes each) per SYNC_CODED frame, and 8-byte hashes per "done", at most. */
export const MAX_CODED_PER_FRAME = 2048;
const SyncSetName = Sync.entries.set;
const SyncCount = v.pipe(v.number(), v.safeInteger(), v.minValue(0), v.maxValue(1_000_000_000));
/**
 * Rateless coded set reconciliation for small differences (src/core/sync/riblt.ts), for peers
 * whose HELLO says they read it: the next symbols of the sender's set, a request for more, or
 * the receiver done (with the hashes of the items it lacks, whose keys it wants).
 */
export const SyncCoded = v.variant("step", [
  v.strictObject({
    ...header("SYNC_CODED"),
    set: SyncSetName,
    step: v.literal("symbols"),
    /** Items the sender holds: a size far from the receiver's says the difference is large. */
    size: SyncCount,
    start: SyncCount,
    data: v.pipe(Base64url(Math.ceil((MAX_CODED_PER_FRAME * 14 * 4) / 3)), v.minLength(1)),
  }),
  v.strictObject({ ...header("SYNC_CODED"), set: SyncSetName, step: v.literal("more"), start: SyncCount }),
  v.strictObject({
    ...header("SYNC_CODED"),
    set: SyncSetName,
    step: v.literal("done"),
    want: v.optional(v.pipe(Base64url(Math.ceil((MAX_CODED_PER_FRAME * 8 * 4) / 3)), v.minLength(1))),
  }),
]);
