// Someone's profile at #/people/<peer id>: name, about, avatar and their reputation, the deals
// they completed, each countersigned by the other party and checked by this hub on arrival.

import type { PeerId } from "../core/crypto.ts";
import { authorSummary } from "../core/profiles/author-names.ts";
import type { Profile } from "../core/profiles/profile.ts";
import { countReceipts, type Reputation } from "../core/profiles/receipt.ts";
import { blockAction } from "./block-action.ts";
import { h } from "./dom.ts";
import { avatarImage } from "./photos.ts";
import type { ViewContext } from "./shell.ts";

/** "2 as seller, 1 as buyer, from 3 people", or a plain "None yet". */
export function reputationText(profile: Pick<Profile, "completed" | "peerId"> | undefined): string {
  const reputation = profile ? countReceipts(profile.peerId, profile.completed) : undefined;
  return reputation?.people ? reputationLine(reputation) : "None yet";
}

/** "2 as seller, 1 as buyer, from 3 people": people, not deals (receipt.ts). */
export function reputationLine({ asBuyer, asSeller, people }: Reputation): string {
  return `${asSeller} as seller, ${asBuyer} as buyer, from ${people} ${people === 1 ? "person" : "people"}`;
}

export async function mountPersonView(outlet: HTMLElement, context: ViewContext): Promise<void> {
  // The route only matches a well-formed peer id.
  const peerId = (context.params[0] ?? "") as PeerId;
  const me = context.status.peerId;
  const render = (profile: Profile | undefined) => {
    const rows: [string, string][] = [
      ["Peer id", peerId],
      ["Completed deals", reputationText(profile)],
      ["Profile updated", profile ? new Date(profile.updatedAt).toLocaleString() : "Not received yet"],
    ];
    outlet.replaceChildren(
      h(
        "article",
        { className: "person", "aria-label": "Profile" },
        h("h2", { textContent: profile?.name || "No display name yet" }),
        profile ? avatarImage(context.hub, authorSummary(profile)) : null,
        profile?.about ? h("p", { className: "about", textContent: profile.about }) : null,
        h(
          "dl",
          {},
          ...rows.flatMap(([term, value]) => [h("dt", { textContent: term }), h("dd", { textContent: value })]),
        ),
        h("p", {
          className: "hint",
          textContent:
            "Each completed deal is signed by both people in it; this browser checked every signature. " +
            "Profiles list up to 100 recent deals.",
        }),
        peerId === me
          ? h("p", {}, h("a", { href: "#/profile", textContent: "Edit your profile" }))
          : blockAction(context.hub, peerId),
      ),
    );
  };
  render(await context.hub.profile(peerId));
  context.onEvent((event) => {
    if (event.type === "profile" && event.profile.peerId === peerId) render(event.profile);
  });
}
