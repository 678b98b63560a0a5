// Search: a box labelled "Search" and filters; the results are a windowed list over the hub's
// answer, a page at a time as they scroll into view. Results follow typing and newly arrived listings.

import { PeerboardError } from "../core/errors.ts";
import { CATEGORIES, CURRENCIES, parsePrice } from "../core/listings/listing-terms.ts";
import type { Category, Currency, Listing } from "../core/listings/records.ts";
import { authorSummary } from "../core/profiles/author-names.ts";
import type { SearchQuery, SearchSort } from "../core/search/search-query.ts";
import { h, uniqueId } from "./dom.ts";
import { type Field, field, setError } from "./form.ts";
import { CATEGORY_LABELS, listingCountText } from "./labels.ts";
import { listingArticle } from "./listing-view.ts";
import { avatarImage, imageArrived, photoStrip } from "./photos.ts";
import { saveSearchControl } from "./save-search.ts";
import { askSearchStart, EMPTY_SEARCH, SEARCH_PAGE_SIZE, type SearchStart } from "./search-start.ts";
import type { ViewContext } from "./shell.ts";
import { windowedList } from "./windowed-list.ts";

/** New listings arrive in bursts on connect: re-run the query at most this often for them. */
const REFRESH_MS = 250;
/** The width below which the tab bar shows (shell.css): filters start folded there. */
const NARROW = "(max-width: 48rem)";

function select(name: string, pairs: [string, string][]): HTMLSelectElement {
  return h("select", { name }, ...pairs.map(([value, label]) => h("option", { value, textContent: label })));
}

function sameQuery(a: SearchQuery | null, b: SearchQuery): boolean {
  return a !== null && (Object.keys(b) as (keyof SearchQuery)[]).every((key) => a[key] === b[key]);
}

export async function mountSearchView(
  outlet: HTMLElement,
  context: ViewContext,
  early?: SearchStart,
): Promise<() => void> {
  const { hub } = context;
  // The names and the empty form's first page are asked together (search-start.ts), not one after the other.
  const start = early ?? askSearchStart(hub);
  let firstPage: SearchStart["firstPage"] | undefined = start.firstPage;
  const me = context.status.peerId;
  const text = field(
    "Search",
    h("input", { type: "search", name: "q", autocomplete: "off", placeholder: "e.g. bike" }),
  );
  const category = field(
    "Category",
    select("category", [["", "All categories"], ...CATEGORIES.map((c): [string, string] => [c, CATEGORY_LABELS[c]])]),
  );
  const kind = field(
    "Kind",
    select("kind", [
      ["", "Offered or wanted"],
      ["offer", "Offering"],
      ["wanted", "Wanted"],
    ]),
  );
  const currency = field(
    "Currency",
    select("currency", [["", "Any currency"], ...CURRENCIES.map((c): [string, string] => [c, c])]),
  );
  const minPrice = field("Lowest price", h("input", { name: "min", inputMode: "decimal", autocomplete: "off" }));
  const maxPrice = field("Highest price", h("input", { name: "max", inputMode: "decimal", autocomplete: "off" }));
  const hasPhoto = h("input", { type: "checkbox", name: "photo", id: uniqueId("has-photo") });
  const hasPhotoField = h(
    "div",
    { className: "field checkbox" },
    hasPhoto,
    h("label", { htmlFor: hasPhoto.id, textContent: "Has photo" }),
  );
  const sort = field(
    "Sort by",
    select("sort", [
      ["newest", "Newest first"],
      ["price-asc", "Price: low to high"],
      ["price-desc", "Price: high to low"],
    ]),
  );
  const count = h("p", { className: "result-count", role: "status", "aria-label": "Result count" });
  /** A price bound as typed; an error next to the field and no bound while it is invalid. */
  const bound = (f: Field): number | null | undefined => {
    try {
      setError(f, "");
      return parsePrice(f.control.value);
    } catch (error) {
      if (!(error instanceof PeerboardError)) throw error;
      setError(f, error.message);
      return undefined;
    }
  };

  let names = await start.names;
  /** The query as typed; null while a price bound is invalid (the last valid results stay). */
  const query = (): SearchQuery | null => {
    const min = bound(minPrice);
    const max = bound(maxPrice);
    if (min === undefined || max === undefined) return null;
    return {
      text: text.control.value,
      category: category.control.value as Category | "",
      kind: kind.control.value as SearchQuery["kind"],
      currency: currency.control.value as Currency | "",
      minPrice: min,
      maxPrice: max,
      hasPhoto: hasPhoto.checked,
      sort: sort.control.value as SearchSort,
    };
  };
  let current = query();
  const results = windowedList<Listing>({
    fetch: async (offset, limit) => {
      const asked = { ...current, offset, limit };
      const early = firstPage;
      firstPage = undefined;
      const same = offset === 0 && limit === SEARCH_PAGE_SIZE && sameQuery(current, EMPTY_SEARCH);
      const { listings, total } = await (early && same ? early : hub.search(asked));
      return { items: listings, total };
    },
    render: (l) =>
      listingArticle(l, me, names[l.author]?.name, photoStrip(hub, l, 1), avatarImage(hub, names[l.author])),
    key: (l) => `${l.id}:${l.version}:${names[l.author]?.name ?? ""}`,
    onRender: (total) => {
      // The overscan's draw tells the same total again: a status line rewritten is announced again.
      const text = total === 0 ? "No listings match." : listingCountText(total);
      if (count.textContent !== text) count.textContent = text;
      results.element.dataset.query = JSON.stringify(current);
    },
  });
  // On a phone the filters fold under "Filters", so results start on the first screen; the
  // summary says how many are set, so a folded filter never hides why results are few.
  const summary = h("summary", { textContent: "Filters" });
  const filters = h(
    "details",
    { className: "search-more" },
    summary,
    h("div", { className: "row even" }, category.wrapper, kind.wrapper),
    h("div", { className: "row even" }, minPrice.wrapper, maxPrice.wrapper, currency.wrapper),
    hasPhotoField,
    sort.wrapper,
  );
  filters.open = !matchMedia(NARROW).matches;
  const showFilterCount = () => {
    const set = [category, kind, currency, minPrice, maxPrice].filter((f) => f.control.value !== "").length;
    const on = set + (hasPhoto.checked ? 1 : 0) + (sort.control.value === "newest" ? 0 : 1);
    summary.textContent = on === 0 ? "Filters" : `Filters (${on} set)`;
  };
  // What is typed now, not the last valid query: a bad price must not save the previous one.
  const save = saveSearchControl(hub, () => query() ?? undefined);
  outlet.replaceChildren(
    h(
      "div",
      { className: "search-layout" },
      h(
        "section",
        { className: "search-filters", "aria-label": "Search and filters" },
        h("h2", { textContent: "Find listings" }),
        h(
          "form",
          { noValidate: true, onsubmit: (event: Event) => event.preventDefault(), "aria-label": "Search listings" },
          text.wrapper,
          filters,
        ),
        save.element,
      ),
      h(
        "section",
        { className: "search-results", "aria-label": "Results" },
        h("h2", { textContent: "Results" }),
        count,
        results.element,
      ),
    ),
  );

  const fail = (error: unknown) => {
    count.textContent = `Search failed: ${String(error)}`;
  };
  const rerun = () => void results.refresh().catch(fail);
  const restart = () => {
    showFilterCount();
    const next = query();
    if (!next) return;
    current = next;
    void results.reset().catch(fail);
  };
  for (const f of [text, minPrice, maxPrice]) f.control.addEventListener("input", restart);
  for (const f of [category, kind, currency, sort]) f.control.addEventListener("change", restart);
  hasPhoto.addEventListener("change", restart);

  let refreshTimer: ReturnType<typeof setTimeout> | undefined;
  context.onEvent((event) => {
    save.handle(event);
    if (event.type === "saved-searches" || event.type === "match") return;
    if (event.type === "image") void imageArrived(hub, event.hash);
    if (event.type === "profile") names = { ...names, [event.profile.peerId]: authorSummary(event.profile) };
    if (event.type === "status" || event.type === "image" || refreshTimer) return;
    refreshTimer = setTimeout(() => {
      refreshTimer = undefined;
      rerun();
    }, REFRESH_MS);
  });
  await results.reset();
  text.control.focus();
  return () => {
    results.dispose();
    clearTimeout(refreshTimer);
  };
}
