// The index's words: each known word and the ordinals of the entries that hold it, in growable
// Uint32Arrays (a Set of numbers per word cost ~10× the memory at 100,000 listings). Postings may
// keep ordinals of removed entries: the index skips dead ordinals and compacts now and then.
//
// Saved, the words are one string in sorted order and the ordinals one byte array of varint
// gaps (~3 MB instead of 11 at 100,000 listings); a restored word's ordinals are decoded the
// first time a query or an addition needs them, so a start restores ~100,000 words in a split.

export const POSTINGS_FORMAT = 2;

export interface PostingsSnapshot {
  format: typeof POSTINGS_FORMAT;
  /** Every word in code-unit order, joined by "\n" (tokenize never yields one). */
  words: string;
  /** Where each word's gaps start in `gaps`; one more than there are words. */
  starts: Uint32Array;
  /** Each word's ordinals ascending, as varints of the gap from the one before (the first from 0). */
  gaps: Uint8Array;
}

/** Word ids added since the sorted order was made, scanned one by one up to this many. */
const UNSORTED_MAX = 1_024;

export class Postings {
  /** Word id by word, built when first needed: a restored index that only answers queries needs none. */
  private ids: Map<string, number> | undefined = new Map();
  private words: string[] = [];
  /** Each word's ordinals; undefined while still packed in `packed` (restored and not needed yet). */
  private lists: (Uint32Array | undefined)[] = [];
  private lengths: number[] = [];
  private packed: { starts: Uint32Array; gaps: Uint8Array } | undefined = undefined;
  /** Word ids in word order, and those added since (scanned, not searched). */
  private sorted = new Uint32Array(0);
  private unsorted: number[] = [];

  add(word: string, ordinal: number): void {
    const ids = this.wordIds();
    let id = ids.get(word);
    if (id === undefined) {
      id = this.words.length;
      ids.set(word, id);
      this.words.push(word);
      this.lists.push(new Uint32Array(4));
      this.lengths.push(0);
      this.unsorted.push(id);
    }
    let list = this.list(id);
    const length = this.lengths[id] as number;
    if (length === list.length) {
      const grown = new Uint32Array(Math.max(4, length * 2));
      grown.set(list);
      this.lists[id] = list = grown;
    }
    list[length] = ordinal;
    this.lengths[id] = length + 1;
  }

  /** The ordinal lists of every word that starts with `prefix`, and how many ordinals they hold. */
  withPrefix(prefix: string): { lists: Uint32Array[]; count: number } {
    if (this.unsorted.length > UNSORTED_MAX) this.sort();
    const found: number[] = [];
    // Binary search for the first word >= prefix, then walk while words start with it.
    const { sorted, words } = this;
    let low = 0;
    let high = sorted.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((words[sorted[mid] as number] as string) < prefix) low = mid + 1;
      else high = mid;
    }
    for (let i = low; i < sorted.length && (words[sorted[i] as number] as string).startsWith(prefix); i++)
      found.push(sorted[i] as number);
    for (const id of this.unsorted) if ((words[id] as string).startsWith(prefix)) found.push(id);
    const lists: Uint32Array[] = [];
    let count = 0;
    for (const id of found) {
      const list = this.list(id);
      const length = this.lengths[id] as number;
      lists.push(list.subarray(0, length));
      count += length;
    }
    return { lists, count };
  }

  /** Renumbers every posting by `remap` (-1: dropped) and forgets words no entry holds any more. */
  remap(remap: Int32Array): void {
    const kept = new Postings();
    this.words.forEach((word, id) => {
      const list = this.list(id);
      const length = this.lengths[id] as number;
      for (let i = 0; i < length; i++) {
        const next = remap[list[i] as number] as number;
        if (next >= 0) kept.add(word, next);
      }
    });
    Object.assign(this, kept);
  }

  /** Adds every posting of `later`, whose ordinals all come after this one's (additions made before a restore finished). */
  append(later: Postings): void {
    later.words.forEach((word, id) => {
      const list = later.list(id);
      for (let i = 0; i < (later.lengths[id] as number); i++) this.add(word, list[i] as number);
    });
  }

  snapshot(): PostingsSnapshot {
    this.sort();
    const order = this.sorted;
    let bytes = 0;
    for (const id of order) {
      const list = this.list(id);
      let previous = 0;
      for (let i = 0; i < (this.lengths[id] as number); i++) {
        bytes += varintLength((list[i] as number) - previous);
        previous = list[i] as number;
      }
    }
    const starts = new Uint32Array(order.length + 1);
    const gaps = new Uint8Array(bytes);
    let at = 0;
    order.forEach((id, position) => {
      starts[position] = at;
      const list = this.list(id);
      let previous = 0;
      for (let i = 0; i < (this.lengths[id] as number); i++) {
        at = writeVarint(gaps, at, (list[i] as number) - previous);
        previous = list[i] as number;
      }
    });
    starts[order.length] = at;
    return { format: POSTINGS_FORMAT, words: Array.from(order, (id) => this.words[id]).join("\n"), starts, gaps };
  }

  /** The postings a snapshot describes, or undefined when it is not one this code wrote. */
  static restore(snapshot: unknown): Postings | undefined {
    const s = snapshot as Partial<PostingsSnapshot> | undefined;
    if (s?.format !== POSTINGS_FORMAT || typeof s.words !== "string") return undefined;
    if (!(s.starts instanceof Uint32Array) || !(s.gaps instanceof Uint8Array)) return undefined;
    const words = s.words === "" ? [] : s.words.split("\n");
    if (s.starts.length !== words.length + 1 || s.starts[words.length] !== s.gaps.length) return undefined;
    const postings = new Postings();
    postings.words = words;
    postings.lists = new Array(words.length);
    postings.lengths = new Array(words.length).fill(0);
    postings.packed = { starts: s.starts, gaps: s.gaps };
    postings.ids = undefined;
    // Saved in word order: ids are their own sorted order.
    postings.sorted = Uint32Array.from({ length: words.length }, (_, i) => i);
    return postings;
  }

  private wordIds(): Map<string, number> {
    if (!this.ids) {
      this.ids = new Map();
      for (let id = 0; id < this.words.length; id++) this.ids.set(this.words[id] as string, id);
    }
    return this.ids;
  }

  /** A word's ordinals, unpacked on first use. */
  private list(id: number): Uint32Array {
    const list = this.lists[id];
    if (list) return list;
    const { starts, gaps } = this.packed as { starts: Uint32Array; gaps: Uint8Array };
    const unpacked = readVarints(gaps, starts[id] as number, starts[id + 1] as number);
    this.lists[id] = unpacked;
    this.lengths[id] = unpacked.length;
    return unpacked;
  }

  private sort(): void {
    if (!this.unsorted.length) return;
    const { words } = this;
    const byWord = (a: number, b: number) => ((words[a] as string) < (words[b] as string) ? -1 : 1);
    const added = this.unsorted.sort(byWord);
    // Merge the few added into the sorted many rather than sorting every word again.
    const merged = new Uint32Array(this.sorted.length + added.length);
    let i = 0;
    let j = 0;
    for (let k = 0; k < merged.length; k++)
      merged[k] = (
        j >= added.length || (i < this.sorted.length && byWord(this.sorted[i] as number, added[j] as number) < 0)
          ? this.sorted[i++]
          : added[j++]
      ) as number;
    this.sorted = merged;
    this.unsorted = [];
  }
}

function varintLength(value: number): number {
  let length = 1;
  for (let rest = value >>> 7; rest > 0; rest >>>= 7) length++;
  return length;
}

function writeVarint(bytes: Uint8Array, at: number, value: number): number {
  let rest = value;
  while (rest >= 0x80) {
    bytes[at++] = (rest & 0x7f) | 0x80;
    rest >>>= 7;
  }
  bytes[at++] = rest;
  return at;
}

function readVarints(bytes: Uint8Array, from: number, to: number): Uint32Array {
  let count = 0;
  for (let i = from; i < to; i++) if ((bytes[i] as number) < 0x80) count++;
  const out = new Uint32Array(count);
  let value = 0;
  let shift = 0;
  let previous = 0;
  let n = 0;
  for (let i = from; i < to; i++) {
    const byte = bytes[i] as number;
    value += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) {
      previous += value;
      out[n++] = previous;
      value = 0;
      shift = 0;
    } else shift += 7;
  }
  return out;
}
