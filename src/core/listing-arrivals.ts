// What a peer does with each listing version its store accepts (its own, a peer's, an edit, a
// tombstone): the search index follows the store, missing photos are asked for, lookups by id hear
// of it, the tabs are told, and a listing new to this device is matched against the saved
// searches. Blocked authors' listings stay indexed (hidden when the index answers) and go no further.

import type { PeerEvent } from "./api.ts";
import type { PeerId } from "./crypto.ts";
import type { Listing } from "./listings/records.ts";
import type { PeerParts } from "./peer-api.ts";
import { summarize } from "./search/saved-searches.ts";

export function followListingArrivals(
  parts: Pick<PeerParts, "listings" | "images" | "search" | "lookups" | "savedSearches">,
  isBlocked: (peer: PeerId) => boolean,
  emit: (event: PeerEvent) => void,
): void {
  const { listings, images, search, lookups, savedSearches } = parts;
  const matchSaved = async (listing: Listing) => {
    const matched = await savedSearches.consider(listing);
    if (!matched.length) return;
    for (const record of matched) emit({ type: "match", search: summarize(record), listing });
    emit({ type: "saved-searches", searches: await savedSearches.list() });
  };
  listings.onListing((listing, seq) => {
    void images.fetchMissing(listing);
    // New to this device (not an edit of one it holds): matched against the saved searches.
    const known = search.has(listing.id);
    // The index mirrors the store (told the change's number: it follows the log unread); it hides blocked authors when it answers.
    search.update(listing, seq);
    if (isBlocked(listing.author)) return;
    lookups.arrived(listing);
    emit({ type: "listing", listing });
    if (!known) void matchSaved(listing);
  });
}
