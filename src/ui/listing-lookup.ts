// A link to a listing this device does not hold yet (#/listing/<id>, shared by someone): says
// "Looking for this listing…" while the hub asks the connected peers, and that it could not be
// found once they have all been asked and none had it. The detail view shows the listing when it
// arrives (its "listing" event); this only follows the hub's "lookup" events until then.

import type { HubEvent, ListingLookup } from "../shared/api.ts";
import { h } from "./dom.ts";
import type { ViewContext } from "./shell.ts";

const peers = (n: number) => (n === 1 ? "1 connected peer" : `${n} connected peers`);

export async function showListingLookup(outlet: HTMLElement, context: ViewContext, id: string): Promise<void> {
  const heading = h("h2");
  const line = h("p", { role: "status", "aria-label": "Listing search" });
  const section = h(
    "section",
    { className: "detail", "aria-label": "Listing", "aria-busy": "true" },
    heading,
    line,
    h("p", {}, h("a", { href: "#/", textContent: "Back to the board" })),
  );
  let done = false;
  const show = (lookup: ListingLookup) => {
    if (done || lookup.state === "found") return;
    if (lookup.state === "invalid") {
      heading.textContent = "Listing not found";
      line.textContent = lookup.message;
      section.setAttribute("aria-busy", "false");
      return;
    }
    const looking = lookup.state === "looking";
    heading.textContent = looking ? "Looking for this listing…" : "Listing not found";
    document.title = `${heading.textContent} · Peerboard`;
    section.setAttribute("aria-busy", String(looking));
    line.textContent = looking
      ? lookup.asked === 0
        ? "Nobody is connected yet. Peerboard asks for it as soon as someone connects."
        : `Asking ${peers(lookup.asked)} for it.`
      : `None of the ${peers(lookup.asked)} has it. It may have expired or been deleted; Peerboard keeps asking anyone who connects.`;
  };
  heading.textContent = "Looking for this listing…";
  outlet.replaceChildren(section);
  context.onEvent((event: HubEvent) => {
    if (event.type === "listing" && event.listing.id === id) done = true;
    if (event.type === "lookup" && event.id === id) show(event.lookup);
  });
  show(await context.hub.lookForListing(id));
}
