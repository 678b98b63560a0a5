// How many live listings of one author a hub keeps (docs/architecture.md, "Limits and policy"):
// without a cap one identity could flood the board with thousands of listings and, once storage
// runs short, push out everyone else's. Each author keeps its newest `perAuthor`; an older one
// beyond that is refused (not punished: a relayer only passes on what the author signed), a newer
// one replaces the oldest.

import type { PeerId } from "../crypto.ts";
import type { Listing } from "./records.ts";

/** What the cap needs of a stored listing (a whole Listing or its ListingSummary). */
type Counted = Pick<Listing, "id" | "author" | "updatedAt" | "deleted">;

/** Generous for a shop posting its stock, small next to a flood (the review stored 5,000). */
export const LISTINGS_PER_AUTHOR = 250;

export class AuthorQuota {
  /** Live (not deleted) listing ids per author, with their updatedAt. */
  private readonly byAuthor = new Map<PeerId, Map<string, number>>();

  constructor(
    private readonly me: PeerId,
    private readonly perAuthor = LISTINGS_PER_AUTHOR,
  ) {}

  /** Counts what the store holds; called once, before the first `admit`. */
  load(listings: readonly Counted[]): void {
    for (const listing of listings) this.stored(listing);
  }

  /**
   * Which of `incoming` may be stored, and which stored listings they push out (the authors'
   * oldest). The user's own listings and tombstones always pass.
   */
  admit(incoming: readonly Listing[]): { accepted: Listing[]; evicted: string[] } {
    const accepted: Listing[] = [];
    const evicted: string[] = [];
    // Newest first, so within one frame the newest of an author are the ones kept.
    for (const listing of [...incoming].sort((a, b) => b.updatedAt - a.updatedAt)) {
      if (listing.author === this.me || listing.deleted) {
        accepted.push(listing);
        continue;
      }
      const live = this.byAuthor.get(listing.author) ?? new Map<string, number>();
      this.byAuthor.set(listing.author, live);
      if (live.has(listing.id) || live.size < this.perAuthor) {
        // Counted now, so the rest of this frame sees the author's new size.
        live.set(listing.id, Math.max(live.get(listing.id) ?? 0, listing.updatedAt));
        accepted.push(listing);
        continue;
      }
      const [oldestId, oldestAt] = oldest(live);
      if (listing.updatedAt <= oldestAt) continue;
      live.delete(oldestId);
      evicted.push(oldestId);
      // Held as counted until stored, so the rest of this frame sees the author's new size.
      live.set(listing.id, listing.updatedAt);
      accepted.push(listing);
    }
    return { accepted, evicted };
  }

  /** A version was stored. */
  stored(listing: Counted): void {
    if (listing.author === this.me) return;
    const live = this.byAuthor.get(listing.author) ?? new Map<string, number>();
    if (listing.deleted) live.delete(listing.id);
    else live.set(listing.id, listing.updatedAt);
    if (live.size) this.byAuthor.set(listing.author, live);
    else this.byAuthor.delete(listing.author);
  }

  /** A listing left the store (pruned, evicted). */
  removed(id: string, author: PeerId): void {
    this.byAuthor.get(author)?.delete(id);
  }

  /** Live listings held of `author`. */
  count(author: PeerId): number {
    return this.byAuthor.get(author)?.size ?? 0;
  }
}

function oldest(live: Map<string, number>): [string, number] {
  let found: [string, number] = ["", Number.POSITIVE_INFINITY];
  for (const entry of live) if (entry[1] < found[1]) found = entry;
  return found;
}
