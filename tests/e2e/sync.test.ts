import { expect, it } from "vitest";
import { FIRST_SCREEN } from "../../src/core/sync/sync.ts";
import { listingHeading, newUser, openBoard, useServerAndBrowser } from "./harness.ts";
import { manyListings, startNodeHub } from "./node-hub.ts";

const env = useServerAndBrowser();
it("a first visit fetches a board of 1,500 listings by reconciliation, showing progress", {
  timeout: 120_000,
}, async () => {
  const listings = await manyListings(1500);
  await startNodeHub(env.server.port, listings);
  const page = await openBoard(await newUser(env.browser), env.server.url);
  // Progress comes only from listings the browser requested after SYNC: send-all shows none. The
  // newest screenful comes unasked before the keys (sync.ts FIRST_SCREEN), so it is not counted.
  const asked = (1500 - FIRST_SCREEN).toLocaleString("en");
  await page.getByText(new RegExp(`^Syncing [\\d,]+ / ${asked}$`)).waitFor({ timeout: 30_000 });
  await page.getByText(/^Syncing/).waitFor({ state: "hidden", timeout: 60_000 });
  const newest = [...listings].sort((a, b) => b.updatedAt - a.updatedAt)[0];
  const oldest = [...listings].sort((a, b) => a.updatedAt - b.updatedAt)[0];
  // The board says how many it holds and shows the newest first; it keeps a window of the list
  // in the page, so the oldest shows once scrolled to.
  await page.getByText("1,500 listings", { exact: true }).waitFor({ timeout: 60_000 });
  await listingHeading(page, newest?.title ?? "").waitFor({ timeout: 60_000 });
  await page.evaluate(() => scrollTo(0, document.scrollingElement?.scrollHeight ?? 0));
  await listingHeading(page, oldest?.title ?? "").waitFor({ timeout: 60_000 });
  expect(await page.getByRole("article").count()).toBeLessThanOrEqual(200);
});
