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

export function formatPrice(listing: Pick<Listing, "price" | "currency" | "pricing">, locale?: string): string {
  if (listing.pricing === "free") return "Free";
  if (listing.pricing === "swap") return "Swap";
  if (listing.price === null) return "No price given";
  return new Intl.NumberFormat(locale, { style: "currency", currency: listing.currency }).format(listing.price / 100);
}
