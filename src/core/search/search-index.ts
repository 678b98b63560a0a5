// The hub's search index over 100,000 listings in a few tens of MB: entries are columns of typed
// arrays by ordinal, words are postings (search-postings.ts). Records stay in the store; a query
// yields ids and the hub fetches only the page it returns. The whole index is one plain value
// (entries, then words: search-snapshot.ts) the hub keeps in the store's meta, so a start reads it
// instead of every listing, and answers queries without words before the words are read.

import type { Listing } from "../listings/records.ts";
import { type Columns, emptyColumns, Names, NUMERIC } from "./search-columns.ts";
import { EntryIds } from "./search-ids.ts";
import { columnFilterOf, fieldsOf, hasColumnFilter, tokenize, wordsOf } from "./search-match.ts";
import { comparator, merge } from "./search-order.ts";
import { Postings, type PostingsSnapshot } from "./search-postings.ts";
import type { SearchQuery, SearchSort } from "./search-query.ts";
import { type EntriesSnapshot, PackedIds, packIds, SNAPSHOT_FORMAT } from "./search-snapshot.ts";

export { listingMatcher, matchesQuery, tokenize } from "./search-match.ts";
export type { EntriesSnapshot, SearchSnapshot, WordsSnapshot } from "./search-snapshot.ts";

export const MAX_PAGE = 100;
/** Up to this many text matches are sorted directly; more are picked from a cached order. */
const SORT_DIRECTLY = 2_000;
const SORTS: SearchSort[] = ["newest", "price-asc", "price-desc"];
export class SearchIndex {
  /** Listing id by ordinal (undefined once removed, its ordinal never reused until compaction) and back. */
  private ids = new EntryIds();
  /** How many entries are live. */
  private live = 0;
  private columns: Columns = emptyColumns(1024);
  private names = { category: new Names(), kind: new Names(), currency: new Names(), author: new Names() };
  private postings = new Postings();
  /** Restored without its words yet: `postings` holds only what was added since, text queries must wait. */
  private wordsPending = false;
  /** Each cached sort order, and the ordinals added since it was sorted. */
  private orders = new Map<SearchSort, { list: Uint32Array; added: number[]; stale: boolean }>();

  /** `sortDirectly`: how many text matches are sorted directly rather than picked from a cached order. */
  constructor(private readonly sortDirectly = SORT_DIRECTLY) {}

  /** Whether a query needs the words (it has some), which a restored index may not hold yet. */
  static needsWords(query: SearchQuery): boolean {
    return tokenizeQuery(query).length > 0;
  }

  get hasWords(): boolean {
    return !this.wordsPending;
  }

  get size(): number {
    return this.live;
  }

  has(id: string): boolean {
    return this.ids.ordinal(id) !== undefined;
  }

  /** Adds or replaces the entry for a listing (the caller passes only versions it stored). */
  add(listing: Listing): void {
    this.remove(listing.id);
    // A tombstone has nothing to find.
    if (listing.deleted) return;
    const ordinal = this.ids.length;
    if (ordinal === this.columns.updatedAt.length) this.grow(ordinal * 2);
    const fields = fieldsOf(listing);
    const c = this.columns;
    c.updatedAt[ordinal] = listing.updatedAt;
    c.expiresAt[ordinal] = fields.expiresAt;
    c.price[ordinal] = fields.price;
    c.category[ordinal] = this.names.category.id(fields.category);
    c.kind[ordinal] = this.names.kind.id(fields.kind);
    c.currency[ordinal] = this.names.currency.id(fields.currency);
    c.author[ordinal] = this.names.author.id(listing.author);
    c.hasPhoto[ordinal] = fields.hasPhoto ? 1 : 0;
    this.ids.push(listing.id);
    this.live++;
    for (const word of wordsOf(listing)) this.postings.add(word, ordinal);
    for (const [sort, order] of this.orders) {
      order.added.push(ordinal);
      // Past this many, sorting everything again is about as cheap as merging them in.
      if (order.added.length > 4_096) this.orders.delete(sort);
    }
  }

  remove(id: string): void {
    if (this.ids.remove(id) === undefined) return;
    this.live--;
    for (const order of this.orders.values()) order.stale = true;
  }

  /**
   * Ids of the visible listings that match, in the requested order, one page of them.
   * `hidden`: authors whose listings are kept but not shown (the user blocked them).
   */
  query(query: SearchQuery, now: number, hidden?: (author: string) => boolean): { ids: string[]; total: number } {
    if (!this.wordsPending && this.ids.length - this.live > Math.max(10_000, this.live)) this.compact();
    const passes = this.passes(query, now, hidden);
    const sort = query.sort ?? "newest";
    const matched = this.matchText(tokenizeQuery(query));
    const offset = Math.max(0, query.offset ?? 0);
    const limit = Math.min(MAX_PAGE, Math.max(1, query.limit ?? 50));
    const idsOf = (page: number[]) => page.map((o) => this.ids.at(o));
    if (matched && matched.list.length <= this.sortDirectly) {
      const hits = matched.list.filter(passes).sort(this.comparator(sort));
      return { ids: idsOf(hits.slice(offset, offset + limit)), total: hits.length };
    }
    // Many candidates: walk the cached order instead of sorting tens of thousands per keystroke,
    // keeping only the page and counting the rest.
    const marks = matched?.marks;
    // Without words or filters the count is a tight pass over two columns, and the walk stops at
    // the page: a start's first answers (the board's first page and its count) are these.
    const counted = !matched && !hasColumnFilter(query) ? this.countShown(now, hidden) : undefined;
    const page: number[] = [];
    let total = 0;
    for (const o of this.ordered(sort))
      if ((!marks || marks[o] === 1) && passes(o)) {
        if (total >= offset && page.length < limit) page.push(o);
        total++;
        if (counted !== undefined && page.length >= limit) break;
      }
    return { ids: idsOf(page), total: counted ?? total };
  }

  /** The whole index as two values: the entries, and the words by the entries' ordinals. */
  snapshot(): { entries: EntriesSnapshot; words: PostingsSnapshot } {
    if (this.wordsPending) throw new Error("the search index cannot be saved before its words are restored");
    this.compact();
    const count = this.ids.length;
    const columns = Object.fromEntries(NUMERIC.map((k) => [k, this.columns[k].slice(0, count)])) as Columns;
    const orders: EntriesSnapshot["orders"] = {};
    for (const sort of SORTS) orders[sort] = this.ordered(sort).slice();
    const names = {
      category: [...this.names.category.list],
      kind: [...this.names.kind.list],
      currency: [...this.names.currency.list],
      author: [...this.names.author.list],
    };
    const ids = packIds(this.ids.live(), columns.author, names.author);
    return {
      entries: { format: SNAPSHOT_FORMAT, count, ids, ...columns, names, orders },
      words: this.postings.snapshot(),
    };
  }

  /**
   * The index the entries of a snapshot describe, or undefined when they are not ones this code
   * wrote. It answers queries without words at once; its words come with `restoreWords`.
   */
  static restore(snapshot: unknown, sortDirectly = SORT_DIRECTLY): SearchIndex | undefined {
    const s = snapshot as Partial<EntriesSnapshot> | undefined;
    if (s?.format !== SNAPSHOT_FORMAT || typeof s.ids !== "string" || typeof s.count !== "number") return undefined;
    const count = s.count;
    if (NUMERIC.some((k) => !ArrayBuffer.isView(s[k]) || (s[k] as Uint8Array).length !== count)) return undefined;
    const names = s.names as EntriesSnapshot["names"];
    const ids = PackedIds.open(s.ids, count, s.author as Uint32Array, names.author);
    if (!ids) return undefined;
    const index = new SearchIndex(sortDirectly);
    index.ids = EntryIds.restored(ids, count);
    index.live = count;
    index.columns = Object.fromEntries(NUMERIC.map((k) => [k, s[k]])) as Columns;
    if (count === 0) index.columns = emptyColumns(1024);
    index.names = {
      category: new Names(names.category),
      kind: new Names(names.kind),
      currency: new Names(names.currency),
      author: new Names(names.author),
    };
    index.wordsPending = true;
    for (const [sort, list] of Object.entries(s.orders ?? {}))
      if (list.length === count) index.orders.set(sort as SearchSort, { list, added: [], stale: false });
    return index;
  }

  /** Adds the words saved with the entries it was restored from; false when they are not ones this code wrote. */
  restoreWords(snapshot: unknown): boolean {
    if (!this.wordsPending) return true;
    const restored = Postings.restore(snapshot);
    if (!restored) return false;
    // Entries added since the restore came after every saved ordinal.
    restored.append(this.postings);
    this.postings = restored;
    this.wordsPending = false;
    return true;
  }

  private grow(capacity: number): void {
    const next = emptyColumns(capacity);
    for (const k of NUMERIC) next[k].set(this.columns[k].subarray(0, Math.min(capacity, this.ids.length)));
    this.columns = next;
  }

  /** Renumbers the live entries 0…n-1, in the order they were added, dropping removed ones. */
  private compact(): void {
    if (this.ids.length === this.live) return;
    const remap = this.ids.compact();
    const next = emptyColumns(Math.max(1024, this.live * 2));
    for (const k of NUMERIC) {
      const from = this.columns[k];
      for (let o = 0; o < remap.length; o++)
        if ((remap[o] as number) >= 0) next[k][remap[o] as number] = from[o] as number;
    }
    this.columns = next;
    this.postings.remap(remap);
    // Renumbered, the cached orders stay sorted: nothing to sort again after a compaction.
    for (const order of this.orders.values()) {
      const list: number[] = [];
      for (const o of order.list) if ((remap[o] as number) >= 0) list.push(remap[o] as number);
      order.list = Uint32Array.from(list);
      order.added = order.added.filter((o) => (remap[o] as number) >= 0).map((o) => remap[o] as number);
      order.stale = false;
    }
  }

  /** The query's filters and the hidden authors, as one test of an ordinal. */
  private passes(query: SearchQuery, now: number, hidden?: (author: string) => boolean): (o: number) => boolean {
    const { columns: c, names } = this;
    const ids = this.ids.list;
    const filter = columnFilterOf(query, now, c, names);
    // 0: not asked yet, 1: shown, 2: hidden; asked once per author and query.
    const authors = new Uint8Array(names.author.list.length);
    return (o) => {
      if (ids[o] === undefined || !filter(o)) return false;
      if (hidden) {
        const a = c.author[o] as number;
        if (authors[a] === 0) authors[a] = hidden(names.author.list[a] as string) ? 2 : 1;
        if (authors[a] === 2) return false;
      }
      return true;
    };
  }

  /**
   * Ordinals whose words start with every query word, or undefined for no words: the rarest
   * word's postings, narrowed by each other word's (a word matches through any word it prefixes).
   */
  private matchText(words: string[]): { marks: Uint8Array; list: number[] } | undefined {
    if (!words.length) return undefined;
    if (this.wordsPending) throw new Error("the search index was asked for words before they were restored");
    const found = words.map((w) => this.postings.withPrefix(w)).sort((a, b) => a.count - b.count);
    const size = this.ids.length;
    let marks = new Uint8Array(size);
    let list: number[] = [];
    for (const posting of (found[0] as { lists: Uint32Array[] }).lists)
      for (const o of posting)
        if (marks[o] === 0 && this.ids.isLive(o)) {
          marks[o] = 1;
          list.push(o);
        }
    for (const other of found.slice(1)) {
      const next = new Uint8Array(size);
      for (const posting of other.lists) for (const o of posting) next[o] = marks[o] as number;
      marks = next;
      list = list.filter((o) => marks[o] === 1);
    }
    return { marks, list };
  }

  private ordered(sort: SearchSort): Uint32Array {
    const compare = this.comparator(sort);
    let order = this.orders.get(sort);
    if (!order) {
      const live: number[] = [];
      for (let o = 0; o < this.ids.length; o++) if (this.ids.isLive(o)) live.push(o);
      order = { list: Uint32Array.from(live.sort(compare)), added: [], stale: false };
      this.orders.set(sort, order);
    } else if (order.stale || order.added.length) {
      order.list = merge(order.list, order.added.sort(compare), compare, (o) => this.ids.isLive(o));
      order.added = [];
      order.stale = false;
    }
    return order.list;
  }

  private comparator(sort: SearchSort): (a: number, b: number) => number {
    return comparator(sort, this.columns, (o) => this.ids.at(o));
  }

  /** How many live entries are shown to a query without words or filters: unexpired, author not hidden. */
  private countShown(now: number, hidden?: (author: string) => boolean): number {
    const { expiresAt, author } = this.columns;
    const authors = this.names.author.list;
    const shown = new Uint8Array(authors.length).fill(1);
    if (hidden) for (let a = 0; a < authors.length; a++) if (hidden(authors[a] as string)) shown[a] = 0;
    const ids = this.ids.list;
    let total = 0;
    for (let o = 0; o < ids.length; o++)
      if ((expiresAt[o] as number) > now && shown[author[o] as number] === 1 && ids[o] !== undefined) total++;
    return total;
  }
}

const tokenizeQuery = (query: SearchQuery) => tokenize(query.text ?? "");
