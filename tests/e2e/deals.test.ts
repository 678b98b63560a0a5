// Deals and chat between two users (issue 5): real server, real Chromium, real WebRTC, sealed
// frames and the IndexedDB outbox.

import type { BrowserContext, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import {
  axeViolations,
  dealCard,
  goTo,
  listingArticle,
  listingHeading,
  newUser,
  openBoard,
  peerIdOf,
  post,
  useServerAndBrowser,
} from "./harness.ts";

const env = useServerAndBrowser();

/** Alice posts a listing, Bob offers 30 on it; returns both pages on the Deals view. */
async function offerOnListing(title: string): Promise<{ alice: Page; bob: Page; bobContext: BrowserContext }> {
  const alice = await openBoard(await newUser(env.browser), env.server.url);
  const bobContext = await newUser(env.browser);
  const bob = await openBoard(bobContext, env.server.url);
  await post(alice, { title, price: "40" });
  await listingHeading(bob, title).waitFor();
  expect(await listingArticle(alice, title).getByRole("button", { name: "Make an offer" }).count()).toBe(0);
  await listingArticle(bob, title).getByRole("button", { name: "Make an offer" }).click();
  await bob.getByRole("button", { name: "Send offer" }).click();
  await bob.getByText("Enter an amount, or describe what you offer to swap.").waitFor();
  expect(await bob.getByLabel("Amount").getAttribute("aria-invalid")).toBe("true");
  await bob.getByLabel("Amount").fill("30");
  await bob.getByLabel("Message", { exact: true }).fill("Would you take 30?");
  await bob.getByRole("button", { name: "Send offer" }).click();
  await dealCard(bob, title).getByText("State: proposed").waitFor();
  return { alice, bob, bobContext };
}

/** The text of a <dd> after the <dt> named `term` on the page. */
function definition(page: Page, term: string): Promise<string | null> {
  return page.locator(`dt:text-is("${term}") + dd`).first().textContent();
}

describe("deals and chat between two users", () => {
  it("offer → counter → accept → complete, live on both sides, with the unread count in the tab title", async () => {
    const { alice, bob } = await offerOnListing("Blue bicycle");
    // Alice is on the board: the offer shows as unread in the tab title and on the Deals link.
    await alice.waitForFunction(() => document.title.startsWith("(1) "));
    await alice.getByRole("link", { name: "Deals 1 unread" }).waitFor();
    await goTo(alice, "Deals");
    const aliceDeal = dealCard(alice, "Blue bicycle");
    await aliceDeal.getByText("State: proposed").waitFor();
    await expect(aliceDeal.textContent()).resolves.toContain("They offered €30.00 — “Would you take 30?”");
    expect(await axeViolations(alice)).toEqual([]);

    await aliceDeal.getByRole("button", { name: "Counter" }).click();
    await aliceDeal.getByLabel("Amount").fill("35");
    await aliceDeal.getByRole("button", { name: "Send counter-offer" }).click();
    await aliceDeal.getByText("State: countered").waitFor();

    const bobDeal = dealCard(bob, "Blue bicycle");
    await bobDeal.getByText("State: countered").waitFor();
    await bobDeal.getByText("Current offer: €35.00").waitFor();
    // It is Bob's turn: he cannot counter his own offer, only answer Alice's.
    await bobDeal.getByRole("button", { name: "Accept" }).click();
    await bobDeal.getByText("State: accepted").waitFor();

    await aliceDeal.getByText("State: accepted").waitFor();
    // Accepting reserved Alice's listing, and every peer sees it.
    await bob.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Board" }).click();
    await listingArticle(bob, "Blue bicycle").getByText("Reserved").waitFor();
    await goTo(bob, "Deals");
    await aliceDeal.getByRole("button", { name: "Mark completed" }).click();
    await aliceDeal.getByText("State: completed").waitFor();
    await bobDeal.getByText("State: completed").waitFor();
    expect(await bobDeal.getByRole("button").count()).toBe(0);
    // Reputation counts the completed deal on both sides once the other side countersigned it.
    await alice.getByText("Your completed deals: 1 as seller, 0 as buyer, from 1 person").waitFor();
    await bob.getByText("Your completed deals: 0 as seller, 1 as buyer, from 1 person").waitFor();
    // Bob follows the deal to Alice's profile: the deal shows there, as it does to anyone.
    await bobDeal.getByRole("link", { name: /^pb-/ }).click();
    await bob.getByRole("article", { name: "Profile" }).waitFor();
    expect(await definition(bob, "Completed deals")).toBe("1 as seller, 0 as buyer, from 1 person");
    expect(await axeViolations(bob)).toEqual([]);
    // Carol took no part: she arrives later, gets Alice's signed profile and checks the receipt.
    const carol = await openBoard(await newUser(env.browser), env.server.url);
    await carol.goto(`${env.server.url}/#/people/${await peerIdOf(alice)}`);
    await expect
      .poll(() => definition(carol, "Completed deals"), { timeout: 15_000 })
      .toBe("1 as seller, 0 as buyer, from 1 person");
    // Completing sold it.
    await bob.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Board" }).click();
    await listingArticle(bob, "Blue bicycle").getByText("Sold").waitFor();
  });

  it("a seller who turns off reserving accepts an offer and the listing stays available", async () => {
    const { alice, bob } = await offerOnListing("Red lamp");
    await goTo(alice, "Deals");
    await alice.getByLabel("Mark my listing reserved when I accept an offer").uncheck();
    await alice.getByRole("status", { name: "Deal settings status" }).getByText("Saved.").waitFor();
    // The choice is kept: a reload shows it off.
    await alice.reload();
    await alice.getByRole("heading", { name: "Deals", level: 2 }).waitFor();
    expect(await alice.getByLabel("Mark my listing reserved when I accept an offer").isChecked()).toBe(false);
    await dealCard(alice, "Red lamp").getByRole("button", { name: "Accept" }).click();
    await dealCard(bob, "Red lamp").getByText("State: accepted").waitFor();
    await alice.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Board" }).click();
    await listingArticle(alice, "Red lamp").getByText("Available").waitFor();
    expect(await listingArticle(alice, "Red lamp").getByText("Reserved").count()).toBe(0);
  });

  it("chat both ways shows sent, delivered and read", async () => {
    const { alice, bob } = await offerOnListing("Green kettle");
    await dealCard(bob, "Green kettle").getByRole("link", { name: "Messages about this deal" }).click();
    await bob.getByLabel("Message", { exact: true }).fill("Is it still available?");
    await bob.getByRole("button", { name: "Send", exact: true }).click();
    const bobLine = bob
      .getByRole("list", { name: "Messages" })
      .getByRole("listitem")
      .filter({ hasText: "Is it still available?" });
    // Alice has not opened the conversation yet: delivered, not read.
    await bobLine.filter({ hasText: "Delivered" }).waitFor();

    await alice.getByRole("link", { name: "Messages 1 unread" }).waitFor();
    await goTo(alice, "Messages");
    expect(await axeViolations(alice)).toEqual([]);
    await alice.getByRole("link", { name: /Deal on “Green kettle”/ }).click();
    await alice.getByText("Is it still available?").waitFor();
    await bobLine.filter({ hasText: "Read" }).waitFor();

    await alice.getByLabel("Message", { exact: true }).fill("Yes, come by tomorrow.");
    await alice.getByRole("button", { name: "Send", exact: true }).click();
    await bob.getByText("Yes, come by tomorrow.").waitFor();
    const aliceLine = alice.getByRole("listitem").filter({ hasText: "Yes, come by tomorrow." });
    await aliceLine.filter({ hasText: "Read" }).waitFor();
    expect(await axeViolations(alice)).toEqual([]);
    // Read messages no longer count; only the offer Alice has not opened in Deals does.
    await alice.getByRole("link", { name: "Messages", exact: true }).waitFor();
    expect(await alice.title()).toMatch(/^\(1\) /);
  });

  it("a message sent while the other user's browser is closed arrives after they reopen it", async () => {
    const { alice, bob, bobContext } = await offerOnListing("Red lamp");
    await goTo(alice, "Deals");
    await dealCard(alice, "Red lamp").getByRole("link", { name: "Messages about this deal" }).click();
    // Bob closes every tab: his hub and radio stop; his IndexedDB stays with the context.
    await bob.close();

    await alice.getByLabel("Message", { exact: true }).fill("Sent while you were away");
    await alice.getByRole("button", { name: "Send", exact: true }).click();
    const line = alice.getByRole("listitem").filter({ hasText: "Sent while you were away" });
    await line.filter({ hasText: "Sent" }).waitFor();
    await alice.reload();
    // Still waiting after a reload: it lives in the outbox, not in the page.
    await line.filter({ hasText: "Sent" }).waitFor();

    const bobAgain = await openBoard(bobContext, env.server.url);
    await line.filter({ hasText: "Delivered" }).waitFor({ timeout: 30_000 });
    await goTo(bobAgain, "Messages");
    await bobAgain.getByRole("link", { name: /Deal on “Red lamp”/ }).click();
    await bobAgain.getByText("Sent while you were away").waitFor();
    // The read receipt goes back as mail of its own, over a connection just made again.
    await line.filter({ hasText: "Read" }).waitFor({ timeout: 30_000 });
  });
});

describe("chat about a listing", () => {
  it("'Message the seller' on a listing starts a conversation without a deal", async () => {
    const alice = await openBoard(await newUser(env.browser), env.server.url);
    const bob = await openBoard(await newUser(env.browser), env.server.url);
    await post(alice, { title: "Reading lamp", price: "12" });
    await listingHeading(bob, "Reading lamp").getByRole("link").click();
    await bob.getByRole("link", { name: "Message the seller" }).click();
    await bob.getByLabel("Message", { exact: true }).fill("Does the lamp take LED bulbs?");
    await bob.getByRole("button", { name: "Send", exact: true }).click();
    await bob
      .getByRole("listitem")
      .filter({ hasText: "Does the lamp take LED bulbs?" })
      .filter({ hasText: "Delivered" })
      .waitFor();

    await goTo(alice, "Messages");
    await alice.getByRole("link", { name: /Reading lamp/ }).click();
    await alice.getByText("Does the lamp take LED bulbs?").waitFor();
    await alice.getByLabel("Message", { exact: true }).fill("Yes, E27 LED is fine.");
    await alice.getByRole("button", { name: "Send", exact: true }).click();
    await bob.getByText("Yes, E27 LED is fine.").waitFor();
    // No deal was opened by talking.
    await goTo(bob, "Deals");
    expect(await bob.locator("article.deal").count()).toBe(0);
  });
});
