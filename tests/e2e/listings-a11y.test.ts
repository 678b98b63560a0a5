// The views of issue 4 pass axe-core: search, My listings with the edit form open, the detail
// view and the profile form with an error.

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  launchBrowser,
  listingHeading,
  newUser,
  openBoard,
  post,
  startTestServer,
  type TestServer,
} from "./harness.ts";

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

let browser: Browser;
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function axeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => "axe" in window))) await page.addScriptTag({ content: axeSource });
  return page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: { run: (context: Document) => Promise<{ violations: { id: string; help: string; nodes: unknown[] }[] }> };
      }
    ).axe;
    const result = await axe.run(document);
    return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.length} nodes)`);
  });
}

it("search, My listings, the detail view and the profile have no axe violations", async () => {
  const page = await openBoard(await newUser(browser), server.url);
  await post(page, { title: "Camping stove", description: "Gas, two burners", price: "30" });

  await page.getByRole("link", { name: "Search" }).click();
  await page.getByLabel("Search", { exact: true }).fill("stove");
  await page.getByLabel("Lowest price").fill("-1");
  await page.getByText("The price cannot be negative.").waitFor();
  expect(await axeViolations(page)).toEqual([]);

  await page.getByRole("link", { name: "My listings" }).click();
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
  await page.context().close();
});
