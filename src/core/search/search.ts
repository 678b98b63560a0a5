// Search in the hub: the SearchIndex decides which ids match, the store supplies the records of
// the one page asked for. Views never receive more than a page of listings.
//
// The index is kept in the store's meta (search-copy.ts: the entries, then their words, and the
// number of the last listing change they reflect). A start reads that copy and replays the
// store's listing change log after it, so it never reads every listing. Each version is told with
// its number in the log, so the mark follows the changes told without reading them back
// (search-mark.ts); the log is read only past a gap (a change never told). The copy is saved again
// every SAVE_AFTER changes, once they stop coming for a moment (save-schedule.ts: not in the
// middle of a sync). A crash between a listing write and the index leaves the write in the log
// (same transaction), so the next start replays it: the index never misses or keeps a listing the
// store does not, however late the save. A copy, or words, this code cannot read are rebuilt from
// every listing, once.

import type { SearchResult } from "../api.ts";
import type { Listing } from "../listings/records.ts";
import type { Clock } from "../ports.ts";
import type { Store } from "../store.ts";
import { SaveSchedule } from "./save-schedule.ts";
import { readEntries, readWords, type SavedEntries, SEARCH_WORDS_KEYS, writeCopy } from "./search-copy.ts";
import { SearchIndex } from "./search-index.ts";
import { SearchMark } from "./search-mark.ts";
import type { SearchQuery } from "./search-query.ts";

/** Changes read from the log, and listings read from the store, at a time. */
const PAGE = 500;
/** Changes since the saved copy that make it worth saving again (a start replays at most about this many). */
export const SAVE_AFTER = 2_000;
/** A due save waits for a quiet moment (save-schedule.ts), but not past this many times SAVE_AFTER changes. */
const SAVE_WAIT_MAX_CHANGES = 10;

export interface SearchOptions {
  /** Authors whose listings stay stored and indexed but are not shown (the user blocked them). */
  hidden?: (author: string) => boolean;
  /** Overrides SAVE_AFTER (tests). */
  saveAfter?: number;
  /** Where a failed save goes (the index stays usable; the next start replays more of the log). */
  warn?: (message: string) => void;
  /** Timers for waiting out a stream of changes before a save; without it a due save starts at once. */
  clock?: Pick<Clock, "setTimeout" | "clearTimeout">;
}

export class Search {
  private index = new SearchIndex();
  /** How far the index reflects the store's change log, and the changes told past it. */
  private readonly mark = new SearchMark();
  private changesSinceSave = 0;
  /** While the log is replayed, changes told to us wait here and are read from the store after. */
  private pending: Set<string> | undefined = new Set();
  private replaying: Promise<void>;
  /** Settles once the saved entries are read (or their read failed), before the log is replayed. */
  readonly entriesRead: Promise<void>;
  private entriesDone: () => void = () => {};
  /** Resolves once the index holds its words (read after the entries, or rebuilt). */
  private words: Promise<void> = Promise.resolve();
  /** The restored index and where its words are, until they are read. */
  private unread: Omit<SavedEntries, "mark"> | undefined;
  /** The words slot the saved entries point at. */
  private wordsKey: string = SEARCH_WORDS_KEYS[1];
  private saving: Promise<void> | undefined;
  private readonly schedule: SaveSchedule;

  constructor(
    private readonly store: Store,
    private readonly now: () => number,
    private readonly options: SearchOptions = {},
  ) {
    this.schedule = new SaveSchedule(now, options.clock, () => this.saveIfDue(true));
    this.entriesRead = new Promise((done) => {
      this.entriesDone = done;
    });
    this.replaying = this.load();
    void this.replaying.finally(this.entriesDone).catch(() => undefined);
  }

  /** Resolves once the index reflects the store (the saved copy read and the log after it replayed). */
  get ready(): Promise<void> {
    return this.replaying;
  }

  /** Reads the saved words if they are not yet; resolves once queries with words answer too. */
  get wordsReady(): Promise<void> {
    return this.readWords();
  }

  /** A version the store accepted (new, edited, or a tombstone), and its number in the store's change log. */
  update(listing: Listing, seq?: number): void {
    if (this.mark.stale(listing.id, seq)) return;
    if (this.pending) this.pending.add(listing.id);
    else this.index.add(listing);
    this.changed(listing.id, seq);
  }

  /** A listing the store no longer holds (pruned), and the delete's number in the store's change log. */
  remove(id: string, seq?: number): void {
    if (this.mark.stale(id, seq)) return;
    if (this.pending) this.pending.add(id);
    else this.index.remove(id);
    this.changed(id, seq);
  }

  /**
   * Whether the index holds a listing with this id. Until the saved copy is read and the log
   * replayed (the first moments of a start) only what the copy held counts.
   */
  has(id: string): boolean {
    return this.index.has(id);
  }

  async search(query: SearchQuery): Promise<SearchResult> {
    await this.settled(query);
    const { ids, total } = this.index.query(query, this.now(), this.options.hidden);
    const listings = await this.store.getListings(ids);
    if (this.unread)
      this.readWords().catch((error: unknown) => this.warn(`could not read the search words: ${String(error)}`));
    return { listings, total };
  }

  /** How many listings a query finds, without reading any (the board's count, asked as a sync streams in). */
  async count(query: SearchQuery = {}): Promise<number> {
    await this.settled(query);
    return this.index.query({ ...query, limit: 1 }, this.now(), this.options.hidden).total;
  }

  /** Resolves once the index can answer `query`: replayed, and holding its words if it asks for some. */
  private async settled(query: SearchQuery): Promise<void> {
    // A rebuild (the words unreadable) starts a new replay: wait for whichever is current.
    for (let current = this.replaying; ; current = this.replaying) {
      await current;
      if (SearchIndex.needsWords(query)) await this.readWords();
      if (current === this.replaying) break;
    }
  }

  /** Saves the index now (after replaying the log), so the next start replays nothing before it. */
  save(): Promise<void> {
    this.schedule.started();
    this.saving ??= this.saveNow().finally(() => {
      this.saving = undefined;
    });
    return this.saving;
  }

  private async load(): Promise<void> {
    const saved = await readEntries(this.store);
    this.entriesDone();
    if (saved === "unreadable") {
      // Its log is gone with it, so read every listing once.
      await this.rebuild();
    } else if (saved) {
      this.index = saved.index;
      this.mark.reached(saved.mark);
      this.wordsKey = saved.words.key;
      this.unread = saved;
    }
    await this.replay();
  }

  private readWords(): Promise<void> {
    const unread = this.unread;
    if (unread) {
      this.unread = undefined;
      this.words = this.loadWords(unread);
    }
    return this.words;
  }

  /** Reads the words saved with the entries; words that are not theirs mean a rebuild. */
  private async loadWords(entries: Omit<SavedEntries, "mark">): Promise<void> {
    try {
      if (await readWords(this.store, entries)) return;
    } catch (error) {
      // Nothing is lost: the next query with words, or the next save, reads them again.
      this.unread ??= entries;
      throw error;
    }
    const again = this.replaying
      .catch(() => undefined)
      .then(async () => {
        this.pending ??= new Set();
        await this.rebuild();
        await this.replay();
      });
    this.replaying = again;
    await again;
  }

  /** The whole index from every stored listing, at the log's end (only when the saved copy is unusable). */
  private async rebuild(): Promise<void> {
    let mark = this.mark.value;
    for (let page = await this.changesAfter(mark); page.length; page = await this.changesAfter(mark))
      mark = page.at(-1)?.seq ?? mark;
    this.index = new SearchIndex();
    for (const listing of await this.store.listListings()) this.index.add(listing);
    this.mark.reached(mark);
    this.changesSinceSave = Number.POSITIVE_INFINITY;
  }

  private changesAfter(mark: number) {
    return this.store.listListingChangesAfter(mark, PAGE);
  }

  /**
   * Applies every change in the log after the mark (up to `pages` pages of it), reading each
   * changed id's stored version, then whatever was told to us meanwhile, until nothing is left;
   * only then are changes applied as they are told (a version read before a later write must
   * not land after it).
   */
  private async replay(pages = Number.POSITIVE_INFINITY): Promise<void> {
    this.pending ??= new Set();
    try {
      await this.replayLog(this.pending, pages);
    } catch (error) {
      // Changes told from now on apply at once; the next replay reads the rest from the log,
      // those told meanwhile too (not read back: the mark must not pass them).
      this.pending = undefined;
      this.mark.forgetTold();
      throw error;
    }
    this.saveIfDue();
  }

  private async replayLog(pending: Set<string>, pages: number): Promise<void> {
    // The log is read to the end it had when a page came back short, or for `pages` pages: writes
    // after that are told to us (they wait in `pending`) and the mark covers only what was read,
    // so reading on would only chase a sync that writes faster than we read, every search waiting.
    for (let end = false, read = 0; ; ) {
      const changes = end ? [] : await this.changesAfter(this.mark.value);
      if (changes.length) {
        await this.apply(changes.map((c) => c.id));
        this.mark.reached(changes.at(-1)?.seq ?? 0);
        this.changesSinceSave += changes.length;
      }
      if (changes.length < PAGE || ++read >= pages) end = true;
      if (!end) continue;
      const told = [...pending];
      if (!told.length) {
        // In the same turn as the check: a change told after it applies at once, none is left
        // waiting in a set nobody reads again. Those told meanwhile are read back: the mark may pass them.
        this.pending = undefined;
        this.mark.advance();
        return;
      }
      pending.clear();
      await this.apply(told);
    }
  }

  private saveIfDue(force = false): void {
    const saveAfter = this.options.saveAfter ?? SAVE_AFTER;
    if (this.pending || this.changesSinceSave < saveAfter) return;
    if (force) this.save().catch((error: unknown) => this.warn(`could not save the search index: ${String(error)}`));
    else this.schedule.changed(this.changesSinceSave >= saveAfter * SAVE_WAIT_MAX_CHANGES);
  }

  private warn(message: string): void {
    this.options.warn?.(message);
  }

  private async apply(ids: string[]): Promise<void> {
    const unique = [...new Set(ids)];
    for (let i = 0; i < unique.length; i += PAGE) {
      const chunk = unique.slice(i, i + PAGE);
      const stored = new Map((await this.store.getListings(chunk)).map((l) => [l.id, l]));
      for (const id of chunk) {
        const listing = stored.get(id);
        if (listing) this.index.add(listing);
        else this.index.remove(id);
      }
    }
  }

  private changed(id: string, seq: number | undefined): void {
    this.mark.note(id, seq);
    if (!this.pending) this.mark.advance();
    this.changesSinceSave++;
    this.saveIfDue();
  }

  private async saveNow(): Promise<void> {
    await this.replaying;
    await this.readWords();
    // Catch up with the log first: the copy then reflects every change up to its mark. A failed
    // catch-up must not fail every later search: those answer from the index as it is.
    // About the changes told since the last save are in the log; past them the catch-up would
    // chase a sync's writes (the copy's mark covers what it read, the rest is told or replayed).
    const replay = this.replay(Math.ceil(this.changesSinceSave / PAGE) + 1);
    this.replaying = replay.catch(() => undefined);
    await replay;
    const mark = this.mark.value;
    // The snapshot is taken before writeCopy's first await: changes from here on count for the next save.
    const writing = writeCopy(this.store, this.index, mark, this.wordsKey);
    this.changesSinceSave = 0;
    this.wordsKey = await writing;
    await this.store.forgetListingChangesThrough(mark);
  }
}
