// The listing form's fields and messages, "My listings" with its owner actions, and the detail
// view, against a hub double that applies the real record rules.

import { beforeAll, describe, expect, it, vi } from "vitest";
import { generateIdentity, type Identity } from "../../src/core/crypto.ts";
import { createListing, type ListingDraft } from "../../src/core/listings/draft.ts";
import { LIMITS } from "../../src/core/listings/records.ts";
import { signProfile } from "../../src/core/profiles/profile.ts";
import { signReceipt } from "../../src/core/profiles/receipt.ts";
import { button, byLabel, HubDouble, mountAt, useShellHooks } from "./shell-support.ts";

useShellHooks();

let alice: Identity;
let bob: Identity;

beforeAll(async () => {
  [alice, bob] = await Promise.all([generateIdentity(Date.now()), generateIdentity(Date.now())]);
});

function errorOf(root: HTMLElement, label: string): string | null | undefined {
  return document.getElementById(byLabel(root, label).getAttribute("aria-describedby") ?? "")?.textContent;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe("the New listing form", () => {
  it("posts every field: kind, category, pricing, location and expiry", async () => {
    const hub = new HubDouble(alice);
    const root = await mountAt(hub, "#/post");
    byLabel<HTMLSelectElement>(root, "Kind").value = "wanted";
    byLabel<HTMLSelectElement>(root, "Category").value = "services";
    byLabel(root, "Title").value = "Someone to fix a bike";
    byLabel<HTMLSelectElement>(root, "Pricing").value = "swap";
    byLabel<HTMLSelectElement>(root, "Pricing").dispatchEvent(new Event("change"));
    expect(byLabel(root, "Price").disabled).toBe(true);
    byLabel(root, "Location").value = "Old town";
    byLabel<HTMLSelectElement>(root, "Expires in").value = "7";
    button(root, "Post").click();
    await vi.waitFor(() => expect(root.querySelector("article")).not.toBeNull());
    expect(hub.stored[0]).toMatchObject({
      kind: "wanted",
      category: "services",
      pricing: "swap",
      price: null,
      location: "Old town",
    });
    // Posting leads back to the board, which shows the new listing.
    expect(location.hash).toBe("#/");
    const article = root.querySelector("article");
    expect(article?.textContent).toContain("Swap");
    expect(article?.textContent).toContain("Old town");
    expect(article?.querySelector("h3 a")?.getAttribute("href")).toBe(`#/listing/${hub.stored[0]?.id}`);
    // The next listing starts from the defaults.
    location.hash = "#/post";
    await vi.waitFor(() => expect(byLabel<HTMLSelectElement>(root, "Expires in").value).toBe("30"));
    expect(byLabel<HTMLSelectElement>(root, "Pricing").value).toBe("amount");
  });

  it.each<[string, string, string, RegExp]>([
    ["Title", "Title", "x".repeat(LIMITS.titleMax + 1), /120 characters/],
    ["Description", "Description", "d".repeat(LIMITS.descriptionMax + 1), /5000 characters/],
    ["Location", "Location", "l".repeat(LIMITS.locationMax + 1), /120 characters/],
    ["Price", "Price", "-1", /cannot be negative/],
  ])("a bad %s is explained next to it and nothing is posted", async (_, label, value, message) => {
    const hub = new HubDouble(alice);
    const root = await mountAt(hub, "#/post");
    byLabel(root, "Title").value = "Fine title";
    const control = byLabel<HTMLInputElement | HTMLTextAreaElement>(root, label);
    // maxLength stops typing, not a paste or a script: the hub's check is what holds.
    control.removeAttribute("maxlength");
    control.value = value;
    button(root, "Post").click();
    await settle();
    expect(errorOf(root, label)).toMatch(message);
    expect(control.getAttribute("aria-invalid")).toBe("true");
    expect(hub.stored).toEqual([]);
  });
});

describe("My listings", () => {
  it("lists only my listings and edits one through the Edit form", async () => {
    const hub = new HubDouble(alice);
    const mine = await createListing(
      alice,
      { title: "Lamp", description: "", price: "5", currency: "EUR" },
      Date.now(),
    );
    hub.put(mine);
    hub.put(await createListing(bob, { title: "Bob's", description: "", price: "", currency: "EUR" }, Date.now()));
    const root = await mountAt(hub, "#/mine");
    expect([...root.querySelectorAll("article h3")].map((h) => h.textContent)).toEqual(["Lamp"]);

    button(root, "Edit").click();
    expect(byLabel(root, "Title").value).toBe("Lamp");
    expect(byLabel(root, "Price").value).toBe("5.00");
    byLabel(root, "Title").value = "";
    button(root, "Save").click();
    await settle();
    expect(errorOf(root, "Title")).toBe("Give your listing a title.");
    expect(hub.stored[0]?.version).toBe(1);

    byLabel(root, "Title").value = "Brass lamp";
    button(root, "Save").click();
    await vi.waitFor(() =>
      expect([...root.querySelectorAll("article h3")].map((h) => h.textContent)).toEqual(["Brass lamp"]),
    );
    expect(hub.stored[0]).toMatchObject({ version: 2, title: "Brass lamp" });
  });

  it("marks reserved, then sold, renews, and deletes after a confirmation", async () => {
    const hub = new HubDouble(alice);
    hub.put(await createListing(alice, { title: "Desk", description: "", price: "30", currency: "EUR" }, Date.now()));
    const root = await mountAt(hub, "#/mine");
    button(root, "Mark reserved").click();
    await vi.waitFor(() => expect(root.querySelector("article .status")?.textContent).toBe("Reserved"));
    expect(hub.stored[0]?.status).toBe("reserved");
    button(root, "Mark sold").click();
    await vi.waitFor(() => expect(root.querySelector("article .status")?.textContent).toBe("Sold"));
    button(root, "Renew").click();
    await vi.waitFor(() => expect(hub.stored[0]?.version).toBe(4));

    button(root, "Delete").click();
    expect(hub.stored[0]?.deleted).toBe(false);
    button(root, "Yes, delete it").click();
    await vi.waitFor(() => expect(hub.stored[0]?.deleted).toBe(true));
    expect(root.querySelector("article")).toBeNull();
  });
});

describe("listing detail", () => {
  it("shows every field, the author and an actions container; only the author gets owner actions", async () => {
    const hub = new HubDouble(alice);
    const theirs = await createListing(
      bob,
      {
        title: "Sofa",
        description: "<b>comfy</b>",
        price: "80",
        currency: "EUR",
        category: "housing",
        location: "Harbour",
      },
      Date.now(),
    );
    hub.put(theirs);
    // Bob sold something to Alice before; she countersigned the receipt his profile lists.
    const terms = {
      dealId: "deal-0123456789abcdef",
      // A listing Bob posted: its id carries his.
      listingId: `${bob.peerId.slice(3)}-earlier1`,
      buyer: alice.peerId,
      seller: bob.peerId,
      completedAt: Date.now(),
    };
    const sold = {
      ...terms,
      role: "seller" as const,
      other: alice.peerId,
      otherKey: alice.publicKey,
      otherSignature: await signReceipt(alice, terms),
    };
    const { buyer: _b, seller: _s, ...receipt } = sold;
    hub.profiles.set(bob.peerId, await signProfile(bob, { name: "Bob", about: "", completed: [receipt] }, Date.now()));
    const root = await mountAt(hub, `#/listing/${theirs.id}`);
    await vi.waitFor(() => expect(root.querySelector("h2")?.textContent).toBe("Sofa"));
    const text = root.querySelector("article")?.textContent ?? "";
    for (const expected of ["<b>comfy</b>", "Housing", "Harbour", "Available", bob.peerId, "Expires"])
      expect(text).toContain(expected);
    expect(text).toContain("Author's completed deals1 as seller, 0 as buyer, from 1 person");
    const profileLink = [...root.querySelectorAll("a")].find((a) => a.textContent === "The seller's profile");
    expect(profileLink?.getAttribute("href")).toBe(`#/people/${bob.peerId}`);
    expect(root.querySelector("article b")).toBeNull();
    expect(root.querySelector(".listing-actions")).not.toBeNull();
    expect(root.querySelector(".owner-actions")).toBeNull();

    // The author deletes it meanwhile: the view says so.
    const { deleteListing } = await import("../../src/core/listings/listing-edits.ts");
    hub.emit({ type: "listing", listing: await deleteListing(bob, theirs, Date.now()) });
    expect(root.querySelector("h2")?.textContent).toBe("This listing was deleted");
  });
});

describe("search", () => {
  it("results follow typing and filters; a bad price bound is explained; new listings show up", async () => {
    const hub = new HubDouble(alice);
    const make = (title: string, extra: Partial<ListingDraft> = {}) =>
      createListing(bob, { title, description: "", price: "10", currency: "EUR", ...extra }, Date.now());
    hub.put(await make("Red bicycle", { price: "40" }));
    hub.put(await make("Blue bicycle", { price: "90" }));
    hub.put(await make("Bicycle pump wanted", { kind: "wanted", price: "" }));
    hub.put(await make("Oak table", { category: "other" }));
    const root = await mountAt(hub, "#/search");
    const titles = () => [...root.querySelectorAll("article h3")].map((h) => h.textContent).sort();
    await vi.waitFor(() => expect(titles()).toHaveLength(4));

    const box = byLabel(root, "Search");
    box.value = "bicy";
    box.dispatchEvent(new Event("input"));
    await vi.waitFor(() => expect(titles()).toEqual(["Bicycle pump wanted", "Blue bicycle", "Red bicycle"]));

    byLabel<HTMLSelectElement>(root, "Kind").value = "offer";
    byLabel<HTMLSelectElement>(root, "Kind").dispatchEvent(new Event("change"));
    await vi.waitFor(() => expect(titles()).toEqual(["Blue bicycle", "Red bicycle"]));

    byLabel(root, "Highest price").value = "-5";
    byLabel(root, "Highest price").dispatchEvent(new Event("input"));
    await settle();
    expect(errorOf(root, "Highest price")).toMatch(/negative/);
    byLabel(root, "Highest price").value = "50";
    byLabel(root, "Highest price").dispatchEvent(new Event("input"));
    await vi.waitFor(() => expect(titles()).toEqual(["Red bicycle"]));
    expect(errorOf(root, "Highest price")).toBe("");

    const arrived = await make("Green bicycle", { price: "20" });
    hub.put(arrived);
    hub.emit({ type: "listing", listing: arrived });
    await vi.waitFor(() => expect(titles()).toEqual(["Green bicycle", "Red bicycle"]));
    expect(root.querySelector('[role="status"][aria-label="Result count"]')?.textContent).toBe("2 listings");
  });

  it("a price bound with a currency compares like with like", async () => {
    const hub = new HubDouble(alice);
    const make = (title: string, extra: Partial<ListingDraft>) =>
      createListing(bob, { title, description: "", price: "", currency: "EUR", ...extra }, Date.now());
    hub.put(await make("Lamp in euros", { price: "30" }));
    hub.put(await make("Lamp in dollars", { price: "30", currency: "USD" }));
    hub.put(await make("Lamp for free", { pricing: "free" }));
    const root = await mountAt(hub, "#/search");
    const titles = () => [...root.querySelectorAll("article h3")].map((h) => h.textContent).sort();
    await vi.waitFor(() => expect(titles()).toHaveLength(3));
    byLabel(root, "Highest price").value = "35";
    byLabel(root, "Highest price").dispatchEvent(new Event("input"));
    byLabel<HTMLSelectElement>(root, "Currency").value = "USD";
    byLabel<HTMLSelectElement>(root, "Currency").dispatchEvent(new Event("change"));
    await vi.waitFor(() => expect(titles()).toEqual(["Lamp for free", "Lamp in dollars"]));
  });

  it("shows the results as a window, newest first; a listing arriving or a new query updates the count", async () => {
    const hub = new HubDouble(alice);
    for (let i = 0; i < 120; i++)
      hub.put(
        await createListing(
          bob,
          { title: `Chair ${i}`, description: "", price: "5", currency: "EUR" },
          Date.now() - 1000 + i,
        ),
      );
    const root = await mountAt(hub, "#/search");
    const count = () => root.querySelector('[role="status"][aria-label="Result count"]')?.textContent;
    const titles = () => [...root.querySelectorAll("article h3")].map((h) => h.textContent);
    await vi.waitFor(() => expect(count()).toBe("120 listings"));
    // Only what is near the screen is in the DOM, the newest first, none twice.
    expect(titles().length).toBeGreaterThan(0);
    expect(titles().length).toBeLessThan(120);
    expect(titles()[0]).toBe("Chair 119");
    expect(new Set(titles()).size).toBe(titles().length);

    const arrived = await createListing(
      bob,
      { title: "Chair new", description: "", price: "5", currency: "EUR" },
      Date.now(),
    );
    hub.put(arrived);
    hub.emit({ type: "listing", listing: arrived });
    await vi.waitFor(() => expect(count()).toBe("121 listings"));
    expect(titles()[0]).toBe("Chair new");
    const box = byLabel(root, "Search");
    box.value = "chair 11";
    box.dispatchEvent(new Event("input"));
    // Word prefixes: Chair 11 and Chair 110 to 119.
    await vi.waitFor(() => expect(count()).toBe("11 listings"));
    // Newest first, as far down as the window reaches (happy-dom's screen: ten 160 px rows with
    // the overscan, and one row past it).
    const matching = [...Array.from({ length: 10 }, (_, i) => `Chair ${119 - i}`), "Chair 11"];
    await vi.waitFor(() => expect(titles()).toHaveLength(11));
    expect(titles()).toEqual(matching);
    box.value = "table";
    box.dispatchEvent(new Event("input"));
    await vi.waitFor(() => expect(count()).toBe("No listings match."));
    expect(titles()).toEqual([]);
    box.value = "chair";
    box.dispatchEvent(new Event("input"));
    await vi.waitFor(() => expect(count()).toBe("121 listings"));
  });
});

describe("profile", () => {
  it("saves a display name and about; an empty or overlong name is explained next to the field", async () => {
    const hub = new HubDouble(alice);
    const root = await mountAt(hub, "#/profile");
    const save = () => [...root.querySelectorAll("button")].find((b) => b.textContent === "Save profile")?.click();
    save();
    await settle();
    expect(errorOf(root, "Display name")).toMatch(/Give a display name/);
    expect(hub.profiles.size).toBe(0);
    const name = byLabel(root, "Display name");
    name.removeAttribute("maxlength");
    name.value = "n".repeat(81);
    save();
    await settle();
    expect(errorOf(root, "Display name")).toMatch(/80 characters/);
    name.value = "Alice";
    byLabel<HTMLTextAreaElement>(root, "About").value = "Fixes bikes";
    save();
    await vi.waitFor(() => expect(root.querySelector('[aria-label="Profile status"]')?.textContent).toMatch(/^Saved/));
    expect(errorOf(root, "Display name")).toBe("");
    expect(hub.profiles.get(alice.peerId)).toMatchObject({ name: "Alice", about: "Fixes bikes" });
    expect(root.querySelector('[aria-label="Profile status"]')?.textContent).toMatch(/^Saved/);
  });
});
