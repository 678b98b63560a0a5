// The author's side of a listing's life in the hub: edit, status, renew, delete, and the
// pruning of other people's expired listings. Pure behind Protocol and Store, like the core.

import type { PostResult } from "../api.ts";
import type { Identity } from "../crypto.ts";
import { ValidationError } from "../errors.ts";
import type { Thumbnail } from "../ports.ts";
import type { ListingChange, Store, StoredImage } from "../store.ts";
import { checkDraft, createListing, type ListingDraft } from "./draft.ts";
import { deleteListing, editListing, ListingEditError, renewListing, setListingStatus } from "./listing-edits.ts";
import { isPrunable, isVisible, LIMITS, type Listing, type ListingStatus } from "./records.ts";

/** Turns picked photos into stored-size thumbnails (thumbnails.ts in the browser). */
export type ThumbnailMaker = (photos: Blob[]) => Promise<Thumbnail[]>;

const noThumbnails: ThumbnailMaker = async (photos) => {
  if (photos.length) throw new ValidationError("photos", "Photos cannot be processed here.");
  return [];
};

function toStored(made: Thumbnail[]): StoredImage[] {
  return made.map((t) => ({ hash: t.ref.hash, blob: t.blob }));
}

export class ListingActions {
  constructor(
    private readonly identity: Identity,
    private readonly store: Store,
    /** The one path by which our listings are stored and sent (Listings.publish). */
    private readonly publisher: { publish(listing: Listing, images: StoredImage[]): Promise<boolean> },
    private readonly now: () => number,
    private readonly thumbnails: ThumbnailMaker = noThumbnails,
  ) {}

  /** Signs, stores and broadcasts a new listing with its photos' thumbnails. */
  async post(draft: ListingDraft): Promise<PostResult> {
    try {
      // Field checks first: a bad title should not wait for photos to be encoded.
      checkDraft(draft);
      const made = await this.thumbnails(draft.photos ?? []);
      const listing = await createListing(
        this.identity,
        draft,
        this.now(),
        made.map((t) => t.ref),
      );
      await this.publisher.publish(listing, toStored(made));
      return { ok: true, listing };
    } catch (error) {
      if (error instanceof ValidationError) return { ok: false, field: error.field, message: error.message };
      throw error;
    }
  }

  edit(id: string, draft: ListingDraft): Promise<PostResult> {
    let made: Thumbnail[] = [];
    return this.change(
      id,
      async (current, now) => {
        checkDraft(draft);
        made = draft.photos?.length ? await this.thumbnails(draft.photos) : [];
        return editListing(this.identity, current, draft, now, made.length ? made.map((t) => t.ref) : undefined);
      },
      () => toStored(made),
    );
  }

  setStatus(id: string, status: ListingStatus): Promise<PostResult> {
    return this.change(id, (current, now) => setListingStatus(this.identity, current, status, now));
  }

  renew(id: string, days?: number): Promise<PostResult> {
    return this.change(id, (current, now) => renewListing(this.identity, current, now, days));
  }

  remove(id: string): Promise<PostResult> {
    return this.change(id, (current, now) => deleteListing(this.identity, current, now));
  }

  /** Our own listings that are not deleted, expired ones included (they can be renewed). */
  async mine(): Promise<Listing[]> {
    // By summary first: at 100,000 stored, reading every whole listing took seconds.
    const ids = (await this.store.listListingSummaries())
      .filter((l) => l.author === this.identity.peerId && !l.deleted)
      .sort((a, b) => b.updatedAt - a.updatedAt || (a.id < b.id ? 1 : -1))
      .map((l) => l.id);
    // Deleted in between: a tombstone now, left out.
    return (await this.store.getListings(ids)).filter((l) => !l.deleted);
  }

  /** Every listing that should show at this moment, newest first. */
  async visible(): Promise<Listing[]> {
    const now = this.now();
    return (await this.store.listListings()).filter((l) => isVisible(l, now));
  }

  /**
   * Drops other people's listings and tombstones past their expiry and the grace period; our own
   * stay (the user may renew them). Returns the ids that went, with their deletes' numbers in the store's change log.
   */
  async prune(): Promise<ListingChange[]> {
    const now = this.now();
    const pruned: ListingChange[] = [];
    for (const old of await this.store.listExpiredBefore(now - LIMITS.pruneGraceMs)) {
      if (old.author === this.identity.peerId) continue;
      // Re-checked inside the transaction: a renewed version may have arrived meanwhile.
      const seq = await this.store.deleteListingIf(old.id, (stored) => isPrunable(stored, now));
      if (seq !== undefined) pruned.push({ seq, id: old.id });
    }
    return pruned;
  }

  private async change(
    id: string,
    make: (current: Listing, now: number) => Promise<Listing>,
    images: () => StoredImage[] = () => [],
  ): Promise<PostResult> {
    const current = await this.store.getListing(id);
    if (!current) return { ok: false, field: "listing", message: "This listing is not on this device any more." };
    try {
      const next = await make(current, this.now());
      if (await this.publisher.publish(next, images())) return { ok: true, listing: next };
      return { ok: false, field: "listing", message: "The listing changed meanwhile; look again and retry." };
    } catch (error) {
      if (error instanceof ValidationError) return { ok: false, field: error.field, message: error.message };
      if (error instanceof ListingEditError) return { ok: false, field: "listing", message: error.message };
      throw error;
    }
  }
}
