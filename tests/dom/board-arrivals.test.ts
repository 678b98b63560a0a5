// Listings that arrive while the board or Search is open are drawn, whatever the screen and
// whether or not a new query's answer is still on its way, and the counts follow them.

import { afterEach, describe, expect, it, vi } from "vitest";
import type { Identity } from "../../src/core/crypto.ts";
import { createListing } from "../../src/core/listings/draft.ts";
import type { Listing } from "../../src/core/listings/records.ts";
import type { SearchQuery } from "../../src/core/search/search-query.ts";
import type { SearchResult } from "../../src/shared/api.ts";
import { boardTitles, byLabel, HubDouble, mountAt, mountBoard, useIdentities, useShellHooks } from "./shell-support.ts";

useShellHooks();

const people = useIdentities();
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

/** A hub whose searches can be held, as a throttled tab's answer still on its way. */
class SlowSearchHub extends HubDouble {
  private held: Promise<void> | undefined;
  private release: (() => void) | undefined;
  hold(): void {
    this.held = new Promise((resolve) => (this.release = resolve));
  }
  letGo(): void {
    this.held = undefined;
    this.release?.();
  }
  override async search(query: SearchQuery): Promise<SearchResult> {
    const held = this.held;
    // The answer is what the hub holds when it answers, not when it was asked.
    if (held) await held;
    return super.search(query);
  }
}

/** A hub that counts the board's asks for a page. */
class CountingHub extends HubDouble {
  searches = 0;
  override async search(query: SearchQuery): Promise<SearchResult> {
    this.searches++;
    return super.search(query);
  }
}

const listing = (by: Identity, title: string, at: number): Promise<Listing> =>
  createListing(by, { title, description: "", price: "5", currency: "EUR" }, at);

/**
 * happy-dom lays nothing out: the layout of an 800x600 headless Chromium window on the board
 * (the screen 493 px high, the list starting at 578 px, below it; one column of 412 px rows).
 */
function shortWindowLayout(): void {
  vi.stubGlobal("innerHeight", 493);
  vi.spyOn(Element.prototype, "getBoundingClientRect").mockImplementation(function (this: Element) {
    if (this.classList.contains("window")) return new DOMRect(0, 578, 780, 0);
    if (this.tagName === "ARTICLE") return new DOMRect(0, 0, 363, 412);
    return new DOMRect();
  });
}

const titles = (root: HTMLElement) => [...root.querySelectorAll("article h3")].map((h) => h.textContent);

describe("listings arriving at an open board", () => {
  it("a sync's listings are drawn on a short screen whose list starts below it, and the count follows", async () => {
    shortWindowLayout();
    const hub = new HubDouble(people.identity);
    const at = Date.now();
    await hub.post({ title: "Bob's own bicycle", description: "", price: "80", currency: "EUR" });
    const root = document.body.appendChild(document.createElement("div"));
    await mountBoard(root, hub);
    await boardTitles(root, ["Bob's own bicycle"]);
    // Older than Bob's own (posted before he met their author): they go below his card.
    for (let i = 0; i < 60; i++) await hub.arrive(await listing(people.other, `Item ${i} from Alice`, at - 60_000 + i));
    await vi.waitFor(() => expect(titles(root)).toContain("Item 59 from Alice"), { timeout: 2_000 });
    expect(titles(root).slice(0, 2)).toEqual(["Bob's own bicycle", "Item 59 from Alice"]);
    await vi.waitFor(() => expect(root.querySelector(".listing-count")?.textContent).toBe("61 listings"), {
      timeout: 2_000,
    });
  });

  it("a sync's listings arriving below everything drawn are asked for once, before the count shows them; one above at once", async () => {
    const hub = new CountingHub(people.identity);
    const at = Date.now();
    for (let i = 0; i < 60; i++) hub.put(await listing(people.other, `Held ${i}`, at - 100_000 + i * 1000));
    const root = document.body.appendChild(document.createElement("div"));
    await mountBoard(root, hub);
    await vi.waitFor(() => expect(titles(root)[0]).toBe("Held 59"));
    // Past the overscan's draw too (it waits for a pause in typing after the first frame).
    await new Promise((resolve) => setTimeout(resolve, 400));
    const shown = titles(root);
    hub.searches = 0;
    // Older than every listing held: nothing drawn changes, only the list's length.
    for (let i = 0; i < 20; i++) await hub.arrive(await listing(people.other, `Older ${i}`, at - 200_000 + i));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(hub.searches).toBe(0);
    expect(titles(root)).toEqual(shown);
    // The count's next ask (COUNT_GAP_MS) lengthens the list first: when it says 80, the list has asked.
    await vi.waitFor(() => expect(root.querySelector(".listing-count")?.textContent).toBe("80 listings"), {
      timeout: 3_000,
    });
    expect(hub.searches).toBe(1);
    expect(titles(root)).toEqual(shown);
    // Newer than the first drawn: asked after the usual gap and drawn on top.
    await hub.arrive(await listing(people.other, "Newest", at + 1000));
    await vi.waitFor(() => expect(titles(root)[0]).toBe("Newest"), { timeout: 700 });
  });

  it("the count never says more than the list holds while the list's answer is on its way", async () => {
    const hub = new SlowSearchHub(people.identity);
    const at = Date.now();
    for (let i = 0; i < 60; i++) hub.put(await listing(people.other, `Held ${i}`, at - 100_000 + i * 1000));
    const root = document.body.appendChild(document.createElement("div"));
    await mountBoard(root, hub);
    const count = () => root.querySelector(".listing-count")?.textContent;
    await vi.waitFor(() => expect(titles(root)[0]).toBe("Held 59"));
    hub.hold();
    // One above everything drawn (its refresh goes out after REFRESH_MS and is held) and twenty
    // below; the count's ask (COUNT_GAP_MS) comes while the list's answer is still held.
    await hub.arrive(await listing(people.other, "Newest", at + 1000));
    for (let i = 0; i < 20; i++) await hub.arrive(await listing(people.other, `Older ${i}`, at - 200_000 + i));
    await new Promise((resolve) => setTimeout(resolve, 900));
    expect(count()).toBe("60 listings");
    hub.letGo();
    await vi.waitFor(() => expect(titles(root)[0]).toBe("Newest"), { timeout: 2_000 });
    await vi.waitFor(() => expect(count()).toBe("81 listings"), { timeout: 2_000 });
  });

  it("listings that arrive while a new query's answer is on its way are drawn with it", async () => {
    const hub = new SlowSearchHub(people.identity);
    const at = Date.now();
    hub.put(await listing(people.other, "Blue bike", at - 3));
    hub.put(await listing(people.other, "Old sofa", at - 2));
    const root = document.body.appendChild(document.createElement("div"));
    await mountBoard(root, hub);
    await boardTitles(root, ["Old sofa", "Blue bike"]);
    hub.hold();
    const box = byLabel(root, "Search");
    box.value = "bike";
    box.dispatchEvent(new Event("input"));
    // While the answer is held, a matching and a non-matching listing arrive, and the board's
    // refresh for them (after its 250 ms gap) is asked too.
    await hub.arrive(await listing(people.other, "Red bike", at - 1));
    await hub.arrive(await listing(people.other, "Lamp", at));
    await new Promise((resolve) => setTimeout(resolve, 400));
    // The last answer stands until the new one is in: nothing is drawn empty meanwhile.
    expect(titles(root)).toEqual(["Old sofa", "Blue bike"]);
    hub.letGo();
    await boardTitles(root, ["Red bike", "Blue bike"]);
    await vi.waitFor(() => expect(root.querySelector(".listing-count")?.textContent).toBe("4 listings"), {
      timeout: 2_000,
    });
    box.value = "";
    box.dispatchEvent(new Event("input"));
    await boardTitles(root, ["Lamp", "Red bike", "Old sofa", "Blue bike"]);
  });

  it("Search: a listing that arrives while a new query is asked is counted and drawn", async () => {
    const hub = new SlowSearchHub(people.identity);
    const at = Date.now();
    for (let i = 0; i < 3; i++) hub.put(await listing(people.other, `Chair ${i}`, at - 10 + i));
    hub.put(await listing(people.other, "Table", at - 5));
    hub.put(await listing(people.other, "Low table", at - 4));
    const root = await mountAt(hub, "#/search");
    const count = () => root.querySelector('[role="status"][aria-label="Result count"]')?.textContent;
    await vi.waitFor(() => expect(count()).toBe("5 listings"));
    hub.hold();
    const box = byLabel(root, "Search");
    box.value = "chair";
    box.dispatchEvent(new Event("input"));
    await hub.arrive(await listing(people.other, "Chair new", at));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(count()).toBe("5 listings");
    hub.letGo();
    await vi.waitFor(() => expect(count()).toBe("4 listings"));
    await vi.waitFor(() => expect(titles(root)).toEqual(["Chair new", "Chair 2", "Chair 1", "Chair 0"]));
    // The refresh the arrival asked for is drawn too, and no later frame empties the list.
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(titles(root)).toEqual(["Chair new", "Chair 2", "Chair 1", "Chair 0"]);
    expect(count()).toBe("4 listings");
  });
});
