// The index's words: each known word and the ordinals of the entries that hold it, in growable
// Uint32Arrays (a Set of numbers per word cost ~10× the memory at 100,000 listings). Postings may
// keep ordinals of removed entries: the index skips dead ordinals and compacts now and then.

export interface PostingsSnapshot {
  words: string[];
  /** Where each word's ordinals start in `ordinals`; one more than there are words. */
  starts: Uint32Array;
  ordinals: Uint32Array;
}

export class Postings {
  private readonly ids = new Map<string, number>();
  private words: string[] = [];
  private lists: Uint32Array[] = [];
  private lengths: number[] = [];
  /** Sorted vocabulary for prefix lookups; rebuilt lazily after new words arrive. */
  private sorted: string[] = [];
  private sortedDirty = false;

  add(word: string, ordinal: number): void {
    let id = this.ids.get(word);
    if (id === undefined) {
      id = this.words.length;
      this.ids.set(word, id);
      this.words.push(word);
      this.lists.push(new Uint32Array(4));
      this.lengths.push(0);
      this.sortedDirty = true;
    }
    const length = this.lengths[id] as number;
    let list = this.lists[id] as Uint32Array;
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
    if (this.sortedDirty) {
      this.sorted = [...this.words].sort();
      this.sortedDirty = false;
    }
    // Binary search for the first word >= prefix, then walk while words start with it.
    let low = 0;
    let high = this.sorted.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((this.sorted[mid] as string) < prefix) low = mid + 1;
      else high = mid;
    }
    const lists: Uint32Array[] = [];
    let count = 0;
    for (let i = low; i < this.sorted.length; i++) {
      const word = this.sorted[i] as string;
      if (!word.startsWith(prefix)) break;
      const id = this.ids.get(word) as number;
      const length = this.lengths[id] as number;
      lists.push((this.lists[id] as Uint32Array).subarray(0, length));
      count += length;
    }
    return { lists, count };
  }

  /** Renumbers every posting by `remap` (-1: dropped) and forgets words no entry holds any more. */
  remap(remap: Int32Array): void {
    const kept = new Postings();
    this.words.forEach((word, id) => {
      const list = this.lists[id] as Uint32Array;
      const length = this.lengths[id] as number;
      for (let i = 0; i < length; i++) {
        const next = remap[list[i] as number] as number;
        if (next >= 0) kept.add(word, next);
      }
    });
    Object.assign(this, kept);
  }

  snapshot(): PostingsSnapshot {
    const starts = new Uint32Array(this.words.length + 1);
    let total = 0;
    this.lengths.forEach((length, id) => {
      starts[id] = total;
      total += length;
    });
    starts[this.words.length] = total;
    const ordinals = new Uint32Array(total);
    this.lists.forEach((list, id) => {
      ordinals.set(list.subarray(0, this.lengths[id]), starts[id]);
    });
    return { words: [...this.words], starts, ordinals };
  }

  static restore(snapshot: PostingsSnapshot): Postings {
    const postings = new Postings();
    const { words, starts, ordinals } = snapshot;
    postings.words = words;
    postings.lists = words.map((_, id) => ordinals.subarray(starts[id], starts[id + 1]));
    postings.lengths = postings.lists.map((list) => list.length);
    words.forEach((word, id) => {
      postings.ids.set(word, id);
    });
    postings.sortedDirty = true;
    return postings;
  }
}
