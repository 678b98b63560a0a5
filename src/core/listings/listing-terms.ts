// What a listing may say and how long it lives: the limits, the fixed vocabularies and the two
// rules of a listing's lifetime. Kept free of valibot (records.ts holds the schemas built from
// these) so the tab's first script, which needs them for the board and its forms, does not build
// every schema before the board can ask for its first page.

import { ValidationError } from "../errors.ts";
import type { Listing } from "./records.ts";

export const LIMITS = {
  titleMax: 120,
  descriptionMax: 5000,
  /** Minor units (cents): a trillion is far past any honest listing. */
  priceMax: 1_000_000_000_000,
  locationMax: 120,
  /** A record may be stamped at most this far in the future (clock skew between devices). */
  clockSkewMs: 5 * 60 * 1000,
  /** A listing lives this long unless its author chooses otherwise. */
  defaultLifetimeDays: 30,
  /** The longest a listing may run from its last edit; renewing starts a new run. */
  maxLifetimeDays: 90,
  /**
   * Others' listings (and tombstones) are pruned this long after they expire. Until then a
   * tombstone keeps blocking older copies; after it, verifyListing refuses them as expired.
   */
  pruneGraceMs: 7 * 24 * 60 * 60 * 1000,
  imagesMax: 4,
  /** A thumbnail's longest side and size; the hub re-encodes photos to fit. */
  imageSideMax: 640,
  imageBytesMax: 100 * 1024,
} as const;

export const DAY_MS = 24 * 60 * 60 * 1000;

/** The fixed list of categories, in the order the forms offer them. */
export const CATEGORIES = ["for-sale", "free", "swap", "services", "housing", "jobs", "wanted", "other"] as const;
export type Category = (typeof CATEGORIES)[number];

/** How a listing is paid for: an amount (price may still be null: "no price given"), free, or a swap. */
export const PRICINGS = ["amount", "free", "swap"] as const;
export type Pricing = (typeof PRICINGS)[number];

export const STATUSES = ["active", "reserved", "sold"] as const;
export type ListingStatus = (typeof STATUSES)[number];

export const CURRENCIES = [
  "EUR",
  "USD",
  "GBP",
  "CHF",
  "SEK",
  "NOK",
  "DKK",
  "PLN",
  "CZK",
  "CAD",
  "AUD",
  "JPY",
  "INR",
  "BRL",
] as const;
export type Currency = (typeof CURRENCIES)[number];

/** Whether a listing should be shown to anyone at `now`: not deleted and not expired. */
export function isVisible(listing: Listing, now: number): boolean {
  return !listing.deleted && listing.expiresAt > now;
}

/** Whether a peer may drop its copy of someone else's listing at `now`. */
export function isPrunable(listing: Listing, now: number): boolean {
  return listing.expiresAt + LIMITS.pruneGraceMs < now;
}

/** "12.5" → 1250 minor units; "" → null (no price). */
export function parsePrice(text: string): number | null {
  const trimmed = text.trim().replace(",", ".");
  if (!trimmed) return null;
  if (trimmed.startsWith("-")) throw new ValidationError("price", "The price cannot be negative.");
  if (!/^\d+(\.\d{1,2})?$/.test(trimmed)) {
    throw new ValidationError("price", "Write the price as a number, like 25 or 12.50.");
  }
  const [whole = "0", fraction = ""] = trimmed.split(".");
  const cents = Number(whole) * 100 + Number(fraction.padEnd(2, "0"));
  if (!Number.isSafeInteger(cents) || cents > LIMITS.priceMax)
    throw new ValidationError("price", "That price is too large.");
  return cents;
}
