// Which hub events deserve a system notification, decided in the hub because only the hub sees
// every tab: a saved-search match (for searches the user asked to be notified of) always; an
// offer, a deal step or a message from the other side only while no tab is visible, since a
// visible tab shows it already. At most one alert per listing, deal step and message.

import type { PeerId } from "../core/crypto.ts";
import type { Alert, HubEvent } from "../shared/api.ts";

/** Ids remembered as alerted already, per kind; the oldest are forgotten past this. */
const REMEMBERED = 1_000;

const DEAL_TITLES: Record<string, string> = {
  propose: "New offer",
  counter: "Counter-offer",
  accept: "Offer accepted",
  reject: "Offer declined",
  withdraw: "Offer withdrawn",
  complete: "Deal completed",
};

const shorten = (text: string, max = 140) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

export class Alerts {
  private readonly alerted = new Set<string>();

  constructor(private readonly me: PeerId) {}

  /** The alert `event` raises, if any; `anyTabVisible`: whether a tab of this hub is on screen. */
  alertFor(event: HubEvent, anyTabVisible: boolean): Alert | undefined {
    if (event.type === "match") {
      const { listing, search } = event;
      if (!search.notify || !this.first(`listing:${listing.id}`)) return undefined;
      const words = search.query.text ? `“${search.query.text}”` : "your saved search";
      return {
        tag: `listing-${listing.id}`,
        title: shorten(listing.title, 80),
        body: `New listing for ${words}`,
        url: `/#/listing/${listing.id}`,
      };
    }
    if (anyTabVisible) return undefined;
    if (event.type === "deal") {
      const { deal } = event;
      const step = deal.steps.at(-1);
      if (!step || step.author === this.me || deal.unread === 0) return undefined;
      if (!this.first(`deal:${deal.id}:${step.seq}`)) return undefined;
      return {
        // One notification per deal: a later step replaces the earlier one.
        tag: `deal-${deal.id}`,
        title: DEAL_TITLES[step.action] ?? "Deal update",
        body: shorten(step.message || "Open Deals to see it."),
        url: "/#/deals",
      };
    }
    if (event.type === "message") {
      const { message } = event;
      if (message.author === this.me || message.status !== "delivered") return undefined;
      if (!this.first(`message:${message.author}:${message.id}`)) return undefined;
      return {
        tag: `chat-${message.peer}-${message.topic}`,
        title: "New message",
        body: shorten(message.text),
        url: `/#/messages/${message.peer}/${message.topic}`,
      };
    }
    return undefined;
  }

  /** True the first time `key` is seen. */
  private first(key: string): boolean {
    if (this.alerted.has(key)) return false;
    this.alerted.add(key);
    if (this.alerted.size > REMEMBERED) this.alerted.delete(this.alerted.values().next().value as string);
    return true;
  }
}
