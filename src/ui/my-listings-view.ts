// "My listings": the user's own listings, expired ones included, each with the owner actions
// (edit, mark reserved / sold, renew, delete).

import { type Listing, supersedes } from "../core/listings/records.ts";
import { h } from "./dom.ts";
import { expiryText, listingArticle } from "./listing-view.ts";
import { ownerActions } from "./owner-actions.ts";
import { imageArrived, photoStrip } from "./photos.ts";
import type { ViewContext } from "./shell.ts";

export async function mountMyListingsView(outlet: HTMLElement, context: ViewContext): Promise<void> {
  const { hub } = context;
  const me = context.status.peerId;
  const mine = new Map<string, Listing>();
  const empty = h("p", { className: "empty", textContent: "You have not posted anything yet." });
  const list = h("div", { className: "my-listings" });
  outlet.replaceChildren(
    h(
      "section",
      { className: "mine", "aria-label": "My listings" },
      h("h2", { textContent: "My listings" }),
      empty,
      list,
    ),
  );

  const render = () => {
    const now = Date.now();
    const sorted = [...mine.values()].sort((a, b) => b.updatedAt - a.updatedAt);
    list.replaceChildren(
      ...sorted.map((listing) => {
        const article = listingArticle(listing, me, undefined, photoStrip(hub, listing, 1));
        article.append(
          h("p", {
            className: `expiry${listing.expiresAt <= now ? " expired" : ""}`,
            textContent: expiryText(listing, now),
          }),
          ownerActions(hub, listing, update),
        );
        return article;
      }),
    );
    empty.hidden = sorted.length > 0;
  };
  const update = (listing: Listing) => {
    const known = mine.get(listing.id);
    if (known && !supersedes(listing, known)) return;
    if (listing.deleted) mine.delete(listing.id);
    else mine.set(listing.id, listing);
    render();
  };

  context.onEvent((event) => {
    if (event.type === "listing" && event.listing.author === me) update(event.listing);
    if (event.type === "image") void imageArrived(hub, event.hash);
  });
  for (const listing of await hub.myListings()) mine.set(listing.id, listing);
  render();
}
