// "Notify me" asks for permission on its click only, and the notifier raises the hub's alerts
// through the service worker registration and keeps the app badge. The browser's Notification,
// service worker and Web Locks are stand-ins here (happy-dom has none); the views and the hub
// double are real. The real browser path is tests/e2e/saved-search.test.ts.

import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { generateIdentity, type Identity } from "../../src/core/crypto.ts";
import { createListing } from "../../src/core/listings/draft.ts";
import { type Notifier, startNotifier } from "../../src/ui/notifier.ts";
import { routes } from "../../src/ui/routes.ts";
import { mountShell } from "../../src/ui/shell.ts";
import { HubDouble, mountAt, useShellHooks } from "./shell-support.ts";

useShellHooks();

let alice: Identity;
let bob: Identity;
const cleanups: (() => void)[] = [];
let permission: NotificationPermission;
let answer: NotificationPermission;
const requestPermission = vi.fn(async () => {
  permission = answer;
  return answer;
});
const showNotification = vi.fn(async (_title: string, _options: NotificationOptions) => undefined);
const setAppBadge = vi.fn(async (_count?: number) => undefined);
const clearAppBadge = vi.fn(async () => undefined);

beforeAll(async () => {
  [alice, bob] = await Promise.all([generateIdentity(Date.now()), generateIdentity(Date.now())]);
});
beforeEach(() => {
  permission = "default";
  answer = "granted";
  for (const fn of [requestPermission, showNotification, setAppBadge, clearAppBadge]) fn.mockClear();
  vi.stubGlobal("Notification", {
    get permission() {
      return permission;
    },
    requestPermission,
  });
  const registration = { showNotification };
  const fakeNavigator = Object.create(navigator, {
    serviceWorker: {
      value: { ready: Promise.resolve(registration), addEventListener() {}, removeEventListener() {} },
    },
    // One tab: the lock is granted at once and held until released.
    locks: { value: { request: (_name: string, fn: () => Promise<void>) => fn() } },
    setAppBadge: { value: setAppBadge },
    clearAppBadge: { value: clearAppBadge },
  });
  vi.stubGlobal("navigator", fakeNavigator);
});
afterEach(() => {
  for (const fn of cleanups.splice(0)) fn();
  vi.unstubAllGlobals();
});

/** The shell and the notifier on its subscription, wired as main.ts wires them. */
async function startTab(hub: HubDouble): Promise<void> {
  let notifier: Notifier | undefined;
  const root = document.body.appendChild(document.createElement("div"));
  const shell = await mountShell(
    root,
    hub,
    (fn) => fn,
    routes,
    (event) => notifier?.handle(event),
  );
  notifier = await startNotifier(hub, shell.subscription);
  const started = notifier;
  cleanups.push(() => {
    started.stop();
    shell.unmount();
  });
}

const notifyButton = (root: HTMLElement) =>
  [...root.querySelectorAll("button")].find((b) => b.textContent === "Notify me") as HTMLButtonElement;
const status = (root: HTMLElement) =>
  root.querySelector('[role=status][aria-label="Saved searches status"]')?.textContent;

describe("Notify me", () => {
  it("asks for permission on its click, never on load, then turns notifications on", async () => {
    const hub = new HubDouble(alice);
    await hub.saveSearch({ text: "bike" });
    const root = await mountAt(hub, "#/saved");
    await vi.waitFor(() => expect(notifyButton(root)).toBeDefined());
    expect(notifyButton(root).getAttribute("aria-label")).toBe("Notify me of new matches for “bike”");
    expect(requestPermission).not.toHaveBeenCalled();
    notifyButton(root).click();
    await vi.waitFor(() => expect(status(root)).toBe("You will be notified of new matches for “bike”."));
    expect(requestPermission).toHaveBeenCalledTimes(1);
    expect((await hub.savedSearches())[0]?.notify).toBe(true);
    await vi.waitFor(() => expect(root.querySelector(".saved-search button")?.textContent).toBe("Stop notifications"));
  });

  it("when the user blocks notifications, says how to allow them and leaves them off", async () => {
    answer = "denied";
    const hub = new HubDouble(alice);
    await hub.saveSearch({ text: "bike" });
    const root = await mountAt(hub, "#/saved");
    await vi.waitFor(() => expect(notifyButton(root)).toBeDefined());
    notifyButton(root).click();
    await vi.waitFor(() => expect(status(root)).toMatch(/blocked for this site/));
    expect((await hub.savedSearches())[0]?.notify).toBe(false);
  });
});

describe("the notifier", () => {
  it("raises each alert through the service worker registration, with its tag and link", async () => {
    permission = "granted";
    const hub = new HubDouble(alice);
    await startTab(hub);
    hub.emit({ type: "alert", alert: { tag: "listing-abc", title: "Blue bike", body: "New", url: "/#/listing/abc" } });
    await vi.waitFor(() => expect(showNotification).toHaveBeenCalledTimes(1));
    expect(showNotification).toHaveBeenCalledWith("Blue bike", {
      body: "New",
      tag: "listing-abc",
      icon: "/icons/icon-192.png",
      data: { url: "/#/listing/abc" },
    });
  });

  it("raises nothing before the user allowed notifications", async () => {
    const hub = new HubDouble(alice);
    await startTab(hub);
    hub.emit({ type: "alert", alert: { tag: "listing-abc", title: "Blue bike", body: "New", url: "/#/listing/abc" } });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(showNotification).not.toHaveBeenCalled();
    expect(requestPermission).not.toHaveBeenCalled();
  });

  it("hears the shell's subscription: a tab holds one, so each batch of events crosses to it once", async () => {
    permission = "granted";
    const hub = new HubDouble(alice);
    await startTab(hub);
    expect(hub.listeners.size).toBe(1);
    hub.emit({ type: "alert", alert: { tag: "listing-abc", title: "Blue bike", body: "New", url: "/#/listing/abc" } });
    await vi.waitFor(() => expect(showNotification).toHaveBeenCalledTimes(1));
    // Its key is the tab's visibility handle.
    expect([...hub.visibleTabs]).toEqual([...hub.listeners.keys()]);
  });

  it("tells the hub whether this tab is on screen, and that it is not once it goes", async () => {
    let state: DocumentVisibilityState = "visible";
    Object.defineProperty(document, "visibilityState", { configurable: true, get: () => state });
    cleanups.push(() => Reflect.deleteProperty(document, "visibilityState"));
    const hub = new HubDouble(alice);
    await startTab(hub);
    await vi.waitFor(() => expect(hub.visibleTabs.size).toBe(1));
    state = "hidden";
    document.dispatchEvent(new Event("visibilitychange"));
    await vi.waitFor(() => expect(hub.visibleTabs.size).toBe(0));
    state = "visible";
    document.dispatchEvent(new Event("visibilitychange"));
    await vi.waitFor(() => expect(hub.visibleTabs.size).toBe(1));
    dispatchEvent(new Event("pagehide"));
    await vi.waitFor(() => expect(hub.visibleTabs.size).toBe(0));
  });

  it("shows new saved-search matches on the app badge and clears it once they are seen", async () => {
    const hub = new HubDouble(alice);
    const saved = await hub.saveSearch({ text: "bike" });
    if (!saved.ok) throw new Error(saved.message);
    await startTab(hub);
    await vi.waitFor(() => expect(clearAppBadge).toHaveBeenCalled());
    await hub.arrive(
      await createListing(bob, { title: "Blue bike", description: "", price: "", currency: "EUR" }, Date.now()),
    );
    await vi.waitFor(() => expect(setAppBadge).toHaveBeenLastCalledWith(1));
    clearAppBadge.mockClear();
    await hub.openSavedSearch(saved.search.id);
    await vi.waitFor(() => expect(clearAppBadge).toHaveBeenCalled());
  });
});
