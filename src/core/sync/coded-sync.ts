// Coded reconciliation of a record set with a peer (riblt.ts over SYNC_CODED frames), for peers
// whose HELLO says they read it and sets that differ a little (a reconnect). The opener streams
// coded symbols of its keys, in batches that double, until the other side has peeled the whole
// difference; that side then announces the keys only it holds and asks for the keys of the
// hashes only the opener holds. Its bytes grow with the difference (~1.3 symbols of 14 bytes
// each), not with the key lists of the ranges around it. Large differences (a first visit, two
// boards that grew apart) go to range reconciliation (reconcile.ts): at once when the sizes are
// far apart, or when the symbols run out. Per peer and set one exchange each way, bounded by
// CODED_CAPACITY symbols; the state is gone when the exchange ends or the peer leaves.

import type { PeerId } from "../crypto.ts";
import { base64urlDecode, base64urlEncode } from "../encoding.ts";
import { type Frame, type FrameOf, frame, MAX_CODED_PER_FRAME } from "../wire.ts";
import { compareKeys, ID_LIST_THRESHOLD, type SyncKey, type SyncSet } from "./reconcile.ts";
import type { SetName } from "./record-set.ts";
import { CodedSyncError, Decoder, Encoder, type Item, itemOf } from "./riblt.ts";

/** Symbols per exchange at most (one frame's worth): about 1,500 differences decode in them. */
export const CODED_CAPACITY = MAX_CODED_PER_FRAME;
/** Symbols in the opening; each later batch doubles what was sent. */
export const FIRST_BATCH = 128;
/** Coded exchanges a peer may open with us per session: one per set, and a few more. */
export const MAX_EXCHANGES = 8;
/** Sets whose sizes differ by more than this differ by more than coding pays for. */
export const MAX_CODED_DIFFERENCE = 1_000;

type CodedFrame = FrameOf<"SYNC_CODED">;

export interface CodedStep {
  /** Frames to answer with. */
  replies: Frame[];
  /** Keys we hold that the peer lacks, newest first: to announce to it. */
  have: SyncKey[];
  /** The difference is too large, or the stream did not decode: reconcile by ranges instead. */
  fallback: boolean;
}

const NOTHING: CodedStep = { replies: [], have: [], fallback: false };
const FALLBACK: CodedStep = { replies: [], have: [], fallback: true };

const itemKey = (item: Item) => `${item.hi}:${item.lo}`;

export class CodedExchanges {
  /** Exchanges we opened, by peer and set. */
  private readonly sending = new Map<string, Encoder>();
  /** Exchanges the peer opened. */
  private readonly receiving = new Map<string, Decoder>();
  /** Exchanges each peer opened with us this session: each costs a decoder over our whole set. */
  private readonly begun = new Map<PeerId, number>();

  /** Opens an exchange of `set` with `peer`: the first symbols of our snapshot. */
  open(peer: PeerId, set: SetName, snapshot: SyncSet): Frame {
    const encoder = new Encoder(items(snapshot), CODED_CAPACITY);
    this.sending.set(`${peer} ${set}`, encoder);
    return symbols(set, snapshot.size, encoder, FIRST_BATCH);
  }

  /** Whether an exchange of ours with `peer` is under way (its frames are awaited). */
  opened(peer: PeerId, set: SetName): boolean {
    return this.sending.has(`${peer} ${set}`);
  }

  /** The peer went to ranges for this set: the symbols it did not ask for are not kept for it. */
  stop(peer: PeerId, set: SetName): void {
    this.sending.delete(`${peer} ${set}`);
  }

  forget(peer: PeerId): void {
    this.begun.delete(peer);
    for (const map of [this.sending, this.receiving])
      for (const key of map.keys()) if (key.startsWith(`${peer} `)) map.delete(key);
  }

  /**
   * Handles one frame against our snapshot of its set. Throws CodedSyncError for what no honest
   * peer sends (symbols out of turn or that do not decode, more than agreed); the exchange is
   * then dropped and the caller falls back to ranges.
   */
  handle(peer: PeerId, incoming: CodedFrame, snapshot: SyncSet): CodedStep {
    const key = `${peer} ${incoming.set}`;
    if (incoming.step === "symbols") {
      let decoder = this.receiving.get(key);
      if (incoming.start === 0) {
        this.receiving.delete(key);
        const begun = (this.begun.get(peer) ?? 0) + 1;
        this.begun.set(peer, begun);
        if (begun > MAX_EXCHANGES) throw new CodedSyncError("Too many coded exchanges");
        // A side this small opened by ranges itself, which settles it (sync.ts onReady).
        if (snapshot.size <= ID_LIST_THRESHOLD) return NOTHING;
        if (Math.abs(incoming.size - snapshot.size) > MAX_CODED_DIFFERENCE) return FALLBACK;
        decoder = new Decoder(items(snapshot), CODED_CAPACITY);
        this.receiving.set(key, decoder);
      }
      if (!decoder) throw new CodedSyncError("Symbols of no exchange");
      const bytes = base64urlDecode(incoming.data);
      if (!bytes) throw new CodedSyncError("Symbols that are not base64url");
      let difference: ReturnType<Decoder["add"]>;
      try {
        difference = decoder.add(incoming.start, bytes);
      } catch (error) {
        this.receiving.delete(key);
        throw error;
      }
      if (!difference) {
        if (decoder.received < decoder.capacity)
          return {
            ...NOTHING,
            replies: [frame({ type: "SYNC_CODED", set: incoming.set, step: "more", start: decoder.received })],
          };
        this.receiving.delete(key);
        return FALLBACK;
      }
      this.receiving.delete(key);
      const ours = keysOf(snapshot, difference.ours);
      // An item peeled as ours that we do not hold: the stream was not the peer's whole set (or
      // two keys share 8 bytes of hash, which a peer can make of its own records): use ranges.
      if (ours.missing) return FALLBACK;
      const want = packItems(difference.theirs);
      const done = frame({ type: "SYNC_CODED", set: incoming.set, step: "done", ...(want ? { want } : {}) });
      return { replies: [done], have: newestFirst(ours.keys), fallback: false };
    }
    const encoder = this.sending.get(key);
    // After the exchange ended (or before it began) there is nothing to answer.
    if (!encoder) return NOTHING;
    if (incoming.step === "more") {
      if (incoming.start !== encoder.produced || encoder.produced >= encoder.capacity) {
        this.sending.delete(key);
        throw new CodedSyncError("More symbols than agreed, or out of turn");
      }
      return { ...NOTHING, replies: [symbols(incoming.set, snapshot.size, encoder, encoder.produced)] };
    }
    this.sending.delete(key);
    const wanted = incoming.want ? base64urlDecode(incoming.want) : new Uint8Array(0);
    if (!wanted || wanted.length % 8) throw new CodedSyncError("Wanted hashes of a bad length");
    const asked: Item[] = [];
    for (let at = 0; at < wanted.length; at += 8) asked.push(itemOf(wanted.subarray(at, at + 8)));
    // Hashes we do not hold are skipped: the peer's decoding was wrong, or it is guessing.
    return { ...NOTHING, have: newestFirst(keysOf(snapshot, asked).keys) };
  }
}

function items(snapshot: SyncSet): Item[] {
  return snapshot.items.map((item) => itemOf(item.hash));
}

function symbols(set: SetName, size: number, encoder: Encoder, count: number): Frame {
  const start = encoder.produced;
  const data = base64urlEncode(encoder.next(count));
  return frame({ type: "SYNC_CODED", set, step: "symbols", size, start, data });
}

/** The keys of the snapshot's items among `wanted`, and how many of `wanted` it does not hold. */
function keysOf(snapshot: SyncSet, wanted: readonly Item[]): { keys: SyncKey[]; missing: number } {
  if (!wanted.length) return { keys: [], missing: 0 };
  const asked = new Set(wanted.map(itemKey));
  const found = new Set<string>();
  const keys: SyncKey[] = [];
  for (const item of snapshot.items) {
    const hash = itemKey(itemOf(item.hash));
    if (!asked.has(hash)) continue;
    keys.push(item.key);
    found.add(hash);
  }
  return { keys, missing: asked.size - found.size };
}

function newestFirst(keys: SyncKey[]): SyncKey[] {
  return keys.sort((a, b) => compareKeys(b, a));
}

function packItems(list: readonly Item[]): string | undefined {
  if (!list.length) return undefined;
  const bytes = new Uint8Array(list.length * 8);
  const view = new DataView(bytes.buffer);
  list.forEach((item, i) => {
    view.setUint32(i * 8, item.hi);
    view.setUint32(i * 8 + 4, item.lo);
  });
  return base64urlEncode(bytes);
}
