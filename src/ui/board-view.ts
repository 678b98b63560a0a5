// The board: the "New listing" form, the live list of listings, and the peers panel with
// "Connect to peer". Talks only to the hub.

import type { PeerId } from "../shared/crypto.ts";
import { CURRENCIES, LIMITS, type Listing } from "../shared/records.ts";
import { h } from "./dom.ts";
import { type Field, field, setError } from "./form.ts";
import { listingArticle } from "./listing-view.ts";
import type { ViewContext } from "./shell.ts";

/** Least time between two redraws of the listing list while listings stream in. */
const RENDER_GAP_MS = 200;

export async function mountBoardView(outlet: HTMLElement, context: ViewContext): Promise<void> {
  const { hub } = context;
  let me: PeerId = context.status.peerId;

  const title = field(
    "Title",
    h("input", { name: "title", required: true, maxLength: LIMITS.titleMax, autocomplete: "off" }),
  );
  const description = field(
    "Description",
    h("textarea", { name: "description", rows: 4, maxLength: LIMITS.descriptionMax }),
  );
  const price = field(
    "Price",
    h("input", { name: "price", inputMode: "decimal", placeholder: "e.g. 25 or 12.50", autocomplete: "off" }),
  );
  const currency = field(
    "Currency",
    h("select", { name: "currency" }, ...CURRENCIES.map((c) => h("option", { value: c, textContent: c }))),
  );
  const fields: Record<string, Field> = { title, description, price, currency };
  const formError = h("p", { className: "form-error", role: "alert" });
  const postButton = h("button", { type: "submit", textContent: "Post" });
  const postForm = h(
    "form",
    { className: "post-form", "aria-label": "New listing", noValidate: true },
    title.wrapper,
    description.wrapper,
    h("div", { className: "row" }, price.wrapper, currency.wrapper),
    postButton,
    formError,
  );

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

  outlet.replaceChildren(
    h(
      "div",
      { className: "board-layout" },
      h(
        "section",
        { className: "post", "aria-label": "Post a listing" },
        h("h2", { textContent: "Post a listing" }),
        postForm,
      ),
      h(
        "section",
        { className: "board", "aria-label": "Listings" },
        h("h2", { textContent: "Listings" }),
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
  let renderQueued = false;
  let renderedAt = Number.NEGATIVE_INFINITY;
  const renderListings = () => {
    if (renderQueued) return;
    renderQueued = true;
    const render = () => {
      renderQueued = false;
      renderedAt = performance.now();
      const sorted = [...listings.values()].sort((a, b) => b.updatedAt - a.updatedAt || (a.id < b.id ? -1 : 1));
      listingsBox.replaceChildren(...sorted.map((l) => listingArticle(l, me)));
      listingsEmpty.hidden = sorted.length > 0;
    };
    // A sync delivers thousands of listings one event each: redrawing the whole list for every
    // one froze the page, so after a redraw the next waits until RENDER_GAP_MS have passed.
    const wait = renderedAt + RENDER_GAP_MS - performance.now();
    if (wait > 0) setTimeout(render, wait);
    else queueMicrotask(render);
  };
  const upsert = (listing: Listing) => {
    const known = listings.get(listing.id);
    if (known && known.version >= listing.version && known.updatedAt >= listing.updatedAt) return;
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

  postForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    for (const f of Object.values(fields)) setError(f, "");
    formError.textContent = "";
    postButton.disabled = true;
    try {
      const result = await hub.post({
        title: title.control.value,
        description: description.control.value,
        price: price.control.value,
        currency: currency.control.value,
      });
      if (result.ok) {
        upsert(result.listing);
        postForm.reset();
        title.control.focus();
      } else {
        const f = fields[result.field];
        if (f) {
          setError(f, result.message);
          f.control.focus();
        } else formError.textContent = result.message;
      }
    } catch (error) {
      formError.textContent = `Could not post: ${error instanceof Error ? error.message : String(error)}`;
    } finally {
      postButton.disabled = false;
    }
  });

  connectForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    setError(connectField, "");
    const result = await hub.connect(connectInput.value);
    if (result.ok) connectInput.value = "";
    else setError(connectField, result.message);
  });

  context.onEvent((event) => {
    if (event.type === "listing") upsert(event.listing);
    else if (event.type === "status") showPeers(event.status);
  });
  showPeers(context.status);
  for (const listing of await hub.listings()) upsert(listing);
}
