// A saved search: the words and filters of a search the user kept, and the listings that matched
// it since, as the hub stores it (Store.putSavedSearch). Checked here before anything is stored.

import { ValidationError } from "../errors.ts";
import { CATEGORIES, CURRENCIES } from "../listings/records.ts";
import { tokenize } from "./search-index.ts";
import type { SearchQuery } from "./search-query.ts";

/** What a saved search keeps of a query: words and filters, not the sort or the page. */
export type SavedQuery = Omit<SearchQuery, "sort" | "limit" | "offset">;

/** A listing that matched, and when it was matched here. */
export interface SavedMatch {
  listingId: string;
  at: number;
}

export interface SavedSearchRecord {
  id: string;
  query: SavedQuery;
  createdAt: number;
  /** Whether each match raises a system notification (the user turned it on with "Notify me"). */
  notify: boolean;
  /** Newest first, at most MAX_MATCHES: the oldest are forgotten. */
  matches: SavedMatch[];
  /** Matches made after this time are new to the user. */
  seenAt: number;
}

/** Saved searches a user keeps at most: each new listing is matched against every one. */
export const MAX_SAVED_SEARCHES = 20;
/** Matches remembered per saved search. */
export const MAX_MATCHES = 100;
const MAX_TEXT = 200;
/** The largest price bound: a price field holds at most 12 digits of minor units. */
const MAX_PRICE = 1e12;

export const SAVED_SEARCH_ID = /^[A-Za-z0-9_-]{8,64}$/;

/**
 * The query as it will be stored, with only the fields a saved search keeps, or a
 * ValidationError naming the field that is wrong. An empty query matches everything: refused.
 */
export function checkSavedQuery(query: SavedQuery): SavedQuery {
  const text = typeof query.text === "string" ? query.text.trim().replace(/\s+/g, " ") : "";
  if (query.text !== undefined && typeof query.text !== "string")
    throw new ValidationError("text", "The search words must be text.");
  if (text.length > MAX_TEXT) throw new ValidationError("text", `Keep the search words under ${MAX_TEXT} characters.`);
  const { category, kind, currency, hasPhoto } = query;
  if (category && !(CATEGORIES as readonly string[]).includes(category))
    throw new ValidationError("category", "Choose a category from the list.");
  if (kind && kind !== "offer" && kind !== "wanted") throw new ValidationError("kind", "Choose offered or wanted.");
  if (currency && !(CURRENCIES as readonly string[]).includes(currency))
    throw new ValidationError("currency", "Choose a currency from the list.");
  if (hasPhoto !== undefined && typeof hasPhoto !== "boolean")
    throw new ValidationError("photo", "Has photo is either on or off.");
  const bound = (value: number | null | undefined, field: string): number | null => {
    if (value === undefined || value === null) return null;
    if (!Number.isInteger(value) || value < 0 || value > MAX_PRICE)
      throw new ValidationError(field, "A price bound is a positive amount.");
    return value;
  };
  const minPrice = bound(query.minPrice, "min");
  const maxPrice = bound(query.maxPrice, "max");
  if (minPrice !== null && maxPrice !== null && minPrice > maxPrice)
    throw new ValidationError("max", "The highest price is below the lowest.");
  const checked: SavedQuery = {
    text,
    category: category ?? "",
    kind: kind ?? "",
    currency: currency ?? "",
    minPrice,
    maxPrice,
    hasPhoto: hasPhoto === true,
  };
  if (!tokenize(text).length && !checked.category && !checked.kind && minPrice === null && maxPrice === null)
    throw new ValidationError("text", "Type some words or choose a category, kind or price first.");
  return checked;
}

/** Two checked queries that find the same listings (the same words in any case, the same filters). */
export function sameQuery(a: SavedQuery, b: SavedQuery): boolean {
  const words = (q: SavedQuery) => tokenize(q.text ?? "").join(" ");
  return (
    words(a) === words(b) &&
    a.category === b.category &&
    a.kind === b.kind &&
    a.currency === b.currency &&
    a.minPrice === b.minPrice &&
    a.maxPrice === b.maxPrice &&
    a.hasPhoto === b.hasPhoto
  );
}

/** How many matches the user has not looked at. */
export function unseenCount(record: SavedSearchRecord): number {
  return record.matches.filter((m) => m.at > record.seenAt).length;
}
