// Shared helpers for the unit tests: drafts, signed listing versions, polling.

import type { Identity } from "../../src/core/crypto.ts";
import type { ListingDraft } from "../../src/core/listings/draft.ts";
import { DAY_MS, type Listing, signListing } from "../../src/core/listings/records.ts";

export function draft(changes: Partial<ListingDraft> = {}): ListingDraft {
  return { title: "Bike, 3 gears", description: "Red, some rust.", price: "40", currency: "EUR", ...changes };
}

/** The next version of `listing`, re-signed by `identity` (its author, unless testing otherwise). */
export function nextVersion(
  identity: Identity,
  listing: Listing,
  changes: Partial<Omit<Listing, "signature">> = {},
): Promise<Listing> {
  const { signature: _, ...unsigned } = listing;
  return signListing(identity, {
    ...unsigned,
    version: listing.version + 1,
    updatedAt: listing.updatedAt + 1,
    ...changes,
  });
}

/**
 * A listing as the store holds it, with a signature of the right shape that nothing checks: for
 * the index and the store, which see only records the hub already accepted.
 */
export function unsignedListing(changes: Partial<Listing> = {}, now = Date.now()): Listing {
  return {
    id: "aaaaaaaa-1",
    author: "pb-aaaaaaaaaaaaaaaaaaaaaaaaaa",
    authorKey: "k".repeat(87),
    version: 1,
    createdAt: now,
    updatedAt: now,
    expiresAt: now + DAY_MS,
    kind: "offer",
    category: "for-sale",
    title: "Thing",
    description: "",
    pricing: "amount",
    price: 1000,
    currency: "EUR",
    location: "",
    images: [],
    status: "active",
    deleted: false,
    signature: "s".repeat(86),
    ...changes,
  };
}
