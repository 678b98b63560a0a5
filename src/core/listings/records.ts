// Signed records (DESIGN.md §4): the listing schema, its limits, signing, verification and the
// rule that decides which of two versions of a listing wins. Pure: no storage, no network.

import * as v from "valibot";
import {
  type Identity,
  keyMatchesPeerId,
  PEER_ID_PATTERN,
  PEER_ID_PREFIX,
  type PeerId,
  sign,
  verify,
} from "../crypto.ts";
import { base32Encode, canonicalJson } from "../encoding.ts";
import { ValidationError } from "../errors.ts";

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

const PeerIdSchema = v.pipe(v.string(), v.regex(PEER_ID_PATTERN));
const Base64url = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]+$/));
const Timestamp = v.pipe(v.number(), v.safeInteger(), v.minValue(0));

/** A photo thumbnail a listing carries: the receiver checks the bytes it fetches against `hash`. */
export const ImageRefSchema = v.strictObject({
  /** SHA-256 of the image bytes, base64url. */
  hash: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{43}$/)),
  type: v.picklist(["image/webp", "image/jpeg"]),
  bytes: v.pipe(v.number(), v.safeInteger(), v.minValue(1), v.maxValue(LIMITS.imageBytesMax)),
  width: v.pipe(v.number(), v.safeInteger(), v.minValue(1), v.maxValue(LIMITS.imageSideMax)),
  height: v.pipe(v.number(), v.safeInteger(), v.minValue(1), v.maxValue(LIMITS.imageSideMax)),
});
export type ImageRef = v.InferOutput<typeof ImageRefSchema>;

/** Everything a listing says, as it travels and as it is stored. */
const ListingFields = v.strictObject({
  id: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{8,64}$/)),
  author: PeerIdSchema,
  /** The author's raw ECDSA public key: anyone can check it hashes to `author` and verify. */
  authorKey: v.pipe(Base64url, v.length(87)),
  version: v.pipe(v.number(), v.safeInteger(), v.minValue(1)),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  expiresAt: Timestamp,
  kind: v.picklist(["offer", "wanted"]),
  category: v.picklist(CATEGORIES),
  title: v.pipe(v.string(), v.maxLength(LIMITS.titleMax)),
  description: v.pipe(v.string(), v.maxLength(LIMITS.descriptionMax)),
  pricing: v.picklist(PRICINGS),
  price: v.nullable(v.pipe(v.number(), v.safeInteger(), v.minValue(0), v.maxValue(LIMITS.priceMax))),
  currency: v.picklist(CURRENCIES),
  location: v.pipe(v.string(), v.maxLength(LIMITS.locationMax)),
  images: v.pipe(v.array(ImageRefSchema), v.maxLength(LIMITS.imagesMax)),
  status: v.picklist(STATUSES),
  /** A tombstone: the author deleted the listing. Its content fields are emptied. */
  deleted: v.boolean(),
  signature: v.pipe(Base64url, v.length(86)),
});

/**
 * A live listing needs a title and a price only when priced by amount; a tombstone carries no
 * content at all, so a deleted listing's text does not linger in other people's stores.
 */
export const ListingSchema = v.pipe(
  ListingFields,
  v.check(
    (l) =>
      l.deleted
        ? l.title === "" && l.description === "" && l.location === "" && l.price === null && l.images.length === 0
        : l.title.trim().length > 0 && (l.pricing === "amount" || l.price === null),
    "A listing needs a title; a tombstone carries no content",
  ),
);

export type Listing = v.InferOutput<typeof ListingSchema>;
export type UnsignedListing = Omit<Listing, "signature">;

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

export function formatPrice(listing: Pick<Listing, "price" | "currency" | "pricing">, locale?: string): string {
  if (listing.pricing === "free") return "Free";
  if (listing.pricing === "swap") return "Swap";
  if (listing.price === null) return "No price given";
  return new Intl.NumberFormat(locale, { style: "currency", currency: listing.currency }).format(listing.price / 100);
}

function signedText(record: UnsignedListing): string {
  return `peerboard-listing-v1\n${canonicalJson(record)}`;
}

export async function signListing(identity: Identity, record: UnsignedListing): Promise<Listing> {
  return { ...record, signature: await sign(identity.signing.privateKey, signedText(record)) };
}

/**
 * A listing id starts with its author's id (without "pb-"), then 80 random bits. Verification
 * checks the prefix, so nobody can publish a record under an id someone else has created.
 */
export function newListingId(author: PeerId): string {
  return `${author.slice(PEER_ID_PREFIX.length)}-${base32Encode(crypto.getRandomValues(new Uint8Array(10)))}`;
}

export function listingIdBelongsTo(id: string, author: PeerId): boolean {
  return id.startsWith(`${author.slice(PEER_ID_PREFIX.length)}-`);
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

export type ListingRejection =
  | "malformed"
  | "foreign-id"
  | "bad-signature"
  | "key-mismatch"
  | "from-the-future"
  | "bad-timestamps"
  /** Past its expiry and the prune grace: stale, not malicious; nobody keeps it any more. */
  | "expired";

/**
 * Checks a listing that arrived from anywhere: shape, key ↔ author id, signature, timestamps.
 * Returns the typed record or why it was rejected; a rejected record must not be stored.
 */
export async function verifyListing(
  raw: unknown,
  now: number,
): Promise<{ ok: true; listing: Listing } | { ok: false; reason: ListingRejection }> {
  const parsed = v.safeParse(ListingSchema, raw);
  if (!parsed.success) return { ok: false, reason: "malformed" };
  const listing = parsed.output;
  if (!listingIdBelongsTo(listing.id, listing.author)) return { ok: false, reason: "foreign-id" };
  if (listing.createdAt > listing.updatedAt) return { ok: false, reason: "bad-timestamps" };
  if (listing.expiresAt <= listing.updatedAt || listing.expiresAt > listing.updatedAt + LIMITS.maxLifetimeDays * DAY_MS)
    return { ok: false, reason: "bad-timestamps" };
  if (listing.updatedAt > now + LIMITS.clockSkewMs) return { ok: false, reason: "from-the-future" };
  if (!(await keyMatchesPeerId(listing.authorKey, listing.author))) return { ok: false, reason: "key-mismatch" };
  const { signature, ...unsigned } = listing;
  if (!(await verify(listing.authorKey, signature, signedText(unsigned))))
    return { ok: false, reason: "bad-signature" };
  if (listing.expiresAt + LIMITS.pruneGraceMs < now) return { ok: false, reason: "expired" };
  return { ok: true, listing };
}

/**
 * Orders two versions of the same listing: a tombstone beats any live version (deletion is
 * final, so a late or equivocating edit never resurrects it), then the higher version wins,
 * then later updatedAt, then the larger signed content, so every peer picks the same winner
 * even if an author equivocates.
 * The signature itself never decides: ECDSA signatures are malleable (s ↔ n − s), and a
 * re-encoded copy of an unchanged record must not count as news.
 */
export function compareVersions(a: Listing, b: Listing): number {
  if (a.deleted !== b.deleted) return a.deleted ? 1 : -1;
  if (a.version !== b.version) return a.version - b.version;
  if (a.updatedAt !== b.updatedAt) return a.updatedAt - b.updatedAt;
  const contentA = canonicalJson({ ...a, signature: undefined });
  const contentB = canonicalJson({ ...b, signature: undefined });
  return contentA < contentB ? -1 : contentA > contentB ? 1 : 0;
}

/**
 * Whether `incoming` should replace `existing` in a store. A listing id belongs to its first
 * author: a record for the same id signed by another key never replaces it.
 */
export function supersedes(incoming: Listing, existing: Listing | undefined): boolean {
  if (!existing) return true;
  if (existing.author !== incoming.author) return false;
  return compareVersions(incoming, existing) > 0;
}

export function isOwn(listing: Listing, me: PeerId): boolean {
  return listing.author === me;
}

/** Whether a listing should be shown to anyone at `now`: not deleted and not expired. */
export function isVisible(listing: Listing, now: number): boolean {
  return !listing.deleted && listing.expiresAt > now;
}

/** Whether a peer may drop its copy of someone else's listing at `now`. */
export function isPrunable(listing: Listing, now: number): boolean {
  return listing.expiresAt + LIMITS.pruneGraceMs < now;
}
