// The Search view's first asks, kept out of its lazy chunk: on a cold start at #/search they go to
// the hub beside the shell's (status, profile, subscribe) while the chunk is still loading, so
// the throttled tab waits for one burst of answers instead of the names and then the search.

import type { SearchQuery } from "../core/search/search-query.ts";
import type { AuthorSummary, HubApi } from "../shared/api.ts";

/** What the Search view's empty form asks (search-view.ts builds it from the same fields). */
export const EMPTY_SEARCH: SearchQuery = {
  text: "",
  category: "",
  kind: "",
  currency: "",
  minPrice: null,
  maxPrice: null,
  hasPhoto: false,
  sort: "newest",
};
/** The windowed list's page (windowed-list.ts's default), so the early page is the one it asks first. */
export const SEARCH_PAGE_SIZE = 50;

export interface SearchStart {
  names: Promise<Record<string, AuthorSummary>>;
  firstPage: ReturnType<HubApi["search"]>;
}

export function askSearchStart(hub: HubApi): SearchStart {
  const start = {
    names: hub.profileNames(),
    firstPage: hub.search({ ...EMPTY_SEARCH, offset: 0, limit: SEARCH_PAGE_SIZE }),
  };
  // Whoever uses them reports a failure; one left unused (the user went elsewhere) must not be unhandled.
  start.names.catch(() => undefined);
  start.firstPage.catch(() => undefined);
  return start;
}
