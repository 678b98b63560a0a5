// The board: the "New listing" form, the live list of listings, and the peers panel with
// "Connect to peer". Talks only to the hub.

import type { PeerId } from "../core/crypto.ts";
import { isVisible, type Listing, supersedes } from "../core/listings/records.ts";
import { authorSummary } from "../core/profiles/profile.ts";
import type { AuthorSummary } from "../shared/api.ts";
import { h } from "./dom.ts";
import { field, setError } from "./form.ts";
import { listingForm } from "./listing-form.ts";
import { listingArticle } from "./listing-view.ts";
import { avatarImage, imageArrived, photoStrip } from "./photos.ts";
import type { Unmount, ViewContext } from "./shell.ts";

const EXPIRY_CHECK_MS = 30_000;
/** Least time between two redraws of the listing list while listings stream in. */
const RENDER_GAP_MS = 200;
const BOARD_PAGE = 100;
/** Least time between two asks for the listing count while listings stream in. */
const COUNT_GAP_MS = 500;

/** "1 listing", "10,000 listings". */
export function listingCountText(count: number): string {
  return `${count.toLocaleString("en")} ${count === 1 ? "listing" : "listings"}`;
}

export async function mountBoardView(outlet: HTMLElement, context: ViewContext): Promise<Unmount> {
  const { hub } = context;
  let me: PeerId = context.status.peerId;

  const postForm = listingForm({ name: "New listing", submitLabel: "Post" });
  const connectInput = h("input", { name: "peer", autocomplete: "off", spellcheck: false, placeholder: "pb-…" });
  const connectField = field("Connect to peer", connectInput);
  const connectForm = h(
    "form",
    { className: "connect-form", "aria-label": "Connect to a peer" },
    connectField.wrapper,
    h("button", { type: "submit", textContent: "Connect" }),
  );
  const peerList = h("ul", { className: "peer-list", "aria-label": "Connected peers" });

  const listingsEmpty = h("p", {
    className: "empty",
    textContent: "No listings yet. Post one, or wait for peers to share theirs.",
  });
  const listingsBox = h("div", { className: "listings" });
  // How many listings this device holds (the board shows the newest page of them).
  const countLine = h("p", { className: "meta listing-count" });

  outlet.replaceChildren(
    h(
      "div",
      { className: "board-layout" },
      h(
        "section",
        { className: "post", "aria-label": "Post a listing" },
        h("h2", { textContent: "Post a listing" }),
        postForm.element,
      ),
      h(
        "section",
        { className: "board", "aria-label": "Listings" },
        h("h2", { textContent: "Listings" }),
        countLine,
        listingsEmpty,
        listingsBox,
      ),
      h(
        "section",
        { className: "peers", "aria-label": "Peers" },
        h("h2", { textContent: "Peers" }),
        connectForm,
        peerList,
      ),
    ),
  );

  const listings = new Map<string, Listing>();
  let names: Record<string, AuthorSummary> = {};
  let renderQueued = false;
  let renderedAt = Number.NEGATIVE_INFINITY;
  const renderListings = () => {
    if (renderQueued) return;
    renderQueued = true;
    const render = () => {
      renderQueued = false;
      renderedAt = performance.now();
      const now = Date.now();
      const sorted = [...listings.values()]
        .filter((l) => isVisible(l, now))
        .sort((a, b) => b.updatedAt - a.updatedAt || (a.id < b.id ? -1 : 1));
      listingsBox.replaceChildren(
        ...sorted.map((l) =>
          listingArticle(l, me, names[l.author]?.name, photoStrip(hub, l, 1), avatarImage(hub, names[l.author])),
        ),
      );
      listingsEmpty.hidden = sorted.length > 0;
    };
    // A sync delivers thousands of listings one event each: redrawing the whole list for every
    // one froze the page, so after a redraw the next waits until RENDER_GAP_MS have passed.
    const wait = renderedAt + RENDER_GAP_MS - performance.now();
    if (wait > 0) setTimeout(render, wait);
    else queueMicrotask(render);
  };
  let countQueued = false;
  const showCount = async () => {
    countLine.textContent = listingCountText(await hub.listingCount());
  };
  const refreshCount = () => {
    if (countQueued) return;
    countQueued = true;
    setTimeout(() => {
      countQueued = false;
      void showCount();
    }, COUNT_GAP_MS);
  };
  const upsert = (listing: Listing) => {
    const known = listings.get(listing.id);
    if (known && !supersedes(listing, known)) return;
    listings.set(listing.id, listing);
    renderListings();
  };
  const showPeers = (status: ViewContext["status"]) => {
    me = status.peerId;
    peerList.replaceChildren(
      ...status.peers.map((p) =>
        h("li", {
          textContent: p.stage === "ready" ? (p.name ? `${p.name} (${p.id})` : p.id) : `${p.id} (connecting…)`,
        }),
      ),
    );
  };

  postForm.onSubmit(
    (draft) => hub.post(draft),
    (result) => {
      if (result.ok) upsert(result.listing);
      postForm.element.reset();
      postForm.fields.title?.control.focus();
    },
  );

  connectForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    setError(connectField, "");
    const result = await hub.connect(connectInput.value);
    if (result.ok) connectInput.value = "";
    else setError(connectField, result.message);
  });

  context.onEvent((event) => {
    if (event.type === "listing") {
      upsert(event.listing);
      refreshCount();
    } else if (event.type === "status") showPeers(event.status);
    else if (event.type === "image") void imageArrived(hub, event.hash);
    else if (event.type === "profile") {
      names = { ...names, [event.profile.peerId]: authorSummary(event.profile) };
      renderListings();
    }
  });
  showPeers(context.status);
  names = await hub.profileNames();
  // The newest page only: with tens of thousands stored, Search finds the rest.
  for (const listing of (await hub.search({ sort: "newest", limit: BOARD_PAGE })).listings) upsert(listing);
  await showCount();
  // Listings expire while the board is open: each peer checks the clock itself.
  const expiryTimer = setInterval(() => {
    renderListings();
    refreshCount();
  }, EXPIRY_CHECK_MS);
  return () => clearInterval(expiryTimer);
}
