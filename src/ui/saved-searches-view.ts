// "Saved searches" at #/saved: each saved search with its count of new matches, opening its
// results at #/saved/<id>, and deleting it. The hub keeps and matches them; this only shows them.

import type { SavedQuery, SavedSearchSummary } from "../shared/api.ts";
import { h } from "./dom.ts";
import { CATEGORY_LABELS, formatPrice } from "./labels.ts";
import { listingArticle } from "./listing-view.ts";
import { notifyControl } from "./notify-control.ts";
import { photoStrip } from "./photos.ts";
import type { ViewContext } from "./shell.ts";

/** A saved search in words, e.g. "“bike” · For sale · up to €50.00". */
export function describeQuery(query: SavedQuery): string {
  const price = (amount: number) =>
    query.currency ? formatPrice({ pricing: "amount", price: amount, currency: query.currency }) : String(amount / 100);
  const parts = [
    query.text ? `“${query.text}”` : "",
    query.category ? CATEGORY_LABELS[query.category] : "",
    query.kind === "offer" ? "Offering" : query.kind === "wanted" ? "Wanted" : "",
    query.minPrice != null && query.maxPrice != null
      ? `${price(query.minPrice)} to ${price(query.maxPrice)}`
      : query.minPrice != null
        ? `from ${price(query.minPrice)}`
        : query.maxPrice != null
          ? `up to ${price(query.maxPrice)}`
          : "",
    query.currency && query.minPrice == null && query.maxPrice == null ? query.currency : "",
    query.hasPhoto ? "with photo" : "",
  ];
  return parts.filter(Boolean).join(" · ") || "Everything";
}

export function newMatchesText(search: SavedSearchSummary): string {
  if (search.unseen) return `${search.unseen} new of ${search.matches}`;
  return search.matches === 1 ? "1 match, none new" : `${search.matches} matches, none new`;
}

export async function mountSavedSearchesView(outlet: HTMLElement, context: ViewContext): Promise<void> {
  const id = context.params[0];
  if (id) return mountResults(outlet, context, id);
  const { hub } = context;
  const list = h("ul", { className: "saved-searches" });
  const status = h("p", { role: "status", "aria-label": "Saved searches status" });
  const empty = h("p", {
    className: "empty",
    textContent: "No saved searches yet. On Search, choose “Save this search” to hear about new listings that match.",
  });
  outlet.replaceChildren(
    h(
      "section",
      { "aria-label": "Saved searches" },
      h("h2", { textContent: "Saved searches" }),
      status,
      empty,
      list,
      h("p", {}, h("a", { href: "#/search", textContent: "Back to Search" })),
    ),
  );
  const show = (searches: SavedSearchSummary[]) => {
    empty.hidden = searches.length > 0;
    list.replaceChildren(...searches.map((search) => item(search)));
  };
  const item = (search: SavedSearchSummary) => {
    const name = describeQuery(search.query);
    return h(
      "li",
      { className: "saved-search", "data-saved-search": search.id },
      h("a", { href: `#/saved/${search.id}`, textContent: name }),
      " ",
      h("span", { className: search.unseen ? "badge" : "count", textContent: newMatchesText(search) }),
      h(
        "div",
        { className: "saved-search-actions" },
        notifyControl(hub, search, name, (message) => (status.textContent = message)),
        h("button", {
          type: "button",
          className: "secondary",
          textContent: "Delete",
          "aria-label": `Delete saved search ${name}`,
          onclick: async () => {
            if (await hub.deleteSavedSearch(search.id)) status.textContent = `Deleted the saved search ${name}.`;
            show(await hub.savedSearches());
          },
        }),
      ),
    );
  };
  context.onEvent((event) => {
    if (event.type === "saved-searches") show(event.searches);
  });
  show(await hub.savedSearches());
}

async function mountResults(outlet: HTMLElement, context: ViewContext, id: string): Promise<void> {
  const { hub } = context;
  const me = context.status.peerId;
  const names = await hub.profileNames();
  const section = h("section", { "aria-label": "Saved search results" });
  outlet.replaceChildren(section);
  const render = async () => {
    const opened = await hub.openSavedSearch(id);
    if (!opened) {
      section.replaceChildren(
        h("h2", { textContent: "Saved search not found" }),
        h("p", { textContent: "It may have been deleted." }),
        h("p", {}, h("a", { href: "#/saved", textContent: "Saved searches" })),
      );
      return;
    }
    const name = describeQuery(opened.search.query);
    document.title = `${name} · Saved searches · Peerboard`;
    section.replaceChildren(
      h("h2", { textContent: `Saved search: ${name}` }),
      h("p", {
        role: "status",
        "aria-label": "Result count",
        textContent: opened.listings.length
          ? `${opened.listings.length} ${opened.listings.length === 1 ? "listing has" : "listings have"} matched since you saved it.`
          : "Nothing has matched yet. New listings that match will show here.",
      }),
      h(
        "div",
        { className: "listings" },
        ...opened.listings.map((l) => listingArticle(l, me, names[l.author]?.name, photoStrip(hub, l, 1))),
      ),
      h("p", {}, h("a", { href: "#/saved", textContent: "Saved searches" })),
    );
  };
  context.onEvent((event) => {
    if (event.type === "match" && event.search.id === id) void render();
  });
  await render();
}
