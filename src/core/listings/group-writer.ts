// Writes that come while one is running wait and go together in the next. A first sync brings
// frames faster than the store commits them one transaction each, and one transaction of many
// frames costs little more than one of a single frame; the first write goes at once, so the first
// screen does not wait for a group to fill.

interface Waiting<E, R> {
  entry: E;
  size: number;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

export class GroupWriter<E, R> {
  private readonly waiting: Waiting<E, R>[] = [];
  private waitingSize = 0;
  private running: Promise<void> | undefined;
  /** Called each time a group is taken, so callers held back by `room` can look again. */
  private readonly taken = new Set<() => void>();

  /**
   * `write` stores a group and returns one result per entry, in order; `maxSize` caps the sum of
   * `sizeOf` in one group (one entry larger than that still goes, alone).
   */
  constructor(
    private readonly write: (entries: E[]) => Promise<R[]>,
    private readonly sizeOf: (entry: E) => number,
    private readonly maxSize: number,
  ) {}

  /** Resolves with this entry's result once the group it went in is written. */
  add(entry: E): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const size = this.sizeOf(entry);
      this.waiting.push({ entry, size, resolve, reject });
      this.waitingSize += size;
      this.running ??= this.drain();
    });
  }

  /** Sizes added and not yet taken into a group. */
  get backlog(): number {
    return this.waitingSize;
  }

  /** Resolves once the backlog is at most `max`: how callers keep from running far ahead. */
  async room(max: number): Promise<void> {
    while (this.waitingSize > max && this.running)
      await new Promise<void>((resolve) => {
        const once = () => {
          this.taken.delete(once);
          resolve();
        };
        this.taken.add(once);
      });
  }

  /** Resolves when everything added so far is written (or failed). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async drain(): Promise<void> {
    while (this.waiting.length) {
      const group: Waiting<E, R>[] = [];
      let size = 0;
      for (
        let next = this.waiting[0];
        next && (!group.length || size + next.size <= this.maxSize);
        next = this.waiting[0]
      ) {
        group.push(next);
        size += next.size;
        this.waiting.shift();
      }
      this.waitingSize -= size;
      for (const fn of [...this.taken]) fn();
      try {
        const results = await this.write(group.map((w) => w.entry));
        for (const [i, w] of group.entries()) w.resolve(results[i] as R);
      } catch (error) {
        for (const w of group) w.reject(error);
      }
    }
    this.running = undefined;
  }
}
