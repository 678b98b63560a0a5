// Range-based set reconciliation (docs/architecture.md, "Frames"), in the spirit of Negentropy: both sides
// hold items keyed by (updatedAt, id), sorted. A message is a run of contiguous ranges, each
// closed by an upper bound and carrying either nothing (skip: already equal), a fingerprint, or
// the full list of the sender's keys in that range. A side that receives a fingerprint it does
// not share splits its own items of that range into buckets and answers with their
// fingerprints, or with its key list once the range is small; a side that receives a key list
// learns what it lacks (`need`) and answers with the keys the other side lacks (`have`), which
// needs no answer. Pure functions and data: no I/O beyond WebCrypto's SHA-256.

import { base64urlEncode, utf8 } from "../encoding.ts";

/** Orders keys: updatedAt, then id. An edit bumps updatedAt, so a new version is a new key. */
export type SyncKey = readonly [updatedAt: number, id: string];
/**
 * An exclusive upper bound: a key is below it when its updatedAt is smaller, or equal and its
 * id sorts before `idPrefix` ("" when the timestamp alone separates the neighbours).
 */
export type Bound = readonly [updatedAt: number, idPrefix: string];

export type SyncRange =
  | { readonly b: Bound } // skip: the sender found this range equal
  | { readonly b: Bound; readonly fp: string }
  | { readonly b: Bound; readonly ids: readonly SyncKey[] };

export interface SyncMessage {
  /** Lower bound of the first range; each range starts where the previous one ended. */
  readonly from: Bound;
  readonly ranges: readonly SyncRange[];
  /** Keys the receiver lacked in ranges it listed; no answer is due for them. */
  readonly have?: readonly SyncKey[];
}

export interface SyncItem {
  readonly key: SyncKey;
  /** SHA-256 of the key: fingerprints add these up. */
  readonly hash: Uint8Array;
}

export const LOWEST: Bound = [0, ""];
export const HIGHEST: Bound = [Number.MAX_SAFE_INTEGER, ""];
/** A range is split into this many buckets when fingerprints differ. */
export const BUCKETS = 16;
/** Ranges holding at most this many of our items are answered with the key list. */
export const ID_LIST_THRESHOLD = 32;
/** Work units (ranges plus keys) per message, so every frame stays well under the size cap. */
export const MESSAGE_BUDGET = 500;

export class SyncError extends Error {
  override name = "SyncError";
}

export function compareKeys(a: SyncKey, b: SyncKey): number {
  if (a[0] !== b[0]) return a[0] - b[0];
  return a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0;
}

function below(key: SyncKey, bound: Bound): boolean {
  return key[0] < bound[0] || (key[0] === bound[0] && key[1] < bound[1]);
}

function compareBounds(a: Bound, b: Bound): number {
  return compareKeys(a, b);
}

export async function hashKey(key: SyncKey): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", utf8(`${key[0]}:${key[1]}`) as BufferSource));
}

/** A side's items, sorted by key. Build once per session; lookups are binary searches. */
export class SyncSet {
  private constructor(readonly items: readonly SyncItem[]) {}

  static fromItems(items: SyncItem[]): SyncSet {
    const sorted = [...items].sort((a, b) => compareKeys(a.key, b.key));
    const unique: SyncItem[] = [];
    for (const item of sorted) {
      const last = unique.at(-1);
      if (!last || compareKeys(last.key, item.key) !== 0) unique.push(item);
    }
    return new SyncSet(unique);
  }

  static async fromKeys(keys: readonly SyncKey[]): Promise<SyncSet> {
    return SyncSet.fromItems(await Promise.all(keys.map(async (key) => ({ key, hash: await hashKey(key) }))));
  }

  get size(): number {
    return this.items.length;
  }

  /** Index of the first item not below `bound`. */
  indexOf(bound: Bound): number {
    let lo = 0;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (below(keyAt(this.items, mid), bound)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/**
 * Negentropy's fingerprint: the item hashes added up mod 2^256, then the count, hashed with
 * SHA-256 and cut to 16 bytes. Order-free, so both sides get the same value for the same set.
 */
export async function fingerprint(items: readonly SyncItem[], start: number, end: number): Promise<string> {
  const sum = new Uint8Array(40);
  for (let i = start; i < end; i++) {
    const hash = items[i]?.hash ?? EMPTY_HASH;
    let carry = 0;
    for (let byte = 0; byte < 32; byte++) {
      const total = (sum[byte] ?? 0) + (hash[byte] ?? 0) + carry;
      sum[byte] = total & 0xff;
      carry = total >>> 8;
    }
  }
  new DataView(sum.buffer).setFloat64(32, end - start, true);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", sum));
  return base64urlEncode(digest.subarray(0, 16));
}

const EMPTY_HASH = new Uint8Array(32);

function keyAt(items: readonly SyncItem[], index: number): SyncKey {
  const item = items[index];
  if (!item) throw new RangeError(`No item at ${index}`);
  return item.key;
}

/** The shortest bound that puts `previous` below it and `next` not. */
function boundBetween(previous: SyncKey, next: SyncKey): Bound {
  if (previous[0] !== next[0]) return [next[0], ""];
  let common = 0;
  while (common < next[1].length && previous[1][common] === next[1][common]) common++;
  return [next[0], next[1].slice(0, common + 1)];
}

/** Our answer for a range the other side fingerprinted differently: key list or buckets. */
async function describe(set: SyncSet, start: number, end: number, upper: Bound, out: SyncRange[]): Promise<void> {
  const items = set.items;
  const count = end - start;
  if (count <= ID_LIST_THRESHOLD) {
    out.push({ b: upper, ids: items.slice(start, end).map((item) => item.key) });
    return;
  }
  for (let bucket = 0; bucket < BUCKETS; bucket++) {
    const from = start + Math.floor((count * bucket) / BUCKETS);
    const to = start + Math.floor((count * (bucket + 1)) / BUCKETS);
    const b = bucket === BUCKETS - 1 ? upper : boundBetween(keyAt(items, to - 1), keyAt(items, to));
    out.push({ b, fp: await fingerprint(items, from, to) });
  }
}

/** The opening message: our whole set as buckets (or as a key list when small). */
export async function initiate(set: SyncSet): Promise<SyncMessage[]> {
  const ranges: SyncRange[] = [];
  await describe(set, 0, set.size, HIGHEST, ranges);
  return pack(LOWEST, ranges, []);
}

/** Whether `message` opens an exchange from a side that holds nothing at all. */
export function holdsNothing(message: SyncMessage): boolean {
  const [range, ...rest] = message.ranges;
  return (
    !rest.length &&
    range !== undefined &&
    "ids" in range &&
    !range.ids.length &&
    compareBounds(message.from, LOWEST) === 0 &&
    compareBounds(range.b, HIGHEST) === 0
  );
}

export interface SyncStep {
  /** Messages to send back; empty when this exchange is settled on our side. */
  replies: SyncMessage[];
  /** Keys the other side holds and we do not. */
  need: SyncKey[];
}

/** Answers one message. Throws SyncError when it is not a well-formed run of ranges. */
export async function respond(set: SyncSet, message: SyncMessage): Promise<SyncStep> {
  const out: SyncRange[] = [];
  const need: SyncKey[] = [...(message.have ?? [])];
  const have: SyncKey[] = [];
  let lower = message.from;
  let start = set.indexOf(lower);
  for (const range of message.ranges) {
    if (compareBounds(range.b, lower) <= 0) throw new SyncError("Range bounds must increase");
    const end = set.indexOf(range.b);
    if ("fp" in range) {
      if ((await fingerprint(set.items, start, end)) === range.fp) out.push({ b: range.b });
      else await describe(set, start, end, range.b, out);
    } else if ("ids" in range) {
      const theirs = range.ids;
      for (const key of theirs) if (!below(key, range.b) || below(key, lower)) throw new SyncError("Key out of range");
      const ours = new Set(set.items.slice(start, end).map((item) => `${item.key[0]}:${item.key[1]}`));
      const listed = new Set(theirs.map((key) => `${key[0]}:${key[1]}`));
      for (const key of theirs) if (!ours.has(`${key[0]}:${key[1]}`)) need.push(key);
      for (let i = start; i < end; i++) {
        const key = keyAt(set.items, i);
        if (!listed.has(`${key[0]}:${key[1]}`)) have.push(key);
      }
      out.push({ b: range.b });
    } else {
      out.push({ b: range.b });
    }
    lower = range.b;
    start = end;
  }
  // Newest first: the other side asks in this order, so a newcomer's board fills from the top.
  return { replies: pack(message.from, out, have.reverse()), need };
}

/**
 * Coalesces skips, drops trailing ones and cuts the ranges and `have` keys into messages of at
 * most MESSAGE_BUDGET units. No message at all when nothing asks for an answer.
 */
function pack(from: Bound, ranges: SyncRange[], have: SyncKey[]): SyncMessage[] {
  const merged: SyncRange[] = [];
  for (const range of ranges) {
    const last = merged.at(-1);
    if (last && !("fp" in last) && !("ids" in last) && !("fp" in range) && !("ids" in range)) merged.pop();
    merged.push(range);
  }
  for (let last = merged.at(-1); last && !("fp" in last) && !("ids" in last); last = merged.at(-1)) merged.pop();
  const messages: SyncMessage[] = [];
  let lower = from;
  let chunk: SyncRange[] = [];
  let chunkFrom = from;
  let units = 0;
  for (const range of merged) {
    const cost = 1 + ("ids" in range ? range.ids.length : 0);
    if (chunk.length && units + cost > MESSAGE_BUDGET) {
      messages.push({ from: chunkFrom, ranges: chunk });
      chunk = [];
      chunkFrom = lower;
      units = 0;
    }
    chunk.push(range);
    units += cost;
    lower = range.b;
  }
  if (chunk.length) messages.push({ from: chunkFrom, ranges: chunk });
  for (let i = 0; i < have.length; i += MESSAGE_BUDGET) {
    const keys = have.slice(i, i + MESSAGE_BUDGET);
    const last = messages.at(-1);
    if (last && !last.have && i === 0 && unitsOf(last) + keys.length <= MESSAGE_BUDGET) {
      messages[messages.length - 1] = { ...last, have: keys };
    } else {
      messages.push({ from: HIGHEST, ranges: [], have: keys });
    }
  }
  return messages;
}

function unitsOf(message: SyncMessage): number {
  return message.ranges.reduce((sum, range) => sum + 1 + ("ids" in range ? range.ids.length : 0), 0);
}
