// "Messages" (#/messages): one conversation per other person and topic (a deal or a listing),
// with unread counts; #/messages/<peer>/<topic> shows one conversation and its composer.

import type { PeerId } from "../core/crypto.ts";
import type { Listing } from "../core/listings/records.ts";
import type { ChatRecord, DealRecord, MessageStatus } from "../core/mail/mail-store.ts";
import type { HubApi } from "../shared/api.ts";
import { h } from "./dom.ts";
import { field, setError } from "./form.ts";
import { avatarImage } from "./photos.ts";
import type { ViewContext } from "./shell.ts";

const STATUS_TEXT: Record<MessageStatus, string> = {
  sent: "Sent",
  delivered: "Delivered",
  read: "Read",
  refused: "Not accepted by the other side",
};

/** What a conversation is about, as the user knows it: the listing's title. */
function topicTitle(topic: string, deals: Map<string, DealRecord>, listings: Map<string, Listing>): string {
  const listingId = deals.get(topic)?.listingId ?? topic;
  const title = listings.get(listingId)?.title;
  return title ? `${deals.has(topic) ? "Deal on" : "About"} “${title}”` : `About ${topic}`;
}

/** The deals and the listings the conversations are about, by id (a topic is a deal or a listing id). */
async function topicListings(hub: HubApi, deals: DealRecord[], messages: ChatRecord[]) {
  const ids = [...new Set([...deals.map((d) => d.listingId), ...messages.map((m) => m.topic)])];
  return {
    listings: new Map((await hub.listingsById(ids)).map((l) => [l.id, l])),
    deals: new Map(deals.map((d) => [d.id, d])),
  };
}

export async function mountMessagesView(outlet: HTMLElement, context: ViewContext): Promise<void> {
  const hub = context.hub;
  const me = context.status.peerId;
  const messages = new Map<string, ChatRecord>();
  // Heard before the one read of every message, so none that changes after it is missed; drawn
  // once the read and the titles are in.
  let drawn = false;
  context.onEvent((event) => {
    if (event.type === "message") {
      messages.set(event.message.id, event.message);
      if (drawn) arrived(event.message.topic);
    }
  });
  const [allDeals, stored, names] = await Promise.all([hub.deals(), hub.messages(), hub.profileNames()]);
  for (const m of stored) messages.set(m.id, m);
  const { listings, deals } = await topicListings(hub, allDeals, [...messages.values()]);
  const list = h("ul", { className: "conversations", "aria-label": "Conversations" });
  const empty = h("p", {
    className: "empty",
    textContent: "No conversations yet. Open a deal and choose “Messages about this deal”.",
  });
  outlet.replaceChildren(h("h2", { textContent: "Messages" }), empty, list);

  const render = () => {
    const groups = new Map<string, ChatRecord[]>();
    for (const m of messages.values()) {
      const key = `${m.peer}/${m.topic}`;
      groups.set(key, [...(groups.get(key) ?? []), m]);
    }
    const sorted = [...groups.entries()].sort(
      ([, a], [, b]) => Math.max(...b.map((m) => m.createdAt)) - Math.max(...a.map((m) => m.createdAt)),
    );
    list.replaceChildren(
      ...sorted.map(([key, group]) => {
        const first = group[0] as ChatRecord;
        const unread = group.filter((m) => m.author !== me && m.status !== "read").length;
        const last = group.reduce((a, b) => (b.createdAt > a.createdAt ? b : a));
        return h(
          "li",
          { className: unread ? "conversation unread" : "conversation" },
          h("a", {
            href: `#/messages/${key}`,
            textContent: `${topicTitle(first.topic, deals, listings)} with ${names[first.peer]?.name || first.peer}`,
          }),
          unread ? h("span", { className: "badge", textContent: `${unread} unread` }) : null,
          h("p", { className: "meta", textContent: last.text }),
        );
      }),
    );
    empty.hidden = groups.size > 0;
  };
  /** A message came: drawn, and a conversation about a listing not looked up yet gets its title. */
  const arrived = (topic: string) => {
    render();
    if (!listings.has(topic) && !deals.has(topic))
      void hub.listing(topic).then((listing) => {
        if (!listing) return;
        listings.set(listing.id, listing);
        render();
      });
  };
  render();
  drawn = true;
}

export async function mountConversationView(outlet: HTMLElement, context: ViewContext): Promise<void> {
  const hub = context.hub;
  const me = context.status.peerId;
  const [peer = "", topic = ""] = context.params as [PeerId, string];
  const messages = new Map<string, ChatRecord>();
  const mine = (m: ChatRecord) => m.peer === peer && m.topic === topic;
  let drawn = false;
  context.onEvent((event) => {
    if (event.type !== "message" || !mine(event.message)) return;
    messages.set(event.message.id, event.message);
    if (!drawn) return;
    render();
    // Shown to the user: tell the author it was read.
    if (event.message.author === peer && event.message.status !== "read" && document.visibilityState === "visible")
      void hub.markConversationRead(peer, topic);
  });
  const [allDeals, stored, names] = await Promise.all([hub.deals(), hub.messages(), hub.profileNames()]);
  for (const m of stored) if (mine(m)) messages.set(m.id, m);
  // The one listing this conversation is about names it: the deal's, or the topic itself.
  const deals = new Map(allDeals.map((d) => [d.id, d]));
  const about = await hub.listing(deals.get(topic)?.listingId ?? topic);
  const listings = new Map(about ? [[about.id, about]] : []);
  /** "Sent", or who holds it for them while they are away (the community's always-on peer). */
  const statusText = (m: ChatRecord) =>
    m.status === "sent" && m.heldBy ? `Held for them by ${names[m.heldBy]?.name || m.heldBy}` : STATUS_TEXT[m.status];
  const log = h("ol", { className: "chat-log", "aria-label": "Messages", "aria-live": "polite" });
  const text = field("Message", h("textarea", { name: "message", rows: 3 }));
  const send = h("button", { type: "submit", textContent: "Send" });
  const form = h(
    "form",
    { className: "chat-form", "aria-label": "Write a message", noValidate: true },
    text.wrapper,
    send,
  );
  outlet.replaceChildren(
    h("h2", { textContent: topicTitle(topic, deals, listings) }),
    h(
      "p",
      { className: "meta with" },
      avatarImage(hub, names[peer]),
      h("span", { textContent: names[peer]?.name ? `With ${names[peer].name} (${peer})` : `With ${peer}` }),
    ),
    h(
      "p",
      {},
      h("a", { href: "#/messages", textContent: "All conversations" }),
      " · ",
      h("a", { href: "#/deals", textContent: "Deals" }),
    ),
    log,
    form,
  );

  const render = () => {
    const sorted = [...messages.values()].sort((a, b) => a.createdAt - b.createdAt);
    log.replaceChildren(
      ...sorted.map((m) => {
        const own = m.author === me;
        return h(
          "li",
          { className: own ? "chat own" : "chat" },
          h("span", { className: "chat-author", textContent: own ? "You: " : `${names[peer]?.name || "They"}: ` }),
          h("span", { className: "chat-text", textContent: m.text }),
          own ? h("span", { className: "chat-status", textContent: ` · ${statusText(m)}` }) : null,
        );
      }),
    );
  };
  render();
  drawn = true;
  if (document.visibilityState === "visible") await hub.markConversationRead(peer, topic);

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    setError(text, "");
    send.disabled = true;
    try {
      const result = await hub.sendMessage(peer, topic, text.control.value);
      if (result.ok) {
        messages.set(result.value.id, result.value);
        render();
        form.reset();
        text.control.focus();
      } else setError(text, result.message);
    } catch (error) {
      setError(text, `Could not send: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      send.disabled = false;
    }
  });
}
