// The board: a search box, category chips and the newest listings as cards, first thing on the
// screen; "Post a listing" leads to its own view. Wide screens keep the peers panel beside it.
// The list is the hub's answer to a query (newest first), asked again as listings arrive.

import { isVisible } from "../core/listings/listing-terms.ts";
import type { Listing } from "../core/listings/records.ts";
import { authorSummary } from "../core/profiles/author-names.ts";
import type { SearchQuery } from "../core/search/search-query.ts";
import type { AuthorSummary, HubApi } from "../shared/api.ts";
import { categoryChips } from "./category-chips.ts";
import { h } from "./dom.ts";
import { field } from "./form.ts";
import { listingCountText } from "./labels.ts";
import { listingArticle } from "./listing-view.ts";
import { peersPanel } from "./peers-panel.ts";
import { avatarImage, imageArrived, photoStrip } from "./photos.ts";
import type { Route, Unmount, ViewContext } from "./shell.ts";
import { nameWelcome } from "./welcome.ts";
import { windowedList } from "./windowed-list.ts";

const EXPIRY_CHECK_MS = 30_000;
/** Least time between two asks of the hub while listings stream in. */
const REFRESH_MS = 250;
/** Least time between two asks for the listing count while listings stream in. */
const COUNT_GAP_MS = 500;
/**
 * Listings arriving below everything drawn change only the list's length: asked at most this
 * often (a send-all sync brings them newest first, and asked every REFRESH_MS each read a page).
 */
const BELOW_REFRESH_MS = 2_000;

/** "1 listing", "10,000 listings" (tests and other views read it from here). */
export { listingCountText };

/** The board's first screen, asked of the hub in one go (page 0 of the default query included). */
interface BoardStart {
  welcome: Promise<HTMLElement | null>;
  names: Promise<Record<string, AuthorSummary>>;
  count: Promise<number>;
  firstPage: Promise<SearchPage>;
}

type SearchPage = Awaited<ReturnType<HubApi["search"]>>;
const PAGE_SIZE = 50;
const FIRST_QUERY: SearchQuery = { text: "", category: "", sort: "newest" };

function askBoardStart(hub: HubApi): BoardStart {
  return {
    welcome: nameWelcome(hub),
    names: hub.profileNames(),
    count: hub.listingCount(),
    firstPage: hub.search({ ...FIRST_QUERY, offset: 0, limit: PAGE_SIZE }),
  };
}

/**
 * For a cold start on the board: its asks go out before the shell has the hub's status, so they
 * wait in the hub's port beside the shell's and all come back in one burst once the hub is up.
 */
export function prepareBoardView(hub: HubApi): Route["mount"] {
  const start = askBoardStart(hub);
  return (outlet, context) => mountBoardView(outlet, context, context.hub === hub ? start : undefined);
}

export async function mountBoardView(outlet: HTMLElement, context: ViewContext, early?: BoardStart): Promise<Unmount> {
  const { hub } = context;
  let me = context.status.peerId;
  const start = early ?? askBoardStart(hub);
  // Page 0 of the default query was asked with the rest; used once, for the first draw only.
  let firstPage: Promise<SearchPage> | undefined = start.firstPage;

  const searchInput = h("input", {
    type: "search",
    name: "q",
    autocomplete: "off",
    placeholder: "e.g. bike, sofa, lessons",
  });
  const search = field("Search", searchInput);
  const chips = categoryChips(() => void list.reset());
  const peers = peersPanel(hub, "peers side-panel");
  // Hidden until the hub has answered: shown and then hidden, it would push the list down and up.
  const listingsEmpty = h("p", { className: "empty", hidden: true });
  // How many listings this device holds (the board shows the newest of them).
  const countLine = h("p", { className: "meta listing-count" });

  // Asked before the first paint of the board, so the question does not push the list down later.
  const [welcome, known, stored] = await Promise.all([start.welcome, start.names, start.count]);
  let names: Record<string, AuthorSummary> = known;
  countLine.textContent = listingCountText(stored);
  // Shown from the first paint when the board is empty: appearing later it pushed the list down.
  listingsEmpty.hidden = stored > 0;
  listingsEmpty.textContent = "No listings yet. Post one, or wait for peers to share theirs.";
  const query = (): SearchQuery => ({ text: searchInput.value, category: chips.value(), sort: "newest" });
  const unfiltered = () => searchInput.value === "" && chips.value() === "";
  const list = windowedList<Listing>({
    pageSize: PAGE_SIZE,
    fetch: async (offset, limit) => {
      const asked = { ...query(), offset, limit };
      const early = firstPage;
      firstPage = undefined;
      const sameAsEarly = offset === 0 && limit === PAGE_SIZE && unfiltered();
      const { listings, total } = await (early && sameAsEarly ? early : hub.search(asked));
      // The hub counts by its clock; this tab's may be ahead (a listing that just expired).
      const now = Date.now();
      return { items: listings.filter((l) => isVisible(l, now)), total };
    },
    render: (l) =>
      listingArticle(l, me, names[l.author]?.name, photoStrip(hub, l, 1), avatarImage(hub, names[l.author])),
    key: (l) => `${l.id}:${l.version}:${names[l.author]?.name ?? ""}:${names[l.author]?.avatar ?? ""}`,
    onRender: (total) => {
      // Unfiltered, the list's total is the count: asked apart, the count ran ahead of the list
      // while its refresh was on its way, and a scroll to the bottom on "1,500 listings" stopped
      // at the bottom of a shorter list, short of the oldest (sync.test failed in CI twice).
      if (unfiltered()) countLine.textContent = listingCountText(total);
      listingsEmpty.hidden = total > 0;
      listingsEmpty.textContent = unfiltered()
        ? "No listings yet. Post one, or wait for peers to share theirs."
        : "Nothing on the board matches.";
    },
  });
  const searchForm = h(
    "form",
    { className: "board-search", role: "search", "aria-label": "Search the board", noValidate: true },
    search.wrapper,
  );
  outlet.replaceChildren(
    h(
      "div",
      { className: "board-layout" },
      // Beside the board on a wide screen, above it on a phone (cards.css).
      welcome,
      h(
        "section",
        { className: "board", "aria-label": "Listings" },
        searchForm,
        chips.element,
        h(
          "div",
          { className: "board-bar" },
          h("h2", { textContent: "Listings" }),
          countLine,
          h("a", { className: "button-link", href: "#/post", textContent: "Post a listing" }),
        ),
        listingsEmpty,
        list.element,
      ),
      peers.element,
    ),
  );

  // A sync delivers thousands of listings one event each: ask again at most every REFRESH_MS;
  // but an empty board shows its first listings at once (a first visit's first screen).
  let refreshTimer: ReturnType<typeof setTimeout> | undefined;
  let belowTimer: ReturnType<typeof setTimeout> | undefined;
  const refresh = () => {
    if (refreshTimer) return;
    refreshTimer = setTimeout(
      () => {
        refreshTimer = undefined;
        clearTimeout(belowTimer);
        belowTimer = undefined;
        void list.refresh();
      },
      listingsEmpty.hidden ? REFRESH_MS : 0,
    );
  };
  const refreshBelow = () => {
    if (refreshTimer || belowTimer) return;
    belowTimer = setTimeout(() => {
      belowTimer = undefined;
      refresh();
    }, BELOW_REFRESH_MS);
  };
  /** Whether `listing` sorts after every listing drawn (newest first), and is none of those held. */
  const belowDrawn = (listing: Listing): boolean => {
    const held = list.leadingItems();
    const last = held?.at(-1);
    // Strictly older: a tie is ordered by id, and an edit of a held listing must be drawn.
    return last !== undefined && listing.updatedAt < last.updatedAt && !held?.some((l) => l.id === listing.id);
  };
  searchInput.addEventListener("input", () => void list.reset());
  searchForm.addEventListener("submit", (event) => event.preventDefault());

  let countTimer: ReturnType<typeof setTimeout> | undefined;
  const showCount = async () => {
    // Arrivals below everything drawn wait to lengthen the list, but not past a count ask: the
    // list's answer brings the count with it (onRender). Filtered, the count is of all held.
    if (unfiltered()) {
      if (!refreshTimer && !belowTimer) return;
      clearTimeout(refreshTimer);
      clearTimeout(belowTimer);
      refreshTimer = belowTimer = undefined;
      await list.refresh();
    } else countLine.textContent = listingCountText(await hub.listingCount());
  };
  const refreshCount = () => {
    if (countTimer) return;
    countTimer = setTimeout(() => {
      countTimer = undefined;
      void showCount();
    }, COUNT_GAP_MS);
  };

  context.onEvent((event) => {
    if (event.type === "listing") {
      // The early page may predate this listing: ask the hub again.
      firstPage = undefined;
      if (belowDrawn(event.listing)) refreshBelow();
      else refresh();
      refreshCount();
    } else if (event.type === "status") {
      me = event.status.peerId;
      peers.show(event.status);
    } else if (event.type === "image") void imageArrived(hub, event.hash);
    else if (event.type === "profile") {
      names = { ...names, [event.profile.peerId]: authorSummary(event.profile) };
      refresh();
    }
  });
  peers.show(context.status);
  await list.reset();
  // Listings expire while the board is open, and "2 min ago" grows older.
  const expiryTimer = setInterval(() => {
    refresh();
    refreshCount();
  }, EXPIRY_CHECK_MS);
  return () => {
    list.dispose();
    clearInterval(expiryTimer);
    clearTimeout(refreshTimer);
    clearTimeout(belowTimer);
    clearTimeout(countTimer);
  };
}
