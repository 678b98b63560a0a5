// Two users, real server, real WebRTC: edits, status changes and deletions propagate; expired
// listings stop showing by each browser's own clock.

import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import {
  goTo,
  listingArticle,
  listingHeading,
  newUser,
  openBoard,
  openPostForm,
  peersConnected,
  post,
  useServerAndBrowser,
} from "./harness.ts";

const env = useServerAndBrowser();

const connected = (page: Page) => peersConnected(page);

function myListing(page: Page, title: string) {
  return listingArticle(page, title);
}

describe("a listing's life, seen by another user", () => {
  it("edit, mark sold and delete in My listings reach the other browser", async () => {
    const alice = await openBoard(await newUser(env.browser), env.server.url);
    const bob = await openBoard(await newUser(env.browser), env.server.url);
    await connected(alice);
    await openPostForm(alice);
    await alice.getByLabel("Category").selectOption({ label: "Services" });
    await alice.getByLabel("Location").fill("Market square");
    await post(alice, { title: "Piano lessons", description: "Beginners welcome", price: "20" });
    await listingHeading(bob, "Piano lessons").waitFor();
    await expect(listingArticle(bob, "Piano lessons").textContent()).resolves.toContain("Market square");

    await goTo(alice, "My listings");
    const article = myListing(alice, "Piano lessons");
    await article.getByRole("button", { name: "Edit" }).click();
    await alice.getByLabel("Title").fill("Piano and guitar lessons");
    await alice.getByRole("button", { name: "Save" }).click();
    await listingHeading(alice, "Piano and guitar lessons").waitFor();
    await listingHeading(bob, "Piano and guitar lessons").waitFor();
    expect(await listingHeading(bob, "Piano lessons").count()).toBe(0);

    await myListing(alice, "Piano and guitar lessons").getByRole("button", { name: "Mark sold" }).click();
    await listingArticle(bob, "Piano and guitar lessons").getByText("Sold", { exact: true }).waitFor();

    // Bob opens the detail view: every field, and no owner controls for him.
    await listingHeading(bob, "Piano and guitar lessons").getByRole("link").click();
    await bob.getByRole("heading", { level: 2, name: "Piano and guitar lessons" }).waitFor();
    const detail = await bob.getByRole("article").textContent();
    for (const expected of ["Sold", "Services", "Market square", "Beginners welcome"])
      expect(detail).toContain(expected);
    expect(await bob.getByRole("button", { name: "Edit" }).count()).toBe(0);

    await myListing(alice, "Piano and guitar lessons").getByRole("button", { name: "Delete" }).click();
    await alice.getByRole("button", { name: "Yes, delete it" }).click();
    await bob.getByRole("heading", { name: "This listing was deleted" }).waitFor();
    await bob.getByRole("link", { name: "Back to the board" }).click();
    await bob.getByRole("heading", { name: "Listings" }).waitFor();
    expect(await listingHeading(bob, "Piano and guitar lessons").count()).toBe(0);

    // After a reload the tombstone still holds: the listing does not come back from either store.
    await bob.reload();
    await connected(bob);
    await bob.getByRole("heading", { name: "Listings" }).waitFor();
    expect(await listingHeading(bob, "Piano and guitar lessons").count()).toBe(0);
  });

  it("a listing past its expiry stops showing in the other browser, by that browser's clock", async () => {
    const aliceContext = await newUser(env.browser);
    const bobContext = await newUser(env.browser);
    await bobContext.clock.install();
    const alice = await openBoard(aliceContext, env.server.url);
    const bob = await openBoard(bobContext, env.server.url);
    await connected(alice);
    await openPostForm(alice);
    await alice.getByLabel("Expires in").selectOption("7");
    await post(alice, { title: "Weekend tent", price: "15" });
    await post(alice, { title: "Long-lived ladder", price: "25" });
    await listingHeading(bob, "Weekend tent").waitFor();
    await listingHeading(bob, "Long-lived ladder").waitFor();
    // Eight days pass for Bob: the 7-day listing goes, the 30-day one stays.
    await bob.clock.fastForward(8 * 24 * 60 * 60 * 1000);
    await listingHeading(bob, "Weekend tent").waitFor({ state: "detached" });
    expect(await listingHeading(bob, "Long-lived ladder").count()).toBe(1);
  });
});
