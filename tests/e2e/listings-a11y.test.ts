// The views of issue 4 pass axe-core: search, My listings with the edit form open, the detail
// view and the profile form with an error.

import { expect, it } from "vitest";
import { axeViolations, goTo, listingHeading, newUser, openBoard, post, useServerAndBrowser } from "./harness.ts";

const env = useServerAndBrowser();

it("search, My listings, the detail view and the profile have no axe violations", async () => {
  const page = await openBoard(await newUser(env.browser), env.server.url);
  await post(page, { title: "Camping stove", description: "Gas, two burners", price: "30" });

  await page.getByRole("link", { name: "Search" }).click();
  await page.getByLabel("Search", { exact: true }).fill("stove");
  await page.getByLabel("Lowest price").fill("-1");
  await page.getByText("The price cannot be negative.").waitFor();
  expect(await axeViolations(page)).toEqual([]);

  await goTo(page, "My listings");
  await page.getByRole("button", { name: "Edit" }).click();
  await page.getByRole("button", { name: "Delete" }).click();
  expect(await axeViolations(page)).toEqual([]);

  await listingHeading(page, "Camping stove").getByRole("link").click();
  await page.getByRole("heading", { level: 2, name: "Camping stove" }).waitFor();
  expect(await axeViolations(page)).toEqual([]);

  await page.getByRole("link", { name: "Profile" }).click();
  await page.getByRole("button", { name: "Save profile" }).click();
  await page.getByText("Give a display name").waitFor();
  expect(await axeViolations(page)).toEqual([]);
});
