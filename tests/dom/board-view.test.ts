// The board view against a hub double that applies the real record rules.

import { describe, expect, it, vi } from "vitest";
import { createListing } from "../../src/core/listings/draft.ts";
import { listingCountText } from "../../src/ui/board-view.ts";
import {
  boardTitles,
  button,
  byLabel,
  HubDouble,
  mountBoard,
  openPostView,
  settle,
  useIdentities,
  useShellHooks,
} from "./shell-support.ts";

useShellHooks();

const people = useIdentities();

describe("board view", () => {
  it("says how many listings the hub holds, and follows as listings arrive", async () => {
    const root = document.body.appendChild(document.createElement("div"));
    const hub = new HubDouble(people.identity);
    await mountBoard(root, hub);
    const count = () => root.querySelector(".listing-count")?.textContent;
    expect(count()).toBe("0 listings");
    await openPostView(root);
    byLabel(root, "Title").value = "Red kayak";
    button(root, "Post").click();
    await vi.waitFor(() => expect(count()).toBe("1 listing"), { timeout: 2_000 });
    expect(listingCountText(10_000)).toBe("10,000 listings");
  });

  it("'Post a listing' opens the Post view; posting goes back to the board with the listing on it", async () => {
    const root = document.body.appendChild(document.createElement("div"));
    const hub = new HubDouble(people.identity);
    await mountBoard(root, hub);
    await openPostView(root);
    expect(document.title).toBe("Post a listing · Peerboard");
    expect(root.querySelector("article")).toBeNull();
    byLabel(root, "Title").value = "Red kayak";
    byLabel<HTMLTextAreaElement>(root, "Description").value = "With paddle";
    byLabel(root, "Price").value = "150";
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
    const hub = new HubDouble(people.identity);
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
    byLabel(root, "Price").value = "-4";
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

  it("an empty board shows the first listing from a peer at once, not after its refresh interval", async () => {
    const root = document.body.appendChild(document.createElement("div"));
    const hub = new HubDouble(people.identity);
    await mountBoard(root, hub);
    const draft = { title: "First from a peer", description: "", price: "", currency: "EUR" };
    const listing = await createListing(people.other, draft, Date.now());
    vi.useFakeTimers({ toFake: ["setTimeout"] });
    try {
      hub.put(listing);
      hub.emit({ type: "listing", listing });
      // Time moves only by zero-delay turns: a 250 ms wait would never end here.
      for (let turn = 0; turn < 50 && !root.querySelector("article h3"); turn++) await vi.advanceTimersByTimeAsync(0);
      expect(root.querySelector("article h3")?.textContent).toBe("First from a peer");
    } finally {
      vi.useRealTimers();
    }
  });

  it("a listing from a peer carrying HTML is shown as text, never parsed", async () => {
    const root = document.body.appendChild(document.createElement("div"));
    const hub = new HubDouble(people.identity);
    await mountBoard(root, hub);
    const payload = '<img src=x onerror="window.pwned=1"><b>bold</b>';
    const listing = await createListing(
      people.other,
      { title: payload, description: payload, price: "", currency: "EUR" },
      Date.now(),
    );
    hub.put(listing);
    hub.emit({ type: "listing", listing });
    await boardTitles(root, [payload]);
    const article = root.querySelector("article");
    expect(article?.querySelector("img, b")).toBeNull();
    expect(article?.textContent).toContain(`Posted by ${people.other.peerId.slice(0, 9)}…`);
  });

  it("the board's search box and category chips narrow the cards; 'All' widens them again", async () => {
    const root = document.body.appendChild(document.createElement("div"));
    const hub = new HubDouble(people.identity);
    const at = Date.now();
    hub.put(
      await createListing(people.other, { title: "Blue bike", description: "", price: "5", currency: "EUR" }, at - 2),
    );
    hub.put(
      await createListing(
        people.other,
        { title: "Room to let", description: "", price: "400", currency: "EUR", category: "housing" },
        at - 1,
      ),
    );
    await mountBoard(root, hub);
    await boardTitles(root, ["Room to let", "Blue bike"]);
    const chip = (name: string) =>
      [...root.querySelectorAll<HTMLButtonElement>('[role="group"][aria-label="Categories"] button')].find(
        (b) => b.textContent === name,
      ) as HTMLButtonElement;
    chip("Housing").click();
    await boardTitles(root, ["Room to let"]);
    expect(chip("Housing").getAttribute("aria-pressed")).toBe("true");
    expect(chip("All").getAttribute("aria-pressed")).toBe("false");
    chip("All").click();
    await boardTitles(root, ["Room to let", "Blue bike"]);
    const box = byLabel(root, "Search");
    box.value = "bike";
    box.dispatchEvent(new Event("input"));
    await boardTitles(root, ["Blue bike"]);
    box.value = "sofa";
    box.dispatchEvent(new Event("input"));
    await boardTitles(root, []);
    expect(root.querySelector(".empty")?.textContent).toBe("Nothing on the board matches.");
  });

  it("a newer version of a listing replaces the older one; an older one does not come back", async () => {
    const root = document.body.appendChild(document.createElement("div"));
    const hub = new HubDouble(people.identity);
    await mountBoard(root, hub);
    const first = await createListing(
      people.other,
      { title: "Old title", description: "", price: "1", currency: "EUR" },
      Date.now() - 2000,
    );
    const { signListing } = await import("../../src/core/listings/records.ts");
    const { signature: _, ...unsigned } = first;
    const second = await signListing(people.other, {
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
});
