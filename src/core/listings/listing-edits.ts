// What an author can do to a listing after posting it: edit, change status, renew, delete. Each
// is a new signed version (version + 1) that every peer merges with `supersedes`. Pure.

import type { Identity } from "../crypto.ts";
import { PeerboardError } from "../errors.ts";
import { checkDraft, checkLifetime, type ListingDraft } from "./draft.ts";
import {
  DAY_MS,
  type ImageRef,
  LIMITS,
  type Listing,
  type ListingStatus,
  signListing,
  type UnsignedListing,
} from "./records.ts";

/** Someone tried to change a listing that is not theirs, or one that no longer exists. */
export class ListingEditError extends PeerboardError {
  override name = "ListingEditError";
}

/** When the version after `current` is dated: now, but always later than `current`. */
function nextUpdatedAt(current: Listing, now: number): number {
  return Math.max(now, current.updatedAt + 1);
}

/** The next version of `current`, signed by its author, with `changes` applied. */
async function nextVersion(
  identity: Identity,
  current: Listing,
  changes: Partial<UnsignedListing>,
  now: number,
): Promise<Listing> {
  if (current.author !== identity.peerId) throw new ListingEditError("Only the author of a listing can change it.");
  if (current.deleted) throw new ListingEditError("This listing was deleted; post a new one instead.");
  const { signature: _, ...unsigned } = current;
  // updatedAt always moves forward, even if this device's clock is behind the one that made
  // `current`: the sync key (updatedAt, id) must change with every version, or reconciliation
  // finds the two equal and the new one (a tombstone above all) never spreads.
  const updatedAt = nextUpdatedAt(current, now);
  const next: UnsignedListing = { ...unsigned, ...changes, version: current.version + 1, updatedAt };
  // A version must expire after it was made: an edit of an already expired listing renews it.
  if (next.expiresAt <= updatedAt) next.expiresAt = updatedAt + LIMITS.defaultLifetimeDays * DAY_MS;
  return signListing(identity, next);
}

/**
 * Applies a checked draft; throws ValidationError naming the field for bad input. `images`, when
 * given, replace the listing's photos; otherwise they are kept.
 */
export async function editListing(
  identity: Identity,
  current: Listing,
  draft: ListingDraft,
  now: number,
  images?: ImageRef[],
): Promise<Listing> {
  const fields = checkDraft(draft);
  const changes: Partial<UnsignedListing> = { ...fields, ...(images ? { images } : {}) };
  if (draft.lifetimeDays !== undefined && draft.lifetimeDays !== "")
    changes.expiresAt = Math.max(now, current.updatedAt) + checkLifetime(draft.lifetimeDays) * DAY_MS;
  return nextVersion(identity, current, changes, now);
}

export async function setListingStatus(
  identity: Identity,
  current: Listing,
  status: ListingStatus,
  now: number,
): Promise<Listing> {
  return nextVersion(identity, current, { status }, now);
}

/** Starts a new run of `days` (default 30) from now. */
export async function renewListing(
  identity: Identity,
  current: Listing,
  now: number,
  days: number = LIMITS.defaultLifetimeDays,
): Promise<Listing> {
  const lifetime = checkLifetime(days);
  return nextVersion(identity, current, { expiresAt: Math.max(now, current.updatedAt) + lifetime * DAY_MS }, now);
}

/**
 * The tombstone: content emptied, `deleted` set. It lives the longest lifetime any version can
 * have, so it outlasts every older copy still travelling; after that verifyListing refuses
 * those copies as expired and the tombstone itself can be pruned.
 */
export async function deleteListing(identity: Identity, current: Listing, now: number): Promise<Listing> {
  const updatedAt = nextUpdatedAt(current, now);
  return nextVersion(
    identity,
    current,
    {
      title: "",
      description: "",
      location: "",
      price: null,
      images: [],
      deleted: true,
      expiresAt: updatedAt + LIMITS.maxLifetimeDays * DAY_MS,
    },
    now,
  );
}
