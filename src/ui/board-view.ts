// The board screen: who I am, the network state, the "New listing" form, manual connect and the
// live list of listings. Talks only to the hub.

import type { HubApi, HubEvent, HubStatus } from "../shared/api.ts";
import type { PeerId } from "../shared/crypto.ts";
import { CURRENCIES, LIMITS, type Listing } from "../shared/records.ts";
import { h, uniqueId } from "./dom.ts";
import { listingArticle } from "./listing-view.ts";

/** Wraps a listener for crossing to the hub (Comlink.proxy in the app, identity in tests). */
export type ListenerWrapper = (listener: (event: HubEvent) => void) => (event: HubEvent) => void;

interface Field {
  wrapper: HTMLElement;
  control: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;
  error: HTMLElement;
}

function field(label: string, control: Field["control"]): Field {
  control.id ||= uniqueId("field");
  const error = h("p", { className: "field-error", id: uniqueId("error") });
  control.setAttribute("aria-describedby", error.id);
  const wrapper = h(
    "div",
    { className: "field" },
    h("label", { htmlFor: control.id, textContent: label }),
    control,
    error,
  );
  return { wrapper, control, error };
}

function setError(f: Field, message: string): void {
  f.error.textContent = message;
  if (message) f.control.setAttribute("aria-invalid", "true");
  else f.control.removeAttribute("aria-invalid");
}

export function networkText(status: HubStatus): string {
  const ready = status.peers.filter((p) => p.stage === "ready").length;
  switch (status.radio) {
    case "none":
      return "Offline: no tab is carrying the connection yet.";
    case "connecting":
      return "Connecting to the signaling server…";
    case "online":
      return ready === 1 ? "Online · 1 peer connected" : `Online · ${ready} peers connected`;
    case "offline":
      return "Offline: the signaling server is unreachable. Retrying; your listings are kept and sent later.";
    case "identity-in-use":
      return "This identity is in use in another browser or device right now. This one stays offline until that one stops.";
  }
}

export async function mountBoard(root: HTMLElement, hub: HubApi, wrap: ListenerWrapper): Promise<() => void> {
  const peerIdLabel = uniqueId("label");
  const peerIdOutput = h("output", { className: "peer-id", "aria-labelledby": peerIdLabel });
  const network = h("p", { className: "network", role: "status", "aria-label": "Network" });
  const peerList = h("ul", { className: "peer-list", "aria-label": "Connected peers" });

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

  const listingsEmpty = h("p", {
    className: "empty",
    textContent: "No listings yet. Post one, or wait for peers to share theirs.",
  });
  const listingsBox = h("div", { className: "listings" });

  root.replaceChildren(
    h(
      "header",
      { className: "top" },
      h("h1", { textContent: "Peerboard" }),
      h("p", { className: "identity" }, h("span", { id: peerIdLabel, textContent: "Your peer id" }), " ", peerIdOutput),
      network,
    ),
    h(
      "main",
      {},
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

  let me: PeerId = "";
  const listings = new Map<string, Listing>();
  let renderQueued = false;
  const renderListings = () => {
    if (renderQueued) return;
    renderQueued = true;
    queueMicrotask(() => {
      renderQueued = false;
      const sorted = [...listings.values()].sort((a, b) => b.updatedAt - a.updatedAt || (a.id < b.id ? -1 : 1));
      listingsBox.replaceChildren(...sorted.map((l) => listingArticle(l, me)));
      listingsEmpty.hidden = sorted.length > 0;
    });
  };
  const upsert = (listing: Listing) => {
    const known = listings.get(listing.id);
    if (known && known.version >= listing.version && known.updatedAt >= listing.updatedAt) return;
    listings.set(listing.id, listing);
    renderListings();
  };
  const showStatus = (status: HubStatus) => {
    me = status.peerId;
    peerIdOutput.textContent = status.peerId;
    network.textContent = networkText(status);
    root.dataset.radio = status.radio;
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

  const subscription = await hub.subscribe(
    wrap((event) => {
      if (event.type === "listing") upsert(event.listing);
      else showStatus(event.status);
    }),
  );
  showStatus(await hub.status());
  for (const listing of await hub.listings()) upsert(listing);
  return () => void hub.unsubscribe(subscription);
}
