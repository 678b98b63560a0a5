// The hub's in-memory search index: a token → ids map over title and description, plus the few
// fields filters and sorts need. Records stay in IndexedDB; a query yields ids, and the hub
// fetches only the page it returns. Pure: no idb, no DOM.

import type { Category, Listing } from "../listings/records.ts";
import type { SearchQuery, SearchSort } from "./search-query.ts";

interface Entry {
  id: string;
  /** Position in `byOrdinal`: postings hold these small integers, so a match set is a byte array. */
  ordinal: number;
  tokens: string[];
  category: Category;
  kind: "offer" | "wanted";
  /** Comparable price: 0 for free, null for swaps and listings without a price. */
  price: number | null;
  /** The currency of a price above 0; null for free, swaps and listings without a price. */
  currency: string | null;
  updatedAt: number;
  expiresAt: number;
  hasPhoto: boolean;
}

export const MAX_PAGE = 100;
/** Up to this many text matches are sorted directly; more are picked from a cached order. */
const SORT_DIRECTLY = 2_000;

/** Lower-cased words without diacritics: "Café-Bike" → ["cafe", "bike"]. */
export function tokenize(text: string): string[] {
  return text
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((t) => t.length > 0);
}

export class SearchIndex {
  private readonly entries = new Map<string, Entry>();
  private readonly byOrdinal: (Entry | undefined)[] = [];
  private readonly freeOrdinals: number[] = [];
  private readonly postings = new Map<string, Set<number>>();
  /** Sorted vocabulary for prefix lookups; rebuilt lazily after new words arrive. */
  private vocabulary: string[] = [];
  private vocabularyDirty = false;
  /** Every entry in each sort order, rebuilt lazily after a change. */
  private readonly orders = new Map<SearchSort, Entry[]>();

  /** `sortDirectly`: how many text matches are sorted directly rather than picked from a cached order. */
  constructor(private readonly sortDirectly = SORT_DIRECTLY) {}

  get size(): number {
    return this.entries.size;
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }

  /** Adds or replaces the entry for a listing (the caller passes only versions it stored). */
  add(listing: Listing): void {
    this.remove(listing.id);
    this.orders.clear();
    // A tombstone has nothing to find.
    if (listing.deleted) return;
    const entry = describeListing(listing, this.freeOrdinals.pop() ?? this.byOrdinal.length);
    const { tokens, ordinal } = entry;
    this.entries.set(listing.id, entry);
    this.byOrdinal[ordinal] = entry;
    for (const token of tokens) {
      let ids = this.postings.get(token);
      if (!ids) {
        ids = new Set();
        this.postings.set(token, ids);
        this.vocabularyDirty = true;
      }
      ids.add(ordinal);
    }
  }

  remove(id: string): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    this.entries.delete(id);
    this.byOrdinal[entry.ordinal] = undefined;
    this.freeOrdinals.push(entry.ordinal);
    this.orders.clear();
    for (const token of entry.tokens) {
      const ids = this.postings.get(token);
      ids?.delete(entry.ordinal);
      if (ids?.size === 0) {
        this.postings.delete(token);
        this.vocabularyDirty = true;
      }
    }
  }

  /** Ids of the visible listings that match, in the requested order, one page of them. */
  query(query: SearchQuery, now: number): { ids: string[]; total: number } {
    const matched = this.matchText(tokenize(query.text ?? ""));
    const sort = query.sort ?? "newest";
    const passes = (e: Entry) => passesFilters(e, query, now);
    const hits: Entry[] = [];
    if (matched && matched.list.length <= this.sortDirectly) {
      for (const e of matched.list) if (passes(e)) hits.push(e);
      hits.sort(comparator(sort));
    } else {
      // Many candidates: walk the cached order instead of sorting tens of thousands per keystroke.
      const marks = matched?.marks;
      for (const e of this.ordered(sort)) if ((!marks || marks[e.ordinal] === 1) && passes(e)) hits.push(e);
    }
    const offset = Math.max(0, query.offset ?? 0);
    const limit = Math.min(MAX_PAGE, Math.max(1, query.limit ?? 50));
    return { ids: hits.slice(offset, offset + limit).map((e) => e.id), total: hits.length };
  }

  /**
   * Entries whose words start with every query word, or undefined for no words. Walks the
   * postings of the rarest query word only and checks the others against each entry's words.
   */
  private matchText(words: string[]): { marks: Uint8Array; list: Entry[] } | undefined {
    if (!words.length) return undefined;
    let rarest = 0;
    let rarestWords: string[] = [];
    let rarestCount = Number.POSITIVE_INFINITY;
    words.forEach((word, i) => {
      const found = this.wordsWithPrefix(word);
      let count = 0;
      for (const w of found) count += this.postings.get(w)?.size ?? 0;
      if (count < rarestCount) [rarest, rarestWords, rarestCount] = [i, found, count];
    });
    const others = words.filter((_, i) => i !== rarest);
    // 1 = matched, 2 = seen and rejected; a short prefix can reach one entry through many words.
    const marks = new Uint8Array(this.byOrdinal.length);
    const list: Entry[] = [];
    for (const word of rarestWords) {
      for (const ordinal of this.postings.get(word) ?? []) {
        if (marks[ordinal] !== 0) continue;
        const entry = this.byOrdinal[ordinal] as Entry;
        const ok = others.every((o) => entry.tokens.some((t) => t.startsWith(o)));
        marks[ordinal] = ok ? 1 : 2;
        if (ok) list.push(entry);
      }
    }
    return { marks, list };
  }

  private ordered(sort: SearchSort): Entry[] {
    let list = this.orders.get(sort);
    if (!list) {
      list = [...this.entries.values()].sort(comparator(sort));
      this.orders.set(sort, list);
    }
    return list;
  }

  /** Vocabulary words that start with `prefix`. */
  private wordsWithPrefix(prefix: string): string[] {
    if (this.vocabularyDirty) {
      this.vocabulary = [...this.postings.keys()].sort();
      this.vocabularyDirty = false;
    }
    // Binary search for the first word >= prefix, then walk while words start with it.
    let low = 0;
    let high = this.vocabulary.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((this.vocabulary[mid] as string) < prefix) low = mid + 1;
      else high = mid;
    }
    const found: string[] = [];
    for (let i = low; i < this.vocabulary.length; i++) {
      const word = this.vocabulary[i] as string;
      if (!word.startsWith(prefix)) break;
      found.push(word);
    }
    return found;
  }
}

/** An index entry for `listing` at `ordinal`: its words and the fields filters and sorts read. */
function describeListing(listing: Listing, ordinal: number): Entry {
  return {
    id: listing.id,
    ordinal,
    tokens: [...new Set(tokenize(`${listing.title} ${listing.description}`))],
    category: listing.category,
    kind: listing.kind,
    price: listing.pricing === "free" ? 0 : listing.pricing === "swap" ? null : listing.price,
    currency: listing.pricing === "amount" && listing.price ? listing.currency : null,
    updatedAt: listing.updatedAt,
    expiresAt: listing.expiresAt,
    hasPhoto: listing.images.length > 0,
  };
}

/** The query's filters (not its words) on one entry. */
function passesFilters(e: Entry, query: SearchQuery, now: number): boolean {
  const { category, kind, hasPhoto, currency } = query;
  const min = query.minPrice ?? null;
  const max = query.maxPrice ?? null;
  // Expiry is checked at query time: each peer hides expired listings by its own clock.
  if (e.expiresAt <= now) return false;
  if (category && e.category !== category) return false;
  if (kind && e.kind !== kind) return false;
  if (hasPhoto && !e.hasPhoto) return false;
  // Amounts in another currency are not comparable; free listings cost nothing in any.
  if (currency && e.currency !== null && e.currency !== currency) return false;
  if ((min !== null || max !== null) && e.price === null) return false;
  if (min !== null && (e.price as number) < min) return false;
  if (max !== null && (e.price as number) > max) return false;
  return true;
}

/**
 * Whether one listing matches a query exactly as `SearchIndex.query` would find it: every query
 * word starts one of its words, and it passes the filters. Saved searches match arrivals with it;
 * the listing's words are read once for all the queries it is checked against.
 */
export function listingMatcher(listing: Listing): (query: SearchQuery, now: number) => boolean {
  if (listing.deleted) return () => false;
  const entry = describeListing(listing, 0);
  return (query, now) =>
    queryWords(query).every((w) => entry.tokens.some((t) => t.startsWith(w))) && passesFilters(entry, query, now);
}

/** A kept query's words, tokenized once: a sync checks thousands of listings against the same queries. */
const wordsOfQuery = new WeakMap<SearchQuery, string[]>();
function queryWords(query: SearchQuery): string[] {
  let words = wordsOfQuery.get(query);
  if (!words) {
    words = tokenize(query.text ?? "");
    wordsOfQuery.set(query, words);
  }
  return words;
}

export function matchesQuery(listing: Listing, query: SearchQuery, now: number): boolean {
  return listingMatcher(listing)(query, now);
}

function comparator(sort: SearchSort): (a: Entry, b: Entry) => number {
  const newest = (a: Entry, b: Entry) => b.updatedAt - a.updatedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  if (sort === "newest") return newest;
  const sign = sort === "price-asc" ? 1 : -1;
  // Listings without a comparable price go last in either direction.
  return (a, b) => {
    if (a.price === null || b.price === null) return a.price === b.price ? newest(a, b) : a.price === null ? 1 : -1;
    return sign * (a.price - b.price) || newest(a, b);
  };
}
