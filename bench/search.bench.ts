// Search latency over 50,000 listings in real Chromium, through the real hub: from an input
// event in the Search box to the results rendered (hub index query, one page read from
// IndexedDB, Comlink both ways, DOM). Run: npm run bench (or BENCH_LISTINGS=… for another size).

import { expect, it } from "vitest";
import { newUser, openBoard, useServerAndBrowser } from "../tests/e2e/harness.ts";
import { FILTERS, seedSearchListings, TYPING, timeQueries } from "./search-timing.ts";
import { report } from "./stats.ts";

const LISTINGS = Number(process.env.BENCH_LISTINGS ?? 50_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10);

const env = useServerAndBrowser();

it(`search over ${LISTINGS} listings in one browser`, async () => {
  const context = await newUser(env.browser);
  context.setDefaultTimeout(120_000);
  const seedStarted = performance.now();
  const stored = await seedSearchListings(context, env.server.url, LISTINGS);
  expect(stored).toBe(LISTINGS);
  console.log(`seeded ${stored} listings in ${Math.round(performance.now() - seedStarted)} ms`);

  const page = await openBoard(context, new URL("#/search", env.server.url).href);
  const loadStarted = performance.now();
  // The count says every listing once the hub's index answers.
  await page
    .getByRole("status", { name: "Result count" })
    .filter({ hasText: `${LISTINGS.toLocaleString("en")} listings` })
    .waitFor();
  const firstAnswer = performance.now() - loadStarted;

  const samples: Record<string, number[]> = { "type a word (each keystroke)": [], "change a filter or sort": [] };
  for (let round = 0; round < ROUNDS; round++) {
    samples["type a word (each keystroke)"]?.push(...(await timeQueries(page, TYPING)));
    samples["change a filter or sort"]?.push(...(await timeQueries(page, FILTERS)));
  }
  report(`Search over ${LISTINGS} listings (input event → results rendered, real hub, Chromium)`, samples);
  console.log(`first answer after the shell had the hub's first answer: ${Math.round(firstAnswer)} ms`);
  await context.close();
});
