// "Make an offer" (#/offer/<listing id>): an amount or a swap and a message, sent to the seller
// as a DEAL_PROPOSAL; then on to the deals view.

import { isVisible } from "../core/listings/listing-terms.ts";
import { h } from "./dom.ts";
import { formatPrice } from "./labels.ts";
import { offerFields } from "./offer-fields.ts";
import type { ViewContext } from "./shell.ts";

export async function mountOfferView(outlet: HTMLElement, context: ViewContext): Promise<void> {
  const hub = context.hub;
  const listingId = context.params[0] ?? "";
  // The one listing, as the board would show it: not a deleted, expired or blocked one.
  const [stored, blocked] = await Promise.all([hub.listing(listingId), hub.blockedPeers()]);
  const listing = stored && isVisible(stored, Date.now()) && !blocked.includes(stored.author) ? stored : undefined;
  if (!listing) {
    outlet.replaceChildren(
      h("h2", { textContent: "Make an offer" }),
      h("p", { textContent: "That listing is not here (any more). Go back to the board and pick another." }),
      h("a", { href: "#/", textContent: "Back to the board" }),
    );
    return;
  }
  const fields = offerFields(listing.currency);
  const formError = h("p", { className: "form-error", role: "alert" });
  const send = h("button", { type: "submit", textContent: "Send offer" });
  const form = h(
    "form",
    { className: "offer-form", "aria-label": "Make an offer", noValidate: true },
    ...fields.nodes,
    send,
    formError,
  );
  outlet.replaceChildren(
    h(
      "section",
      { className: "offer", "aria-label": "Make an offer" },
      h("h2", { textContent: `Make an offer: ${listing.title}` }),
      h("p", { className: "price", textContent: `Asking: ${formatPrice(listing)}` }),
      form,
    ),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    fields.clearErrors();
    formError.textContent = "";
    send.disabled = true;
    try {
      const result = await hub.makeOffer(listing.id, fields.read());
      if (result.ok) location.hash = "#/deals";
      else if (!fields.showError(result.field, result.message)) formError.textContent = result.message;
    } catch (error) {
      formError.textContent = `Could not send the offer: ${error instanceof Error ? error.message : String(error)}`;
    } finally {
      send.disabled = false;
    }
  });
}
