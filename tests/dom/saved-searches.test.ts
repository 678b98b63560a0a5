// "Save this search" on Search and the "Saved searches" view, against the hub double, whose saved
// searches are the core's own (SavedSearches over a MemoryStore) and match what `arrive` brings.

import { beforeAll, describe, expect, it, vi } from "vitest";
import { generateIdentity, type Identity } from "../../src/core/crypto.ts";
import { createListing } from "../../src/core/listings/draft.ts";
import { button, byLabel, HubDouble, mountAt, useShellHooks } from "./shell-support.ts";

useShellHooks();

let alice: Identity;
let bob: Identity;
beforeAll(async () => {
  [alice, bob] = await Promise.all([generateIdentity(Date.now()), generateIdentity(Date.now())]);
});

async function go(hash: string): Promise<void> {
  location.hash = hash;
  await new Promise((resolve) => setTimeout(resolve, 20));
}

const statusText = (root: HTMLElement, label: string) =>
  root.querySelector(`[role=status][aria-label="${label}"]`)?.textContent;

const bobsListing = (title: string, price = "40") =>
  createListing(bob, { title, description: "", price, currency: "EUR" }, Date.now());

async function typeSearch(root: HTMLElement, words: string, maxPrice = ""): Promise<void> {
  byLabel(root, "Search").value = words;
  byLabel(root, "Highest price").value = maxPrice;
  byLabel(root, "Search").dispatchEvent(new Event("input"));
  await vi.waitFor(() => expect(statusText(root, "Result count")).toBeTruthy());
  await new Promise((resolve) => setTimeout(resolve, 20));
}

describe("Save this search", () => {
  it("keeps the words and filters typed on Search, and says so", async () => {
    const hub = new HubDouble(alice);
    const root = await mountAt(hub, "#/search");
    await typeSearch(root, "bike", "50");
    button(root, "Save this search").click();
    await vi.waitFor(() => expect(statusText(root, "Saved search status")).toMatch(/^Saved\./));
    expect((await hub.savedSearches()).map((s) => s.query)).toEqual([
      expect.objectContaining({ text: "bike", maxPrice: 5000 }),
    ]);
  });

  it("with nothing to look for, says what to do and saves nothing", async () => {
    const hub = new HubDouble(alice);
    const root = await mountAt(hub, "#/search");
    await typeSearch(root, "");
    button(root, "Save this search").click();
    await vi.waitFor(() => expect(statusText(root, "Saved search status")).toMatch(/Type some words/));
    expect(await hub.savedSearches()).toEqual([]);
  });

  it("with a bad price, says to fix it and saves nothing", async () => {
    const hub = new HubDouble(alice);
    const root = await mountAt(hub, "#/search");
    await typeSearch(root, "bike", "-5");
    button(root, "Save this search").click();
    await vi.waitFor(() => expect(statusText(root, "Saved search status")).toBe("Fix the price fields first."));
    expect(await hub.savedSearches()).toEqual([]);
  });
});

describe("Saved searches", () => {
  it("counts new matches, opens the results, and then none is new", async () => {
    const hub = new HubDouble(alice);
    await hub.saveSearch({ text: "bike" });
    const root = await mountAt(hub, "#/search");
    const link = () => [...root.querySelectorAll("a")].find((a) => a.getAttribute("href") === "#/saved");
    await hub.arrive(await bobsListing("Blue bike"));
    await hub.arrive(await bobsListing("Lamp"));
    await vi.waitFor(() => expect(link()?.textContent).toBe("Saved searches (1 new)"));

    await go("#/saved");
    const item = () => root.querySelector(".saved-search");
    await vi.waitFor(() => expect(item()?.textContent).toContain("1 new of 1"));
    expect(item()?.querySelector("a")?.textContent).toBe("“bike”");
    // A match while the list shows counts at once.
    await hub.arrive(await bobsListing("Red bike"));
    await vi.waitFor(() => expect(item()?.textContent).toContain("2 new of 2"));

    item()?.querySelector("a")?.click();
    await vi.waitFor(() =>
      expect([...root.querySelectorAll("article h3")].map((h) => h.textContent)).toEqual(["Red bike", "Blue bike"]),
    );
    expect(root.querySelector("h2")?.textContent).toBe("Saved search: “bike”");
    await go("#/saved");
    await vi.waitFor(() => expect(item()?.textContent).toContain("2 matches, none new"));
  });

  it("deletes a saved search and says so", async () => {
    const hub = new HubDouble(alice);
    await hub.saveSearch({ text: "bike" });
    await hub.saveSearch({ text: "lamp", maxPrice: 2000, currency: "EUR" });
    const root = await mountAt(hub, "#/saved");
    await vi.waitFor(() => expect(root.querySelectorAll(".saved-search")).toHaveLength(2));
    expect(root.querySelectorAll(".saved-search a")[1]?.textContent).toBe("“lamp” · up to €20.00");
    button(root, "Delete saved search “bike”").click();
    await vi.waitFor(() => expect(root.querySelectorAll(".saved-search")).toHaveLength(1));
    expect(statusText(root, "Saved searches status")).toBe("Deleted the saved search “bike”.");
    expect((await hub.savedSearches()).map((s) => s.query.text)).toEqual(["lamp"]);
  });

  it("a saved search that is gone says so instead of showing results", async () => {
    const hub = new HubDouble(alice);
    const root = await mountAt(hub, "#/saved/no-such-search");
    await vi.waitFor(() => expect(root.querySelector("h2")?.textContent).toBe("Saved search not found"));
  });
});
