// "Save this search" on the Search view, and the way to the saved ones with their count of new
// matches. The hub checks the query; its message shows here.

import type { HubApi, HubEvent, SavedQuery, SavedSearchSummary } from "../shared/api.ts";
import { h } from "./dom.ts";

export interface SaveSearchControl {
  element: HTMLElement;
  handle(event: HubEvent): void;
}

export function saveSearchControl(hub: HubApi, current: () => SavedQuery | undefined): SaveSearchControl {
  const status = h("p", { role: "status", "aria-label": "Saved search status" });
  const link = h("a", { href: "#/saved", textContent: "Saved searches" });
  const showCount = (searches: SavedSearchSummary[]) => {
    const unseen = searches.reduce((sum, s) => sum + s.unseen, 0);
    link.textContent = unseen ? `Saved searches (${unseen} new)` : "Saved searches";
  };
  const button = h("button", {
    type: "button",
    className: "secondary",
    textContent: "Save this search",
    onclick: async () => {
      const query = current();
      if (!query) {
        status.textContent = "Fix the price fields first.";
        return;
      }
      const result = await hub.saveSearch(query);
      status.textContent = result.ok
        ? "Saved. New listings that match will show under Saved searches."
        : result.message;
    },
  });
  void hub.savedSearches().then(showCount);
  return {
    element: h("div", { className: "save-search" }, button, " ", link, status),
    handle(event) {
      if (event.type === "saved-searches") showCount(event.searches);
    },
  };
}
