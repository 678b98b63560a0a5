// The detail view of one listing at #/listing/<id>: every field and the author; the author also
// gets the owner actions. Other features add their buttons to the `.listing-actions` container.

import { isVisible } from "../core/listings/listing-terms.ts";
import type { Listing } from "../core/listings/records.ts";
import { authorSummary } from "../core/profiles/author-names.ts";
import type { Profile } from "../core/profiles/profile.ts";
import type { AuthorSummary } from "../shared/api.ts";
import { blockAction } from "./block-action.ts";
import { h } from "./dom.ts";
import { CATEGORY_LABELS, formatPrice } from "./labels.ts";
import { showListingLookup } from "./listing-lookup.ts";
import { authorText, expiryText, STATUS_LABELS } from "./listing-view.ts";
import { ownerActions } from "./owner-actions.ts";
import { reputationText } from "./person-view.ts";
import { avatarImage, imageArrived, photoStrip } from "./photos.ts";
import { shareAction } from "./share-action.ts";
import type { ViewContext } from "./shell.ts";

export async function mountListingDetailView(outlet: HTMLElement, context: ViewContext): Promise<void> {
  const id = context.params[0] ?? "";
  const me = context.status.peerId;
  let current = await context.hub.listing(id);
  let names = await context.hub.profileNames();
  /** The author's full profile, for their reputation. */
  let authorProfile = current ? await context.hub.profile(current.author) : undefined;

  const render = () => {
    const listing = current;
    // Not on this device yet (a shared link): the hub asks its peers, and the listing event below shows it.
    if (!listing) return void showListingLookup(outlet, context, id);
    if (!listing || listing.deleted || (!isVisible(listing, Date.now()) && listing.author !== me)) {
      document.title = "Listing not found · Peerboard";
      outlet.replaceChildren(
        h(
          "section",
          { className: "detail", "aria-label": "Listing" },
          h("h2", { textContent: listing?.deleted ? "This listing was deleted" : "Listing not found" }),
          h("p", {
            textContent: listing?.deleted
              ? "Its author took it down."
              : "It may have expired, or it has not reached this device yet.",
          }),
          h("p", {}, h("a", { href: "#/", textContent: "Back to the board" })),
        ),
      );
      return;
    }
    document.title = `${listing.title} · Peerboard`;
    outlet.replaceChildren(
      detail(listing, context, names[listing.author], authorProfile, (next) => {
        current = next;
        render();
      }),
    );
  };

  context.onEvent((event) => {
    if (event.type === "image") void imageArrived(context.hub, event.hash);
    if (event.type === "profile" && current && event.profile.peerId === current.author) {
      names = { ...names, [event.profile.peerId]: authorSummary(event.profile) };
      authorProfile = event.profile;
      render();
    }
    if (event.type === "listing" && event.listing.id === id) {
      current = event.listing;
      render();
    }
  });
  render();
}

function detail(
  listing: Listing,
  context: ViewContext,
  author: AuthorSummary | undefined,
  authorProfile: Profile | undefined,
  changed: (next: Listing) => void,
): HTMLElement {
  const me = context.status.peerId;
  const own = listing.author === me;
  const rows: [string, string][] = [
    ["Status", STATUS_LABELS[listing.status]],
    ["Kind", listing.kind === "wanted" ? "Wanted" : "Offering"],
    ["Category", CATEGORY_LABELS[listing.category]],
    ["Price", formatPrice(listing)],
    ["Location", listing.location || "Not given"],
    ["Posted", new Date(listing.createdAt).toLocaleString()],
    ["Updated", new Date(listing.updatedAt).toLocaleString()],
    ["Expiry", expiryText(listing, Date.now())],
    ["Author", authorText(listing, me, author?.name).replace(/^Posted by /, "")],
  ];
  // Their deals completed with others, each countersigned (see person-view.ts).
  if (!own) rows.push(["Author's completed deals", reputationText(authorProfile)]);
  return h(
    "article",
    { className: `detail listing status-${listing.status}`, "data-listing-id": listing.id },
    h("h2", { textContent: listing.title }),
    photoStrip(context.hub, listing),
    listing.description
      ? h("p", { className: "description", textContent: listing.description })
      : h("p", { className: "empty", textContent: "No description." }),
    avatarImage(context.hub, author),
    h("dl", {}, ...rows.flatMap(([term, value]) => [h("dt", { textContent: term }), h("dd", { textContent: value })])),
    own
      ? null
      : h(
          "p",
          {},
          h("a", {
            href: `#/people/${listing.author}`,
            textContent: listing.kind === "wanted" ? "The author's profile" : "The seller's profile",
          }),
        ),
    // Deals put "Make an offer" here for other people's listings.
    h(
      "div",
      { className: "listing-actions", "data-listing-id": listing.id },
      own ? null : h("a", { className: "button-link", href: `#/offer/${listing.id}`, textContent: "Make an offer" }),
      own
        ? null
        : h("a", {
            className: "button-link secondary",
            href: `#/messages/${listing.author}/${listing.id}`,
            textContent: listing.kind === "wanted" ? "Message the author" : "Message the seller",
          }),
    ),
    shareAction(listing),
    own ? ownerActions(context.hub, listing, changed) : blockAction(context.hub, listing.author),
    h("p", {}, h("a", { href: "#/", textContent: "Back to the board" })),
  );
}
