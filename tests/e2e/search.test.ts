// Search through the real hub: full text, filters and sort over listings from another browser,
// updating as new listings arrive.

import type { Page } from "playwright-core";
import { expect, it } from "vitest";
import {
  listingHeading,
  networkStatus,
  newUser,
  openBoard,
  openPostForm,
  post,
  useServerAndBrowser,
} from "./harness.ts";

const env = useServerAndBrowser();

async function titles(page: Page): Promise<string[]> {
  return (await page.getByRole("article").getByRole("heading").allTextContents()).sort();
}

async function expectTitles(page: Page, expected: string[]): Promise<void> {
  await expect.poll(() => titles(page), { timeout: 10_000 }).toEqual([...expected].sort());
}

it("search and filters find the right listings, and new ones appear while the search is open", async () => {
  const alice = await openBoard(await newUser(env.browser), env.server.url);
  const bob = await openBoard(await newUser(env.browser), env.server.url);
  await networkStatus(alice).filter({ hasText: "1 peer connected" }).waitFor();
  await post(alice, { title: "Red bicycle", description: "Three gears", price: "40" });
  await post(alice, { title: "Blue bicycle", price: "90" });
  await openPostForm(alice);
  await alice.getByLabel("Category").selectOption({ label: "Housing" });
  await post(alice, { title: "Room near the park", description: "Quiet, bicycle shed", price: "400" });
  await openPostForm(alice);
  await alice.getByLabel("Kind").selectOption({ label: "Wanted" });
  await post(alice, { title: "Bicycle pump", price: "" });
  await listingHeading(bob, "Bicycle pump").waitFor();

  await bob.getByRole("link", { name: "Search" }).click();
  await bob.getByLabel("Search", { exact: true }).fill("bicy");
  await expectTitles(bob, ["Red bicycle", "Blue bicycle", "Room near the park", "Bicycle pump"]);
  await bob.getByLabel("Search", { exact: true }).fill("bicycle gears");
  await expectTitles(bob, ["Red bicycle"]);

  await bob.getByLabel("Search", { exact: true }).fill("bicycle");
  await bob.getByLabel("Category").selectOption({ label: "Housing" });
  await expectTitles(bob, ["Room near the park"]);
  await bob.getByLabel("Category").selectOption({ label: "All categories" });
  await bob.getByLabel("Kind").selectOption({ label: "Wanted" });
  await expectTitles(bob, ["Bicycle pump"]);
  await bob.getByLabel("Kind").selectOption({ label: "Offering" });
  await bob.getByLabel("Highest price").fill("100");
  await expectTitles(bob, ["Red bicycle", "Blue bicycle"]);
  await bob.getByLabel("Sort by").selectOption({ label: "Price: high to low" });
  await expect
    .poll(() => bob.getByRole("article").getByRole("heading").allTextContents())
    .toEqual(["Blue bicycle", "Red bicycle"]);

  // A new match from Alice shows up without Bob touching anything.
  await openPostForm(alice);
  await alice.getByLabel("Kind").selectOption({ label: "Offering" });
  await post(alice, { title: "Kids bicycle", price: "25" });
  await expect
    .poll(() => bob.getByRole("article").getByRole("heading").allTextContents(), { timeout: 10_000 })
    .toEqual(["Blue bicycle", "Red bicycle", "Kids bicycle"]);
  await expect(bob.getByRole("status", { name: "Result count" }).textContent()).resolves.toBe("3 listings");
});
