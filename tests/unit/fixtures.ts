// Shared helpers for the unit tests: drafts, signed listing versions, polling.

import type { Identity } from "../../src/core/crypto.ts";
import type { ListingDraft } from "../../src/core/listings/draft.ts";
import { type Listing, signListing } from "../../src/core/listings/records.ts";

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
