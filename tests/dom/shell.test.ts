// The app shell against a hub double: the header names the user, the first visit asks for a
// name, the tab bar and what sits under Profile, the network line, and the router.

import { describe, expect, it, vi } from "vitest";
import type { HubStatus } from "../../src/shared/api.ts";
import { mountShell, networkText, type Route } from "../../src/ui/shell.ts";
import {
  button,
  byLabel,
  HubDouble,
  mountBoard,
  settle,
  unmounts,
  useIdentities,
  useShellHooks,
} from "./shell-support.ts";

useShellHooks();

const people = useIdentities();

describe("header and navigation", () => {
  it("keeps the peer id out of the header; Profile shows it under the accessible name 'Your peer id'", async () => {
    const root = document.body.appendChild(document.createElement("div"));
    await mountBoard(root, new HubDouble(people.identity));
    expect(root.querySelector("header")?.textContent).not.toContain(people.identity.peerId);
    expect(root.querySelector("output")).toBeNull();
    location.hash = "#/profile";
    await vi.waitFor(() => expect(root.querySelector("output")).not.toBeNull());
    const output = root.querySelector("output");
    const label = output && document.getElementById(output.getAttribute("aria-labelledby") ?? "");
    expect(label?.textContent).toBe("Your peer id");
    expect(output?.textContent).toBe(people.identity.peerId);
    location.hash = "#/";
    await vi.waitFor(() => expect(root.querySelector("output")).toBeNull());
  });

  it("the first visit asks for a display name; saving it puts the name in the header", async () => {
    localStorage.clear();
    const root = document.body.appendChild(document.createElement("div"));
    const hub = new HubDouble(people.identity);
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
    byLabel(root, "Display name").value = "Robin";
    button(root, "Use this name").click();
    await vi.waitFor(() => expect(root.querySelector('form[aria-label="Welcome"]')).toBeNull());
    expect((await hub.myProfile())?.name).toBe("Robin");
    // The hub tells every tab about the new profile; the header follows it.
    const saved = await hub.myProfile();
    if (saved) hub.emit({ type: "profile", profile: saved });
    expect(header()).toBe("RRobin");
    expect(root.querySelector("header")?.textContent).not.toContain(people.identity.peerId);
  });

  it("skipping the name question keeps it away on the next visit", async () => {
    localStorage.clear();
    const root = document.body.appendChild(document.createElement("div"));
    const hub = new HubDouble(people.identity);
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
    await mountBoard(root, new HubDouble(people.identity));
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

  it("the network line follows the hub's status events", async () => {
    const root = document.body.appendChild(document.createElement("div"));
    const hub = new HubDouble(people.identity, "connecting");
    await mountBoard(root, hub);
    const network = root.querySelector('[role="status"]');
    expect(network?.textContent).toBe("Connecting to the signaling server…");
    const status: HubStatus = {
      peerId: people.identity.peerId,
      radio: "online",
      peers: [{ id: people.other.peerId, stage: "ready" }],
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
    unmounts.push((await mountShell(root, new HubDouble(people.identity), (fn) => fn, test)).unmount);
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
