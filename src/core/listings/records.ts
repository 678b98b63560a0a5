// Signed records (docs/architecture.md, "Records"): the listing schema, its limits, signing,
// verification and the rule that decides which of two versions of a listing wins. Pure: no storage,
// no network.

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
import { CATEGORIES, CURRENCIES, DAY_MS, LIMITS, PRICINGS, STATUSES } from "./listing-terms.ts";

// The limits and vocabularies live apart, free of valibot, for the tab's first script (the board
// and its forms need them, not the schemas); records.ts speaks for them all the same.
export {
  CATEGORIES,
  type Category,
  CURRENCIES,
  type Currency,
  DAY_MS,
  isPrunable,
  isVisible,
  LIMITS,
  type ListingStatus,
  PRICINGS,
  type Pricing,
  STATUSES,
} from "./listing-terms.ts";

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
