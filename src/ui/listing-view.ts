// One listing as an <article> whose heading is its title (linking to its detail view), and the
// small pieces other views reuse: status and expiry lines, the author line.

import type { PeerId } from "../core/crypto.ts";
import type { Listing } from "../core/listings/records.ts";
import { h } from "./dom.ts";
import { CATEGORY_LABELS, formatPrice } from "./labels.ts";

export const STATUS_LABELS: Record<Listing["status"], string> = {
  active: "Available",
  reserved: "Reserved",
  sold: "Sold",
};

export function authorText(listing: Listing, me: PeerId, authorName?: string): string {
  if (listing.author === me) return "Posted by you";
  return authorName ? `Posted by ${authorName} (${listing.author})` : `Posted by ${listing.author}`;
}

export function expiryText(listing: Listing, now: number): string {
  const when = new Date(listing.expiresAt).toLocaleDateString();
  return listing.expiresAt > now ? `Expires ${when}` : `Expired ${when}`;
}

/** `media`: the listing's photo strip, when the view shows photos. */
export function listingArticle(
  listing: Listing,
  me: PeerId,
  authorName?: string,
  media?: Node | null,
  avatar?: Node | null,
): HTMLElement {
  const own = listing.author === me;
  const posted = new Date(listing.createdAt);
  const kind = listing.kind === "wanted" ? "Wanted" : "Offering";
  return h(
    "article",
    { className: `listing${own ? " own" : ""} status-${listing.status}`, "data-listing-id": listing.id },
    h("h3", {}, h("a", { href: `#/listing/${listing.id}`, textContent: listing.title })),
    media,
    h(
      "p",
      { className: "tags" },
      h("span", { className: "status", textContent: STATUS_LABELS[listing.status] }),
      ` · ${kind} · ${CATEGORY_LABELS[listing.category]}`,
    ),
    h("p", { className: "price", textContent: formatPrice(listing) }),
    listing.description ? h("p", { className: "description", textContent: listing.description }) : null,
    listing.location ? h("p", { className: "location", textContent: `Location: ${listing.location}` }) : null,
    h(
      "p",
      { className: "meta" },
      avatar ?? null,
      h("span", { textContent: authorText(listing, me, authorName) }),
      " · ",
      h("time", { dateTime: posted.toISOString(), textContent: posted.toLocaleString() }),
    ),
    // Deals start here; the offer form lives at #/offer/<id> (offer-view.ts).
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
