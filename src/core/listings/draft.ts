// A listing from what the user typed: the draft's fields checked one by one (each refusal names
// its field, so the form can show it there), prices parsed into minor units, and a new signed
// listing made from a checked draft.

import type { Identity } from "../crypto.ts";
import { ValidationError } from "../errors.ts";
import { parsePrice } from "./listing-terms.ts";
import {
  CATEGORIES,
  type Category,
  CURRENCIES,
  DAY_MS,
  type ImageRef,
  LIMITS,
  type Listing,
  newListingId,
  PRICINGS,
  type Pricing,
  signListing,
} from "./records.ts";

// Parsing a price is a rule of what a listing may say (listing-terms.ts), spoken for here too.
export { parsePrice } from "./listing-terms.ts";

/** What the user typed into the "New listing" (or "Edit listing") form. */
export interface ListingDraft {
  title: string;
  description: string;
  /** As typed, e.g. "12.50"; empty means no price given. Ignored unless pricing is "amount". */
  price: string;
  currency: string;
  kind?: "offer" | "wanted";
  /** Defaults to "for-sale" for offers and "wanted" for wanted listings. */
  category?: string;
  pricing?: string;
  location?: string;
  /** Days from now until the listing expires; defaults to LIMITS.defaultLifetimeDays. */
  lifetimeDays?: number | string;
  /** Photos the user picked; the hub turns them into thumbnails. When editing, set = replace. */
  photos?: Blob[];
}

export type DraftFields = Pick<
  Listing,
  "title" | "description" | "price" | "currency" | "kind" | "category" | "pricing" | "location"
>;

/** Checks a draft and returns its clean fields, or throws a ValidationError naming the field. */
export function checkDraft(draft: ListingDraft): DraftFields {
  const title = draft.title.trim();
  if (!title) throw new ValidationError("title", "Give your listing a title.");
  if (title.length > LIMITS.titleMax) {
    throw new ValidationError("title", `Keep the title to ${LIMITS.titleMax} characters (it has ${title.length}).`);
  }
  const description = draft.description.trim();
  if (description.length > LIMITS.descriptionMax) {
    throw new ValidationError(
      "description",
      `Keep the description to ${LIMITS.descriptionMax} characters (it has ${description.length}).`,
    );
  }
  const currency = draft.currency as Listing["currency"];
  if (!CURRENCIES.includes(currency)) throw new ValidationError("currency", "Choose a currency from the list.");
  const kind = draft.kind ?? "offer";
  if (kind !== "offer" && kind !== "wanted") throw new ValidationError("kind", "Choose offer or wanted.");
  const category = (draft.category || (kind === "wanted" ? "wanted" : "for-sale")) as Category;
  if (!CATEGORIES.includes(category)) throw new ValidationError("category", "Choose a category from the list.");
  const pricing = (draft.pricing || "amount") as Pricing;
  if (!PRICINGS.includes(pricing)) throw new ValidationError("pricing", "Choose a price, free or swap.");
  const location = (draft.location ?? "").trim();
  if (location.length > LIMITS.locationMax) {
    throw new ValidationError(
      "location",
      `Keep the location to ${LIMITS.locationMax} characters (it has ${location.length}).`,
    );
  }
  const price = pricing === "amount" ? parsePrice(draft.price) : null;
  return { title, description, price, currency, kind, category, pricing, location };
}

/** The lifetime the user chose, in whole days; throws a ValidationError naming "lifetime". */
export function checkLifetime(days: number | string | undefined): number {
  if (days === undefined || days === "") return LIMITS.defaultLifetimeDays;
  const n = typeof days === "number" ? days : Number(days.trim());
  if (!Number.isInteger(n) || n < 1 || n > LIMITS.maxLifetimeDays) {
    throw new ValidationError("lifetime", `Choose between 1 and ${LIMITS.maxLifetimeDays} days.`);
  }
  return n;
}

export async function createListing(
  identity: Identity,
  draft: ListingDraft,
  now: number,
  images: ImageRef[] = [],
): Promise<Listing> {
  const fields = checkDraft(draft);
  const lifetime = checkLifetime(draft.lifetimeDays);
  return signListing(identity, {
    id: newListingId(identity.peerId),
    author: identity.peerId,
    authorKey: identity.publicKey,
    version: 1,
    createdAt: now,
    updatedAt: now,
    expiresAt: now + lifetime * DAY_MS,
    ...fields,
    images,
    status: "active",
    deleted: false,
  });
}
