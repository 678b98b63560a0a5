// One listing as an <article> whose heading is its title.

import type { PeerId } from "../shared/crypto.ts";
import { formatPrice, type Listing } from "../shared/records.ts";
import { h } from "./dom.ts";

export function listingArticle(listing: Listing, me: PeerId): HTMLElement {
  const own = listing.author === me;
  const posted = new Date(listing.createdAt);
  return h(
    "article",
    { className: own ? "listing own" : "listing", "data-listing-id": listing.id },
    h("h3", { textContent: listing.title }),
    h("p", { className: "price", textContent: formatPrice(listing) }),
    listing.description ? h("p", { className: "description", textContent: listing.description }) : null,
    h(
      "p",
      { className: "meta" },
      h("span", { textContent: own ? "Posted by you" : `Posted by ${listing.author}` }),
      " · ",
      h("time", { dateTime: posted.toISOString(), textContent: posted.toLocaleString() }),
    ),
    // Issue 5: deals start here; the offer form lives at #/offer/<id> (offer-view.ts).
    own
      ? null
      : h("button", {
          type: "button",
          className: "make-offer",
          textContent: "Make an offer",
          onclick: () => {
            location.hash = `#/offer/${listing.id}`;
          },
        }),
  );
}
