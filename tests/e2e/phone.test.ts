// At phone size (360×740): a newcomer sees listings in the first screen with the seller's name,
// nothing overflows 360 px in any view, the dark theme applies, and axe passes in both themes.
// With SCREENSHOTS=<dir>, every view is also saved at 360×740 and 1280×800, light and dark.

import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { expect, it } from "vitest";
import {
  axeViolations,
  dealCard,
  listingArticle,
  listingHeading,
  newUser,
  openBoard,
  post,
  useServerAndBrowser,
} from "./harness.ts";

const env = useServerAndBrowser();
const PHONE = { width: 360, height: 740 };
const SCREENSHOTS = process.env.SCREENSHOTS;

function phoneUser(browser: Browser, colorScheme: "light" | "dark" = "light", viewport = PHONE) {
  return newUser(browser, { viewport, colorScheme });
}

/** Answers the first visit's question on the board. */
async function giveName(page: Page, name: string): Promise<void> {
  await page.getByRole("form", { name: "Welcome" }).getByLabel("Display name").fill(name);
  await page.getByRole("button", { name: "Use this name" }).click();
  await page.locator("header .me").filter({ hasText: name }).waitFor();
}

it("a newcomer on a phone sees a listing in the first screen, with the seller's name, and is asked for theirs", async () => {
  const bob = await openBoard(await phoneUser(env.browser), env.server.url);
  await giveName(bob, "Bob Baker");
  await post(bob, { title: "Red bicycle", description: "Three gears", price: "40" });
  // "Post" sits below the phone's first screen; after it the board starts at its top again.
  expect(await bob.evaluate(() => scrollY)).toBe(0);
  const posted = await listingArticle(bob, "Red bicycle").boundingBox();
  expect(posted && posted.y >= 0 && posted.y + posted.height <= PHONE.height).toBe(true);

  const alice = await openBoard(await phoneUser(env.browser), env.server.url);
  await expect(alice.locator("header .me").textContent()).resolves.toContain("Add your name");
  await alice.getByRole("button", { name: "Skip for now" }).click();
  const card = listingArticle(alice, "Red bicycle");
  await card.getByText("Posted by Bob Baker", { exact: true }).waitFor();
  const box = await card.boundingBox();
  expect(box && box.y >= 0 && box.y + box.height <= PHONE.height).toBe(true);
  // The search box and the category chips come before it, and the tab bar is on screen.
  expect(await alice.getByLabel("Search", { exact: true }).isVisible()).toBe(true);
  expect(await alice.getByRole("group", { name: "Categories" }).isVisible()).toBe(true);
  const tabs = await alice.getByRole("navigation", { name: "Main" }).boundingBox();
  expect(tabs && tabs.y + tabs.height).toBeCloseTo(PHONE.height, 0);
  expect(await card.locator("time").textContent()).toMatch(/just now|min ago/);
  // The header names the user once they have a name; the id is on Profile.
  expect(await alice.locator("header").textContent()).not.toMatch(/pb-[a-z2-7]{26}/);
  await alice.reload();
  expect(await alice.getByRole("form", { name: "Welcome" }).count()).toBe(0);
});

/** Every route of the app with something on it: Bob's listing, Alice's offer and a message. */
async function everyRoute(alice: Page, bob: Page): Promise<string[]> {
  await post(bob, { title: "Oak bookshelf, five shelves, a very long title that has to wrap on a phone", price: "45" });
  const title = "Oak bookshelf, five shelves, a very long title that has to wrap on a phone";
  await listingHeading(alice, title).waitFor();
  const id = await listingArticle(alice, title).getAttribute("data-listing-id");
  const bobId = await bob.locator("#app").getAttribute("data-peer-id");
  await listingArticle(alice, title).getByRole("button", { name: "Make an offer" }).click();
  await alice.getByLabel("Amount").fill("40");
  await alice.getByLabel("Message", { exact: true }).fill("Could I collect it on Saturday afternoon?");
  await alice.getByRole("button", { name: "Send offer" }).click();
  await dealCard(alice, title).waitFor();
  // Bob's tab bar carries the unread offer, and still fits the phone.
  await bob.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Deals 1 unread" }).waitFor();
  expect(await bob.evaluate(() => document.scrollingElement?.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
  if (SCREENSHOTS) await shoot(bob, SCREENSHOTS, "phone-light-unread", "#/");
  return [
    "#/",
    "#/search",
    "#/post",
    "#/deals",
    "#/messages",
    `#/messages/${bobId}/${id}`,
    "#/profile",
    "#/mine",
    "#/network",
    "#/identity",
    `#/listing/${id}`,
    `#/people/${bobId}`,
    `#/offer/${id}`,
  ];
}

it("nothing overflows 360 px in any view; light and dark both pass axe", async () => {
  const bob = await openBoard(await phoneUser(env.browser), env.server.url);
  await giveName(bob, "Bob Baker");
  const alice = await openBoard(await phoneUser(env.browser), env.server.url);
  await giveName(alice, "Alice Appleby-Featherstonehaugh");
  const routes = await everyRoute(alice, bob);
  const problems: string[] = [];
  for (const scheme of ["light", "dark"] as const) {
    await alice.emulateMedia({ colorScheme: scheme });
    const ground = await alice.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
    expect(ground, scheme).toBe(scheme === "dark" ? "rgb(17, 23, 30)" : "rgb(243, 245, 248)");
    for (const route of routes) {
      await alice.evaluate((hash) => {
        location.hash = hash;
      }, route);
      await alice.locator("#view h2").first().waitFor();
      await alice.waitForTimeout(150);
      const width = await alice.evaluate(() => document.scrollingElement?.scrollWidth ?? 0);
      if (width > PHONE.width) problems.push(`${scheme} ${route}: ${width} px wide`);
      const violations = await axeViolations(alice);
      if (violations.length) problems.push(`${scheme} ${route}: ${violations.join("; ")}`);
      if (SCREENSHOTS) await shoot(alice, SCREENSHOTS, `phone-${scheme}`, route);
    }
  }
  expect(problems).toEqual([]);
  if (SCREENSHOTS) {
    for (const scheme of ["light", "dark"] as const) {
      await alice.setViewportSize({ width: 1280, height: 800 });
      await alice.emulateMedia({ colorScheme: scheme });
      for (const route of routes) {
        await alice.evaluate((hash) => {
          location.hash = hash;
        }, route);
        await alice.locator("#view h2").first().waitFor();
        await alice.waitForTimeout(150);
        await shoot(alice, SCREENSHOTS, `wide-${scheme}`, route);
      }
    }
  }
});

async function shoot(page: Page, dir: string, prefix: string, route: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const name = route.replace(/^#\//, "").split("/")[0] || "board";
  const suffix = route.split("/").length > 2 ? "-detail" : "";
  await page.screenshot({ path: join(dir, `${prefix}-${name}${suffix}.png`) });
}
