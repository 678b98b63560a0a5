// How far the search index covers the store's listing change log (search.ts): the mark, and the
// changes told to the index with their numbers past it. The store's writes number their changes
// (Store.putListingsIf and the others), so an index told every change from its mark on, in any
// order, knows its mark covers them without reading anything back; a change never told (a
// crash, a write nobody told it of) leaves a gap the mark stops at, and the log's replay reads
// the rest. A version told after a newer one of the same listing is stale and is not applied.

export class SearchMark {
  /** The number of the last change in the store's log the index reflects. */
  private at = 0;
  /** Changes told past the mark, not yet reached by it: number → listing id. */
  private readonly told = new Map<number, string>();
  /** For each listing told past the mark, the highest number told of it. */
  private readonly newest = new Map<string, number>();

  get value(): number {
    return this.at;
  }

  /**
   * Whether a change of `id` numbered `seq` is older than what the index reflects: covered by
   * the mark (the log's replay read its listing back since), or older than one told already.
   */
  stale(id: string, seq: number | undefined): boolean {
    if (seq === undefined) return false;
    return seq <= this.at || seq < (this.newest.get(id) ?? 0);
  }

  /** A change the index applied (or will read back, while the log replays). */
  note(id: string, seq: number | undefined): void {
    if (seq === undefined || seq <= this.at) return;
    this.told.set(seq, id);
    if (seq > (this.newest.get(id) ?? 0)) this.newest.set(id, seq);
  }

  /** Moves the mark over the changes told one after the other from it. */
  advance(): void {
    for (let id = this.told.get(this.at + 1); id !== undefined; id = this.told.get(this.at + 1))
      this.drop(++this.at, id);
  }

  /** The index reflects the log through `seq` (it replayed it, or was restored at it). */
  reached(seq: number): void {
    if (seq <= this.at) return;
    this.at = seq;
    for (const [told, id] of this.told) if (told <= seq) this.drop(told, id);
  }

  /** Forgets every told change (their versions were not all applied): the mark waits for the log's replay. */
  forgetTold(): void {
    this.told.clear();
    this.newest.clear();
  }

  private drop(seq: number, id: string): void {
    this.told.delete(seq);
    if (this.newest.get(id) === seq) this.newest.delete(id);
  }
}
