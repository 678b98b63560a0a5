// What views call things: category names and prices as people read them. The core keeps the
// codes ("for-sale", minor units); words and number formats are the interface's business.

import type { Category, Listing } from "../core/listings/records.ts";

export const CATEGORY_LABELS: Record<Category, string> = {
  "for-sale": "For sale",
  free: "Free",
  swap: "Swap",
  services: "Services",
  housing: "Housing",
  jobs: "Jobs",
  wanted: "Wanted",
  other: "Other",
};

/** A count as "10,000": `toLocaleString("en")` makes a formatter on every call, once per render. */
const countFormat = new Intl.NumberFormat("en");

/** "1 listing", "10,000 listings". */
export function listingCountText(count: number): string {
  return `${countFormat.format(count)} ${count === 1 ? "listing" : "listings"}`;
}

/** Formatters by locale and currency: making one costs ~0.1 ms (×4 on a slow phone), per card. */
const priceFormats = new Map<string, Intl.NumberFormat>();

function priceFormat(locale: string | undefined, currency: string): Intl.NumberFormat {
  const key = `${locale ?? ""} ${currency}`;
  let format = priceFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, { style: "currency", currency });
    priceFormats.set(key, format);
  }
  return format;
}

export function formatPrice(listing: Pick<Listing, "price" | "currency" | "pricing">, locale?: string): string {
  if (listing.pricing === "free") return "Free";
  if (listing.pricing === "swap") return "Swap";
  if (listing.price === null) return "No price given";
  return priceFormat(locale, listing.currency).format(listing.price / 100);
}
