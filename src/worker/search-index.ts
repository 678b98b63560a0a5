// The hub's in-memory search index: a token → ids map over title and description, plus the few
// fields filters and sorts need. Records stay in IndexedDB; a query yields ids, and the hub
// fetches only the page it returns. Pure: no idb, no DOM.

import type { Category, Listing } from "../shared/records.ts";
import type { SearchQuery, SearchSort } from "../shared/search-query.ts";

interface Entry {
  id: string;
  tokens: string[];
  category: Category;
  kind: "offer" | "wanted";
  /** Comparable price: 0 for free, null for swaps and listings without a price. */
  price: number | null;
  updatedAt: number;
  expiresAt: number;
}

export const MAX_PAGE = 100;

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
  private readonly postings = new Map<string, Set<string>>();
  /** Sorted vocabulary for prefix lookups; rebuilt lazily after new words arrive. */
  private vocabulary: string[] = [];
  private vocabularyDirty = false;

  get size(): number {
    return this.entries.size;
  }

  /** Adds or replaces the entry for a listing (the caller passes only versions it stored). */
  add(listing: Listing): void {
    this.remove(listing.id);
    // A tombstone has nothing to find.
    if (listing.deleted) return;
    const tokens = [...new Set(tokenize(`${listing.title} ${listing.description}`))];
    this.entries.set(listing.id, {
      id: listing.id,
      tokens,
      category: listing.category,
      kind: listing.kind,
      price: listing.pricing === "free" ? 0 : listing.pricing === "swap" ? null : listing.price,
      updatedAt: listing.updatedAt,
      expiresAt: listing.expiresAt,
    });
    for (const token of tokens) {
      let ids = this.postings.get(token);
      if (!ids) {
        ids = new Set();
        this.postings.set(token, ids);
        this.vocabularyDirty = true;
      }
      ids.add(listing.id);
    }
  }

  remove(id: string): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    this.entries.delete(id);
    for (const token of entry.tokens) {
      const ids = this.postings.get(token);
      ids?.delete(id);
      if (ids?.size === 0) {
        this.postings.delete(token);
        this.vocabularyDirty = true;
      }
    }
  }

  /** Ids of the visible listings that match, in the requested order, one page of them. */
  query(query: SearchQuery, now: number): { ids: string[]; total: number } {
    const words = tokenize(query.text ?? "");
    let candidates: Iterable<Entry> = this.entries.values();
    if (words.length) {
      const sets = words.map((word) => this.idsWithPrefix(word)).sort((a, b) => a.size - b.size);
      const [smallest, ...rest] = sets;
      const matched: Entry[] = [];
      for (const id of smallest ?? []) {
        if (rest.every((set) => set.has(id))) {
          const entry = this.entries.get(id);
          if (entry) matched.push(entry);
        }
      }
      candidates = matched;
    }
    const { category, kind } = query;
    const min = query.minPrice ?? null;
    const max = query.maxPrice ?? null;
    const hits: Entry[] = [];
    for (const e of candidates) {
      // Expiry is checked at query time: each peer hides expired listings by its own clock.
      if (e.expiresAt <= now) continue;
      if (category && e.category !== category) continue;
      if (kind && e.kind !== kind) continue;
      if ((min !== null || max !== null) && e.price === null) continue;
      if (min !== null && (e.price as number) < min) continue;
      if (max !== null && (e.price as number) > max) continue;
      hits.push(e);
    }
    hits.sort(comparator(query.sort ?? "newest"));
    const offset = Math.max(0, query.offset ?? 0);
    const limit = Math.min(MAX_PAGE, Math.max(1, query.limit ?? 50));
    return { ids: hits.slice(offset, offset + limit).map((e) => e.id), total: hits.length };
  }

  private idsWithPrefix(prefix: string): Set<string> {
    if (this.vocabularyDirty) {
      this.vocabulary = [...this.postings.keys()].sort();
      this.vocabularyDirty = false;
    }
    const exact = this.postings.get(prefix);
    // Binary search for the first word >= prefix, then walk while words start with it.
    let low = 0;
    let high = this.vocabulary.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((this.vocabulary[mid] as string) < prefix) low = mid + 1;
      else high = mid;
    }
    const union = new Set<string>(exact);
    for (let i = low; i < this.vocabulary.length; i++) {
      const word = this.vocabulary[i] as string;
      if (!word.startsWith(prefix)) break;
      if (word !== prefix) for (const id of this.postings.get(word) ?? []) union.add(id);
    }
    return union;
  }
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
