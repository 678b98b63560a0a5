// The board view against a hub double that applies the real record rules.

import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { generateIdentity, type Identity } from "../../src/core/crypto.ts";
import { createListing } from "../../src/core/listings/draft.ts";
import type { HubApi, HubStatus } from "../../src/shared/api.ts";
import { listingCountText } from "../../src/ui/board-view.ts";
import { routes } from "../../src/ui/routes.ts";
import { mountShell, networkText, type Route } from "../../src/ui/shell.ts";
import { ListingsDouble, networkReport } from "./listings-double.ts";

const unmounts: (() => void)[] = [];

/** Mounts the app shell with its real routes on the board ("#/"), as main.ts does. */
async function mountBoard(root: HTMLElement, hub: HubApi) {
  unmounts.push(await mountShell(root, hub, (fn) => fn, routes));
}

beforeAll(async () => {
  // Set before any shell listens, so no late hashchange remounts a view mid-test.
  location.hash = "#/";
  await new Promise((resolve) => setTimeout(resolve, 0));
});

afterEach(() => {
  for (const unmount of unmounts.splice(0)) unmount();
});

class HubDouble extends ListingsDouble implements HubApi {
  readonly connected: string[] = [];
  constructor(
    identity: Identity,
    public radio: HubStatus["radio"] = "online",
  ) {
    super(identity);
  }
  override async status(): Promise<HubStatus> {
    return { peerId: this.identity.peerId, radio: this.radio, peers: [] };
  }
  async network() {
    return networkReport();
  }
  async connect(text: string) {
    this.connected.push(text);
    return { ok: false as const, message: "Not connected to the signaling server yet; try again in a moment." };
  }
}

function byLabel(root: HTMLElement, label: string): HTMLElement {
  const labelElement = [...root.querySelectorAll("label")].find((l) => l.textContent === label);
  const control = labelElement && root.querySelector<HTMLElement>(`#${labelElement.htmlFor}`);
  if (!control) throw new Error(`no control labelled ${label}`);
  return control;
}

function button(root: HTMLElement, name: string): HTMLButtonElement {
  const found = [...root.querySelectorAll("button")].find((b) => b.textContent === name);
  if (!found) throw new Error(`no button ${name}`);
  return found;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

/** Follows "Post a listing" from the board to the Post view, as a user would. */
async function openPostView(root: HTMLElement): Promise<void> {
  const link = [...root.querySelectorAll("a")].find((a) => a.textContent === "Post a listing");
  if (!link) throw new Error("no 'Post a listing' link");
  location.hash = link.getAttribute("href") ?? "";
  await vi.waitFor(() => byLabel(root, "Title"));
}

/** The board's cards, once the hub's (throttled) answer has been shown. */
async function boardTitles(root: HTMLElement, expected: string[]): Promise<void> {
  await vi.waitFor(() => expect([...root.querySelectorAll("article h3")].map((h) => h.textContent)).toEqual(expected), {
    timeout: 2_000,
  });
}

let identity: Identity;
let other: Identity;
beforeEach(async () => {
  identity ??= await generateIdentity(Date.now());
  other ??= await generateIdentity(Date.now());
  document.body.replaceChildren();
});

describe("board view", () => {
  it("keeps the peer id out of the header; Profile shows it under the accessible name 'Your peer id'", async () => {
    const root = document.body.appendChild(document.createElement("div"));
    await mountBoard(root, new HubDouble(identity));
    expect(root.querySelector("header")?.textContent).not.toContain(identity.peerId);
    expect(root.querySelector("output")).toBeNull();
    location.hash = "#/profile";
    await vi.waitFor(() => expect(root.querySelector("output")).not.toBeNull());
    const output = root.querySelector("output");
    const label = output && document.getElementById(output.getAttribute("aria-labelledby") ?? "");
    expect(label?.textContent).toBe("Your peer id");
    expect(output?.textContent).toBe(identity.peerId);
    location.hash = "#/";
    await vi.waitFor(() => expect(root.querySelector("output")).toBeNull());
  });

  it("the first visit asks for a display name; saving it puts the name in the header", async () => {
    localStorage.clear();
    const root = document.body.appendChild(document.createElement("div"));
    const hub = new HubDouble(identity);
    await mountBoard(root, hub);
    const header = () => root.querySelector("header .me")?.textContent;
    expect(header()).toBe("?Add your name");
    const welcome = root.querySelector('form[aria-label="Welcome"]') as HTMLFormElement;
    expect(welcome).not.toBeNull();
    button(root, "Use this name").click();
    await settle();
    // An empty name is explained and nothing is saved.
    expect(byLabel(root, "Display name").getAttribute("aria-invalid")).toBe("true");
    expect(await hub.myProfile()).toBeUndefined();
    (byLabel(root, "Display name") as HTMLInputElement).value = "Robin";
    button(root, "Use this name").click();
    await vi.waitFor(() => expect(root.querySelector('form[aria-label="Welcome"]')).toBeNull());
    expect((await hub.myProfile())?.name).toBe("Robin");
    // The hub tells every tab about the new profile; the header follows it.
    const saved = await hub.myProfile();
    if (saved) hub.emit({ type: "profile", profile: saved });
    expect(header()).toBe("RRobin");
    expect(root.querySelector("header")?.textContent).not.toContain(identity.peerId);
  });

  it("skipping the name question keeps it away on the next visit", async () => {
    localStorage.clear();
    const root = document.body.appendChild(document.createElement("div"));
    const hub = new HubDouble(identity);
    await mountBoard(root, hub);
    button(root, "Skip for now").click();
    expect(root.querySelector('form[aria-label="Welcome"]')).toBeNull();
    for (const unmount of unmounts.splice(0)) unmount();
    root.replaceChildren();
    await mountBoard(root, hub);
    expect(root.querySelector('form[aria-label="Welcome"]')).toBeNull();
    expect(await hub.myProfile()).toBeUndefined();
  });

  it("the tab bar holds Board, Search, Post, Deals, Messages and Profile; Network sits under Profile", async () => {
    const root = document.body.appendChild(document.createElement("div"));
    await mountBoard(root, new HubDouble(identity));
    const tabs = [...root.querySelectorAll('nav[aria-label="Main"] a')].map((a) => a.textContent);
    expect(tabs).toEqual(["Board", "Search", "Post", "Deals", "Messages", "Profile"]);
    location.hash = "#/profile";
    await vi.waitFor(() => expect(root.querySelector('nav[aria-label="Settings"]')).not.toBeNull());
    const more = [...root.querySelectorAll('nav[aria-label="Settings"] a')].map((a) => a.textContent);
    expect(more).toEqual(["My listings", "Network", "Identity"]);
    location.hash = "#/network";
    await vi.waitFor(() => expect(document.title).toBe("Network · Peerboard"));
    // The Profile tab stays marked as the section the Network view belongs to.
    expect(root.querySelector('nav[aria-label="Main"] a[href="#/profile"]')?.getAttribute("aria-current")).toBe("true");
    location.hash = "#/";
  });

  it("says how many listings the hub holds, and follows as listings arrive", async () => {
    const root = document.body.appendChild(document.createElement("div"));
    const hub = new HubDouble(identity);
    await mountBoard(root, hub);
    const count = () => root.querySelector(".listing-count")?.textContent;
    expect(count()).toBe("0 listings");
    await openPostView(root);
    (byLabel(root, "Title") as HTMLInputElement).value = "Red kayak";
    button(root, "Post").click();
    await vi.waitFor(() => expect(count()).toBe("1 listing"), { timeout: 2_000 });
    expect(listingCountText(10_000)).toBe("10,000 listings");
  });

  it("'Post a listing' opens the Post view; posting goes back to the board with the listing on it", async () => {
    const root = document.body.appendChild(document.createElement("div"));
    const hub = new HubDouble(identity);
    await mountBoard(root, hub);
    await openPostView(root);
    expect(document.title).toBe("Post a listing · Peerboard");
    expect(root.querySelector("article")).toBeNull();
    (byLabel(root, "Title") as HTMLInputElement).value = "Red kayak";
    (byLabel(root, "Description") as HTMLTextAreaElement).value = "With paddle";
    (byLabel(root, "Price") as HTMLInputElement).value = "150";
    button(root, "Post").click();
    await vi.waitFor(() => expect(location.hash).toBe("#/"));
    expect(hub.stored).toHaveLength(1);
    await boardTitles(root, ["Red kayak"]);
    const article = root.querySelector("article");
    expect(article?.textContent).toContain("With paddle");
    expect(article?.textContent).toContain("Posted by you");
    expect(article?.querySelector("time")?.textContent).toBe("just now");
  });

  it("an empty title or a negative price is explained next to its field and nothing is posted", async () => {
    const root = document.body.appendChild(document.createElement("div"));
    const hub = new HubDouble(identity);
    await mountBoard(root, hub);
    await openPostView(root);
    button(root, "Post").click();
    await settle();
    const title = byLabel(root, "Title");
    expect(title.getAttribute("aria-invalid")).toBe("true");
    expect(document.getElementById(title.getAttribute("aria-describedby") ?? "")?.textContent).toBe(
      "Give your listing a title.",
    );

    (title as HTMLInputElement).value = "Lamp";
    (byLabel(root, "Price") as HTMLInputElement).value = "-4";
    button(root, "Post").click();
    await settle();
    const price = byLabel(root, "Price");
    expect(title.hasAttribute("aria-invalid")).toBe(false);
    expect(price.getAttribute("aria-invalid")).toBe("true");
    expect(document.getElementById(price.getAttribute("aria-describedby") ?? "")?.textContent).toBe(
      "The price cannot be negative.",
    );
    expect(hub.stored).toHaveLength(0);
    expect(location.hash).toBe("#/post");
    location.hash = "#/";
  });

  it("a listing from a peer carrying HTML is shown as text, never parsed", async () => {
    const root = document.body.appendChild(document.createElement("div"));
    const hub = new HubDouble(identity);
    await mountBoard(root, hub);
    const payload = '<img src=x onerror="window.pwned=1"><b>bold</b>';
    const listing = await createListing(
      other,
      { title: payload, description: payload, price: "", currency: "EUR" },
      Date.now(),
    );
    hub.put(listing);
    hub.emit({ type: "listing", listing });
    await boardTitles(root, [payload]);
    const article = root.querySelector("article");
    expect(article?.querySelector("img, b")).toBeNull();
    expect(article?.textContent).toContain(`Posted by ${other.peerId.slice(0, 9)}…`);
  });

  it("a newer version of a listing replaces the older one; an older one does not come back", async () => {
    const root = document.body.appendChild(document.createElement("div"));
    const hub = new HubDouble(identity);
    await mountBoard(root, hub);
    const first = await createListing(
      other,
      { title: "Old title", description: "", price: "1", currency: "EUR" },
      Date.now() - 2000,
    );
    const { signListing } = await import("../../src/core/listings/records.ts");
    const { signature: _, ...unsigned } = first;
    const second = await signListing(other, {
      ...unsigned,
      version: 2,
      updatedAt: first.updatedAt + 1000,
      title: "New title",
    });
    for (const listing of [first, second, first]) {
      hub.put(listing);
      hub.emit({ type: "listing", listing });
    }
    await boardTitles(root, ["New title"]);
  });

  it("the network line follows the hub's status events", async () => {
    const root = document.body.appendChild(document.createElement("div"));
    const hub = new HubDouble(identity, "connecting");
    await mountBoard(root, hub);
    const network = root.querySelector('[role="status"]');
    expect(network?.textContent).toBe("Connecting to the signaling server…");
    const status: HubStatus = {
      peerId: identity.peerId,
      radio: "online",
      peers: [{ id: other.peerId, stage: "ready" }],
    };
    hub.emit({ type: "status", status });
    expect(network?.textContent).toBe("Online · 1 peer connected");
    expect(networkText({ ...status, radio: "identity-in-use" })).toContain("in use in another browser");
  });
});

describe("shell", () => {
  it("mounts the view whose route matches the hash, marks its nav link current, and falls back to the first route", async () => {
    const root = document.body.appendChild(document.createElement("div"));
    const mounted: string[] = [];
    const test: Route[] = [
      { path: /^\/$/, nav: { label: "Board", href: "#/" }, title: "Board", mount: () => void mounted.push("board") },
      {
        path: /^\/thing\/([a-z]+)$/,
        title: "Thing",
        mount: (outlet, context) => {
          mounted.push(`thing ${context.params[0]}`);
          outlet.append(document.createElement("p"));
        },
      },
    ];
    unmounts.push(await mountShell(root, new HubDouble(identity), (fn) => fn, test));
    expect(mounted).toEqual(["board"]);
    expect(root.querySelector('nav a[href="#/"]')?.getAttribute("aria-current")).toBe("page");
    expect(document.title).toBe("Board · Peerboard");
    location.hash = "#/thing/abc";
    await vi.waitFor(() => expect(mounted).toEqual(["board", "thing abc"]));
    expect(root.querySelector('nav a[href="#/"]')?.hasAttribute("aria-current")).toBe(false);
    location.hash = "#/nowhere";
    await vi.waitFor(() => expect(mounted).toEqual(["board", "thing abc", "board"]));
    location.hash = "#/";
  });
});
