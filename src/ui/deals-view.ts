// "Deals" (#/deals): incoming offers on my listings and my offers on others', each with its
// signed steps, what is new, and the answers the state machine allows me now.

import type { PeerId } from "../core/crypto.ts";
import {
  allowedActions,
  counterparty,
  currentOffer,
  type DealAction,
  type DealStep,
  dealState,
} from "../core/deals/deal.ts";
import type { Listing } from "../core/listings/records.ts";
import type { DealRecord } from "../core/mail/mail-store.ts";
import { authorSummary } from "../core/profiles/author-names.ts";
import type { DealSettings, HubApi } from "../shared/api.ts";
import { h, uniqueId } from "./dom.ts";
import { formatOffer, offerFields } from "./offer-fields.ts";
import { reputationLine } from "./person-view.ts";
import { avatarImage } from "./photos.ts";
import type { ViewContext } from "./shell.ts";

const BUTTONS: Record<Exclude<DealAction, "propose" | "counter">, string> = {
  accept: "Accept",
  reject: "Reject",
  withdraw: "Withdraw",
  complete: "Mark completed",
};

const VERBS: Record<DealAction, string> = {
  propose: "offered",
  counter: "countered with",
  accept: "accepted",
  reject: "rejected the offer",
  withdraw: "withdrew the offer",
  complete: "marked the deal completed",
};

function stepText(step: DealStep, me: PeerId): string {
  const who = step.author === me ? "You" : "They";
  const offer = step.offer ? ` ${formatOffer(step.offer)}` : "";
  const message = step.message ? ` — “${step.message}”` : "";
  return `${who} ${VERBS[step.action]}${offer}${message}`;
}

export async function mountDealsView(outlet: HTMLElement, context: ViewContext): Promise<void> {
  const hub = context.hub;
  const me = context.status.peerId;
  const listings = new Map<string, Listing>();
  const deals = new Map<string, DealRecord>();
  /** Deals that had news when this view showed them; they stay marked while it is open. */
  const fresh = new Set<string>();
  /** The deal whose counter form is open, so a re-render keeps it open. */
  let countering: string | undefined;

  const incoming = h("div", { className: "deal-list" });
  const outgoing = h("div", { className: "deal-list" });
  const incomingEmpty = h("p", { className: "empty", textContent: "No offers on your listings yet." });
  const outgoingEmpty = h("p", { className: "empty", textContent: "You have not made any offers yet." });
  const standing = h("p", { className: "reputation" });
  const showReputation = async () => {
    standing.textContent = `Your completed deals: ${reputationLine(await hub.reputation())}`;
  };
  let names = await hub.profileNames();
  outlet.replaceChildren(
    h("h2", { textContent: "Deals" }),
    standing,
    await settingsForm(hub),
    h(
      "section",
      { "aria-label": "Incoming offers" },
      h("h3", { textContent: "Incoming offers" }),
      incomingEmpty,
      incoming,
    ),
    h("section", { "aria-label": "Your offers" }, h("h3", { textContent: "Your offers" }), outgoingEmpty, outgoing),
  );

  /** Accept, reject, withdraw or complete; a refusal shows on the deal's error line. */
  const act = async (deal: DealRecord, action: DealAction, error: HTMLElement) => {
    error.textContent = "";
    const result = await hub.respondToDeal(deal.id, action);
    if (!result.ok) {
      error.textContent = result.message;
      return;
    }
    deals.set(result.value.id, result.value);
    render();
  };

  const counterForms = new Map<string, HTMLElement>();
  const counterFormFor = (deal: DealRecord, offer: DealStep | undefined, listing: Listing | undefined) => {
    const fields = offerFields(offer?.offer?.kind === "money" ? offer.offer.currency : (listing?.currency ?? "EUR"));
    const error = h("p", { className: "form-error", role: "alert" });
    const form = h(
      "form",
      { className: "counter-form", "aria-label": "Counter-offer", noValidate: true },
      ...fields.nodes,
      h("button", { type: "submit", textContent: "Send counter-offer" }),
      h("button", {
        type: "button",
        textContent: "Cancel",
        onclick: () => {
          countering = undefined;
          render();
        },
      }),
      error,
    );
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      fields.clearErrors();
      error.textContent = "";
      const result = await hub.respondToDeal(deal.id, "counter", fields.read());
      if (result.ok) {
        countering = undefined;
        deals.set(result.value.id, result.value);
        render();
      } else if (!fields.showError(result.field, result.message)) error.textContent = result.message;
    });
    return form;
  };

  const dealArticle = (deal: DealRecord): HTMLElement => {
    const now = Date.now();
    const listing = listings.get(deal.listingId);
    const state = dealState(deal.steps, now);
    const offer = currentOffer(deal.steps);
    const error = h("p", { className: "form-error", role: "alert" });
    const actions = allowedActions(deal.steps, me, now);
    const buttons = actions.flatMap((action) => {
      if (action === "counter")
        return [
          h("button", {
            type: "button",
            textContent: "Counter",
            onclick: () => {
              countering = deal.id;
              render();
            },
          }),
        ];
      if (action === "propose") return [];
      return [
        h("button", { type: "button", textContent: BUTTONS[action], onclick: () => void act(deal, action, error) }),
      ];
    });
    let counterForm: HTMLElement | null = null;
    if (countering === deal.id && actions.includes("counter")) {
      // Kept across re-renders (events arrive while the user types), so nothing typed is lost.
      counterForm = counterForms.get(deal.id) ?? counterFormFor(deal, offer, listing);
      counterForms.set(deal.id, counterForm);
    } else counterForms.delete(deal.id);
    const other = counterparty(deal, me);
    return h(
      "article",
      { className: fresh.has(deal.id) ? "deal unread" : "deal", "data-deal-id": deal.id },
      h("h4", { textContent: listing?.title ?? `Listing ${deal.listingId}` }),
      fresh.has(deal.id) ? h("p", { className: "badge", textContent: "New" }) : null,
      h("p", { className: "deal-state", textContent: `State: ${state}` }),
      offer ? h("p", { textContent: `Current offer: ${formatOffer(offer.offer)}` }) : null,
      h(
        "p",
        { className: "meta" },
        "With ",
        avatarImage(hub, names[other]),
        h("a", { href: `#/people/${other}`, textContent: names[other]?.name || other }),
      ),
      h(
        "ol",
        { className: "deal-steps", "aria-label": "Steps" },
        ...deal.steps.map((s) => h("li", { textContent: stepText(s, me) })),
      ),
      buttons.length ? h("div", { className: "deal-actions" }, ...buttons) : null,
      counterForm,
      error,
      h("a", { href: `#/messages/${other}/${deal.id}`, textContent: "Messages about this deal" }),
    );
  };

  const render = () => {
    const sorted = [...deals.values()].sort((a, b) => b.updatedAt - a.updatedAt);
    const mine = sorted.filter((d) => d.seller === me);
    const theirs = sorted.filter((d) => d.buyer === me);
    incoming.replaceChildren(...mine.map(dealArticle));
    outgoing.replaceChildren(...theirs.map(dealArticle));
    incomingEmpty.hidden = mine.length > 0;
    outgoingEmpty.hidden = theirs.length > 0;
  };

  const markSeen = (deal: DealRecord) => {
    if (deal.unread > 0) {
      fresh.add(deal.id);
      void hub.markDealRead(deal.id);
    }
  };

  context.onEvent((event) => {
    if (event.type === "deal") {
      deals.set(event.deal.id, event.deal);
      markSeen(event.deal);
      render();
      void showReputation();
    } else if (event.type === "profile") {
      names = { ...names, [event.profile.peerId]: authorSummary(event.profile) };
      render();
      // Our profile lists the countersigned deals the reputation line counts.
      if (event.profile.peerId === me) void showReputation();
    } else if (event.type === "listing") {
      listings.set(event.listing.id, event.listing);
    }
  });
  const stored = await hub.deals();
  for (const listing of await hub.listingsById(stored.map((d) => d.listingId))) listings.set(listing.id, listing);
  for (const deal of stored) {
    deals.set(deal.id, deal);
    markSeen(deal);
  }
  render();
  await showReputation();
}

/** The seller's choices of what a deal does to the listing; saved as soon as a box changes. */
async function settingsForm(hub: HubApi): Promise<HTMLElement> {
  const saved = h("p", { className: "saved", role: "status", "aria-label": "Deal settings status" });
  const settings = await hub.dealSettings();
  const box = (key: keyof DealSettings, label: string) => {
    const input = h("input", { type: "checkbox", id: uniqueId(key), name: key, checked: settings[key] });
    input.addEventListener("change", async () => {
      saved.textContent = "";
      const next = await hub.saveDealSettings({ ...(await hub.dealSettings()), [key]: input.checked });
      input.checked = next[key];
      saved.textContent = "Saved.";
    });
    return h("div", { className: "field checkbox" }, input, h("label", { htmlFor: input.id, textContent: label }));
  };
  return h(
    "form",
    { className: "deal-settings", "aria-label": "When you sell" },
    h(
      "fieldset",
      {},
      h("legend", { textContent: "When you sell" }),
      box("reserveOnAccept", "Mark my listing reserved when I accept an offer"),
      box("sellOnComplete", "Mark my listing sold when a deal is completed"),
    ),
    saved,
  );
}
