// Dark theme: follows the system's prefers-color-scheme, can be overridden in Profile, survives
// a reload, and keeps every view free of axe violations (contrast included).

import { expect, it } from "vitest";
import {
  axeViolations,
  goTo,
  listingHeading,
  newUser,
  openBoard,
  post,
  shownPeerId,
  useServerAndBrowser,
} from "./harness.ts";

const env = useServerAndBrowser();

const ground = (page: import("playwright-core").Page) =>
  page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
const dark = (rgb: string) => {
  const [r = 255, g = 255, b = 255] = (rgb.match(/\d+/g) ?? []).map(Number);
  return 0.2126 * r + 0.7152 * g + 0.0722 * b < 80;
};

it("a dark system gets the dark theme with no axe violations; Profile can override it, and it stays", async () => {
  const context = await newUser(env.browser, { colorScheme: "dark" });
  const page = await openBoard(context, env.server.url);
  expect(dark(await ground(page))).toBe(true);
  await post(page, { title: "Night lamp", price: "8" });
  await listingHeading(page, "Night lamp").waitFor();
  expect(await axeViolations(page)).toEqual([]);
  for (const view of ["Search", "Profile", "Deals", "Messages", "My listings", "Network", "Identity"] as const) {
    await goTo(page, view);
    expect(await axeViolations(page), view).toEqual([]);
  }
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Profile" }).click();
  await page.getByLabel("Theme").selectOption("light");
  expect(dark(await ground(page))).toBe(false);
  await page.reload();
  await shownPeerId(page).waitFor();
  expect(dark(await ground(page))).toBe(false);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Profile" }).click();
  await page.getByLabel("Theme").selectOption("system");
  expect(dark(await ground(page))).toBe(true);
});
