// The Messages and conversation views against a hub double: conversations named by the listing
// they are about, messages that come while the view mounts, and what each view asks the hub for.
// The double is a whole HubApi (the DOM tests' HubDouble with the chat calls overridden), so a
// change to HubApi breaks it at compile time.

import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { generateIdentity, type Identity } from "../../src/core/crypto.ts";
import { createListing } from "../../src/core/listings/draft.ts";
import type { Listing } from "../../src/core/listings/records.ts";
import type { ChatRecord } from "../../src/core/mail/mail-store.ts";
import type { HubEvent } from "../../src/shared/api.ts";
import { mountConversationView, mountMessagesView } from "../../src/ui/messages-view.ts";
import { HubDouble } from "./shell-support.ts";

let me: Identity;
let bob: Identity;
let bicycle: Listing;
let lamp: Listing;

beforeAll(async () => {
  [me, bob] = await Promise.all([generateIdentity(1), generateIdentity(2)]);
  bicycle = await createListing(bob, { title: "Blue bicycle", description: "", price: "40", currency: "EUR" }, 10);
  lamp = await createListing(bob, { title: "Desk lamp", description: "", price: "5", currency: "EUR" }, 20);
});

afterEach(() => document.body.replaceChildren());

const message = (id: string, topic: string, createdAt: number, text: string): ChatRecord => ({
  id,
  peer: bob.peerId,
  topic,
  author: bob.peerId,
  text,
  createdAt,
  status: "delivered",
});

/** Counts what the views ask, and lets a test emit an event while the first read is on its way. */
class ChatDouble extends HubDouble {
  readonly asked: string[] = [];
  readonly read: string[] = [];
  whileReading: (() => void) | undefined;
  constructor(readonly chats: ChatRecord[]) {
    super(me);
    this.put(bicycle);
    this.put(lamp);
  }
  override async deals() {
    this.asked.push("deals");
    return [];
  }
  override async messages() {
    this.asked.push("messages");
    const answer = [...this.chats];
    this.whileReading?.();
    return answer;
  }
  override async profileNames() {
    return { [bob.peerId]: { name: "Bob" } };
  }
  override async listingsById(ids: string[]) {
    this.asked.push(`listingsById:${ids.length}`);
    return super.listingsById(ids);
  }
  override async listing(id: string) {
    this.asked.push(`listing:${id}`);
    return super.listing(id);
  }
  override async markConversationRead(_peer: string, topic: string) {
    this.read.push(topic);
  }
}

/** Mounts a view; `listeners` are its event handlers, for a test to call while the view mounts. */
async function mount(
  view: typeof mountMessagesView,
  hub: ChatDouble,
  params: string[] = [],
  listeners: ((e: HubEvent) => void)[] = [],
): Promise<{ root: HTMLElement; emit: (e: HubEvent) => void }> {
  const root = document.body.appendChild(document.createElement("main"));
  const emit = (event: HubEvent) => {
    for (const fn of listeners) fn(event);
  };
  await view(root, {
    hub,
    status: await hub.status(),
    onEvent: (fn) => listeners.push(fn),
    params,
  });
  return { root, emit };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
const conversations = (root: Element) => [...root.querySelectorAll(".conversation a")].map((a) => a.textContent);

describe("Messages", () => {
  it("names each conversation by its listing, reading the messages once", async () => {
    const hub = new ChatDouble([message("m1", bicycle.id, 100, "Still there?"), message("m2", lamp.id, 200, "Hi")]);
    const { root } = await mount(mountMessagesView, hub);
    expect(conversations(root)).toEqual([`About “Desk lamp” with Bob`, `About “Blue bicycle” with Bob`]);
    expect(hub.asked.filter((a) => a === "messages")).toHaveLength(1);
    expect(hub.asked).toContain("listingsById:2");
  });

  it("shows a message that arrives while the view reads, and looks up a new topic's title", async () => {
    const hub = new ChatDouble([message("m1", bicycle.id, 100, "Still there?")]);
    const listeners: ((e: HubEvent) => void)[] = [];
    hub.whileReading = () => {
      for (const fn of listeners) fn({ type: "message", message: message("m2", bicycle.id, 150, "Hello?") });
    };
    const { root, emit } = await mount(mountMessagesView, hub, [], listeners);
    expect(conversations(root)).toEqual([`About “Blue bicycle” with Bob`]);
    expect(root.querySelector(".conversation .meta")?.textContent).toBe("Hello?");
    emit({ type: "message", message: message("m3", lamp.id, 300, "Is the lamp free?") });
    await settle();
    expect(conversations(root)).toEqual([`About “Desk lamp” with Bob`, `About “Blue bicycle” with Bob`]);
    expect(hub.asked).toContain(`listing:${lamp.id}`);
  });
});

describe("A conversation", () => {
  it("is titled by its one listing, without looking up every topic", async () => {
    const hub = new ChatDouble([
      message("m1", bicycle.id, 100, "Still there?"),
      message("m2", lamp.id, 200, "Hi"),
      message("m3", bicycle.id, 300, "I can come today"),
    ]);
    const { root } = await mount(mountConversationView, hub, [bob.peerId, bicycle.id]);
    expect(root.querySelector("h2")?.textContent).toBe("About “Blue bicycle”");
    expect([...root.querySelectorAll(".chat-text")].map((e) => e.textContent)).toEqual([
      "Still there?",
      "I can come today",
    ]);
    expect(hub.asked.filter((a) => a.startsWith("listingsById"))).toEqual([]);
    expect(hub.asked.filter((a) => a === "messages")).toHaveLength(1);
  });

  it("shows a message of this conversation that comes while it mounts", async () => {
    const hub = new ChatDouble([message("m1", bicycle.id, 100, "Still there?")]);
    const listeners: ((e: HubEvent) => void)[] = [];
    hub.whileReading = () => {
      for (const fn of listeners) fn({ type: "message", message: message("m2", bicycle.id, 200, "Hello?") });
    };
    const { root } = await mount(mountConversationView, hub, [bob.peerId, bicycle.id], listeners);
    expect([...root.querySelectorAll(".chat-text")].map((e) => e.textContent)).toEqual(["Still there?", "Hello?"]);
  });
});
