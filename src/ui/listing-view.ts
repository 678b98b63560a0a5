// One listing as an <article> whose heading is its title (linking to its detail view), and the
// small pieces other views reuse: status and expiry lines, the author line.

import type { PeerId } from "../core/crypto.ts";
import type { Listing } from "../core/listings/records.ts";
import { h } from "./dom.ts";
import { CATEGORY_LABELS, formatPrice } from "./labels.ts";
import { relativeTime } from "./time-text.ts";

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

/** What a card calls the seller: their name, "you", or a short id until their profile arrives. */
export function sellerText(listing: Listing, me: PeerId, authorName?: string): string {
  if (listing.author === me) return "Posted by you";
  return `Posted by ${authorName || `${listing.author.slice(0, 9)}…`}`;
}

/**
 * A listing card: the photo first (or a placeholder of the same size, so cards never jump),
 * then title, price, place and time, the seller, and "Make an offer". `media`: the photo strip.
 */
export function listingArticle(
  listing: Listing,
  me: PeerId,
  authorName?: string,
  media?: Node | null,
  avatar?: Node | null,
  now: number = Date.now(),
): HTMLElement {
  const own = listing.author === me;
  const posted = new Date(listing.createdAt);
  const kind = listing.kind === "wanted" ? "Wanted" : "Offering";
  return h(
    "article",
    { className: `listing card${own ? " own" : ""} status-${listing.status}`, "data-listing-id": listing.id },
    h("div", { className: "card-photo" }, media ?? h("span", { className: "no-photo", textContent: "No photo" })),
    h(
      "div",
      { className: "card-body" },
      h("h3", {}, h("a", { href: `#/listing/${listing.id}`, textContent: listing.title })),
      h("p", { className: "price", textContent: formatPrice(listing) }),
      h(
        "p",
        { className: "place-time" },
        listing.location ? h("span", { className: "location", textContent: listing.location }) : null,
        listing.location ? " · " : null,
        h("time", {
          dateTime: posted.toISOString(),
          title: posted.toLocaleString(),
          textContent: relativeTime(listing.createdAt, now),
        }),
      ),
      h(
        "p",
        { className: "tags" },
        h("span", { className: "status", textContent: STATUS_LABELS[listing.status] }),
        ` · ${kind} · ${CATEGORY_LABELS[listing.category]}`,
      ),
      listing.description ? h("p", { className: "description", textContent: listing.description }) : null,
      h(
        "p",
        { className: "meta seller" },
        avatar ?? h("span", { className: "avatar initial", "aria-hidden": "true", textContent: initial(authorName) }),
        h("span", { textContent: sellerText(listing, me, authorName) }),
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
    ),
  );
}

/** The letter an avatar without a photo shows. */
export function initial(name: string | undefined): string {
  return (name?.trim()[0] ?? "?").toUpperCase();
}
