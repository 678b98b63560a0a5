// The one rule of what a query finds: its words as word prefixes of title and description, and
// its filters over a listing's fields. The index (search-index.ts) applies it to many listings at
// once; saved searches apply it to each arrival (listingMatcher), so both always agree.

import type { Listing } from "../listings/records.ts";
import type { Columns, Names } from "./search-columns.ts";
import type { SearchQuery } from "./search-query.ts";

/** Lower-cased words without diacritics: "Café-Bike" → ["cafe", "bike"]. */
export function tokenize(text: string): string[] {
  return text
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((t) => t.length > 0);
}

/** A listing's distinct words, as the index keeps them. */
export function wordsOf(listing: Listing): string[] {
  return [...new Set(tokenize(`${listing.title} ${listing.description}`))];
}

/** What the filters and sorts read of a listing. */
export interface FilterFields {
  category: string;
  kind: string;
  /** Comparable price: 0 for free, NaN for swaps and listings without a price. */
  price: number;
  /** The currency of a price above 0; "" for free, swaps and listings without a price. */
  currency: string;
  expiresAt: number;
  hasPhoto: boolean;
}

export function fieldsOf(listing: Listing): FilterFields {
  const price = listing.pricing === "free" ? 0 : listing.pricing === "swap" ? null : listing.price;
  return {
    category: listing.category,
    kind: listing.kind,
    price: price ?? Number.NaN,
    currency: listing.pricing === "amount" && listing.price ? listing.currency : "",
    expiresAt: listing.expiresAt,
    hasPhoto: listing.images.length > 0,
  };
}

/** The query's filters (not its words) as one test of a listing's fields. */
export function filterOf(query: SearchQuery, now: number): (e: FilterFields) => boolean {
  const { category, kind, hasPhoto, currency } = query;
  const min = query.minPrice ?? null;
  const max = query.maxPrice ?? null;
  return (e) => {
    // Expiry is checked at query time: each peer hides expired listings by its own clock.
    if (e.expiresAt <= now) return false;
    if (category && e.category !== category) return false;
    if (kind && e.kind !== kind) return false;
    if (hasPhoto && !e.hasPhoto) return false;
    // Amounts in another currency are not comparable; free listings cost nothing in any.
    if (currency && e.currency !== "" && e.currency !== currency) return false;
    if ((min !== null || max !== null) && Number.isNaN(e.price)) return false;
    if (min !== null && e.price < min) return false;
    if (max !== null && e.price > max) return false;
    return true;
  };
}

/**
 * filterOf's rule over the index's columns, names as their numbers in the index's tables: a
 * query tests 100,000 entries, and comparing numbers spares looking up six strings for each.
 * The index's property test holds it to filterOf (search-index.test.ts).
 */
/** Whether a query filters on any column (columnFilterOf) beyond hiding what has expired. */
export function hasColumnFilter(query: SearchQuery): boolean {
  const { category, kind, hasPhoto, currency } = query;
  return Boolean(category || kind || hasPhoto || currency) || query.minPrice != null || query.maxPrice != null;
}

export function columnFilterOf(
  query: SearchQuery,
  now: number,
  columns: Columns,
  names: { category: Names; kind: Names; currency: Names },
): (o: number) => boolean {
  const { category, kind, hasPhoto, currency } = query;
  const min = query.minPrice ?? null;
  const max = query.maxPrice ?? null;
  // A name no entry has is no number a column holds.
  const numberOf = (table: Names, name: string) => table.ids.get(name) ?? -1;
  const categoryId = category ? numberOf(names.category, category) : -1;
  const kindId = kind ? numberOf(names.kind, kind) : -1;
  const currencyId = currency ? numberOf(names.currency, currency) : -1;
  const noCurrency = numberOf(names.currency, "");
  const priced = min !== null || max !== null;
  const c = columns;
  return (o) => {
    if ((c.expiresAt[o] as number) <= now) return false;
    if (category && c.category[o] !== categoryId) return false;
    if (kind && c.kind[o] !== kindId) return false;
    if (hasPhoto && c.hasPhoto[o] !== 1) return false;
    if (currency && c.currency[o] !== noCurrency && c.currency[o] !== currencyId) return false;
    if (!priced) return true;
    const price = c.price[o] as number;
    if (Number.isNaN(price)) return false;
    if (min !== null && price < min) return false;
    if (max !== null && price > max) return false;
    return true;
  };
}

/**
 * Whether one listing matches a query exactly as `SearchIndex.query` would find it: every query
 * word starts one of its words, and it passes the filters. Saved searches match arrivals with it;
 * the listing's words are read once for all the queries it is checked against.
 */
export function listingMatcher(listing: Listing): (query: SearchQuery, now: number) => boolean {
  if (listing.deleted) return () => false;
  const words = wordsOf(listing);
  const fields = fieldsOf(listing);
  return (query, now) =>
    queryWords(query).every((w) => words.some((t) => t.startsWith(w))) && filterOf(query, now)(fields);
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
