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
} from "./crypto.ts";
import { base32Encode, canonicalJson } from "./encoding.ts";
import { ValidationError } from "./errors.ts";

export const LIMITS = {
  titleMax: 120,
  descriptionMax: 5000,
  /** Minor units (cents): a trillion is far past any honest listing. */
  priceMax: 1_000_000_000_000,
  /** A record may be stamped at most this far in the future (clock skew between devices). */
  clockSkewMs: 5 * 60 * 1000,
} as const;

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

const PeerIdSchema = v.pipe(v.string(), v.regex(PEER_ID_PATTERN));
const Base64url = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]+$/));
const Timestamp = v.pipe(v.number(), v.safeInteger(), v.minValue(0));

/** Everything a listing says, as it travels and as it is stored. */
export const ListingSchema = v.strictObject({
  id: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{8,64}$/)),
  author: PeerIdSchema,
  /** The author's raw ECDSA public key: anyone can check it hashes to `author` and verify. */
  authorKey: v.pipe(Base64url, v.length(87)),
  version: v.pipe(v.number(), v.safeInteger(), v.minValue(1)),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  kind: v.picklist(["offer", "wanted"]),
  title: v.pipe(v.string(), v.minLength(1), v.maxLength(LIMITS.titleMax)),
  description: v.pipe(v.string(), v.maxLength(LIMITS.descriptionMax)),
  price: v.nullable(v.pipe(v.number(), v.safeInteger(), v.minValue(0), v.maxValue(LIMITS.priceMax))),
  currency: v.picklist(CURRENCIES),
  signature: v.pipe(Base64url, v.length(86)),
});

export type Listing = v.InferOutput<typeof ListingSchema>;
export type UnsignedListing = Omit<Listing, "signature">;

/** What the user typed into the "New listing" form. */
export interface ListingDraft {
  title: string;
  description: string;
  /** As typed, e.g. "12.50"; empty means no price given. */
  price: string;
  currency: string;
  kind?: "offer" | "wanted";
}

/** Checks a draft and returns its clean fields, or throws a ValidationError naming the field. */
export function checkDraft(
  draft: ListingDraft,
): Pick<Listing, "title" | "description" | "price" | "currency" | "kind"> {
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
  return { title, description, price: parsePrice(draft.price), currency, kind: draft.kind ?? "offer" };
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

export function formatPrice(listing: Pick<Listing, "price" | "currency">, locale?: string): string {
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

export async function createListing(identity: Identity, draft: ListingDraft, now: number): Promise<Listing> {
  const fields = checkDraft(draft);
  return signListing(identity, {
    id: newListingId(identity.peerId),
    author: identity.peerId,
    authorKey: identity.publicKey,
    version: 1,
    createdAt: now,
    updatedAt: now,
    ...fields,
  });
}

export type ListingRejection =
  | "malformed"
  | "foreign-id"
  | "bad-signature"
  | "key-mismatch"
  | "from-the-future"
  | "bad-timestamps";

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
  if (listing.updatedAt > now + LIMITS.clockSkewMs) return { ok: false, reason: "from-the-future" };
  if (!(await keyMatchesPeerId(listing.authorKey, listing.author))) return { ok: false, reason: "key-mismatch" };
  const { signature, ...unsigned } = listing;
  if (!(await verify(listing.authorKey, signature, signedText(unsigned))))
    return { ok: false, reason: "bad-signature" };
  return { ok: true, listing };
}

/**
 * Orders two versions of the same listing: higher version wins, then later updatedAt, then the
 * larger signed content, so every peer picks the same winner even if an author equivocates.
 * The signature itself never decides: ECDSA signatures are malleable (s ↔ n − s), and a
 * re-encoded copy of an unchanged record must not count as news.
 */
export function compareVersions(a: Listing, b: Listing): number {
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
