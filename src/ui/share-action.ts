// "Share" on a listing's detail view: the system share sheet where the browser has the Web Share
// API (phones), otherwise the link goes to the clipboard and the button says "Link copied".

import type { Listing } from "../core/listings/records.ts";
import { h } from "./dom.ts";

/** The link that opens this listing on any device with Peerboard from this community. */
export function listingLink(listing: Pick<Listing, "id">, base = location.href): string {
  const url = new URL(base);
  url.hash = `#/listing/${listing.id}`;
  return url.href;
}

export function shareAction(listing: Listing): HTMLElement {
  const status = h("span", { role: "status", "aria-label": "Share status" });
  const button = h("button", { type: "button", className: "secondary", textContent: "Share" });
  button.addEventListener("click", async () => {
    const url = listingLink(listing);
    if (typeof navigator.share === "function") {
      try {
        await navigator.share({ title: listing.title, text: listing.title, url });
        status.textContent = "";
        return;
      } catch (error) {
        // The user closed the share sheet: nothing to do. Anything else falls back to copying.
        if (error instanceof DOMException && error.name === "AbortError") return;
      }
    }
    try {
      await navigator.clipboard.writeText(url);
      status.textContent = "Link copied";
    } catch {
      // No clipboard access (an old browser, or permission refused): show the link to copy by hand.
      status.textContent = `Copy this link: ${url}`;
    }
  });
  return h("div", { className: "share" }, button, " ", status);
}
