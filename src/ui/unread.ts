// Unread counts outside the views: badges on the "Deals" and "Messages" links and the total in
// the tab title, e.g. "(3) Deals · Peerboard". Fed by the shell's one hub subscription.

import type { PeerId } from "../core/crypto.ts";
import type { HubApi, HubEvent } from "../shared/api.ts";
import { h } from "./dom.ts";

export interface UnreadCounter {
  handle(event: HubEvent): void;
}

export async function watchUnread(hub: HubApi, root: HTMLElement): Promise<UnreadCounter> {
  const mail = hub;
  const me: PeerId = (await hub.status()).peerId;
  const dealUnread = new Map<string, number>();
  const messageUnread = new Set<string>();
  for (const deal of await mail.deals()) dealUnread.set(deal.id, deal.unread);
  for (const m of await mail.messages()) if (m.author !== me && m.status !== "read") messageUnread.add(m.id);

  const badge = (href: string) => {
    const link = root.querySelector<HTMLAnchorElement>(`nav a[href="${href}"]`);
    if (!link) return undefined;
    const span = h("span", { className: "badge" });
    link.append(" ", span);
    return span;
  };
  const dealsBadge = badge("#/deals");
  const messagesBadge = badge("#/messages");

  const show = () => {
    const deals = [...dealUnread.values()].reduce((a, b) => a + b, 0);
    const messages = messageUnread.size;
    for (const [span, count] of [
      [dealsBadge, deals],
      [messagesBadge, messages],
    ] as const) {
      if (!span) continue;
      // The number shows on the tab; "unread" is read out with it ("Deals 3 unread").
      span.replaceChildren(
        ...(count ? [String(count), h("span", { className: "visually-hidden", textContent: " unread" })] : []),
      );
      span.hidden = count === 0;
    }
    const base = document.title.replace(/^\(\d+\) /, "");
    const total = deals + messages;
    document.title = total ? `(${total}) ${base}` : base;
  };
  // The shell sets the title on every route change; put the count back after it.
  addEventListener("hashchange", () => queueMicrotask(show));
  show();
  return {
    handle(event) {
      if (event.type === "deal") dealUnread.set(event.deal.id, event.deal.unread);
      else if (event.type === "message") {
        const m = event.message;
        if (m.author !== me && m.status !== "read") messageUnread.add(m.id);
        else messageUnread.delete(m.id);
      } else return;
      show();
    },
  };
}
