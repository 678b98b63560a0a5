// Search latency over 50,000 listings in real Chromium, through the real hub: from an input
// event in the Search box to the results rendered (hub index query, one page read from
// IndexedDB, Comlink both ways, DOM). Run: npm run bench (or BENCH_LISTINGS=… for another size).

import type { Page } from "playwright-core";
import { expect, it } from "vitest";
import { newUser, openBoard, useServerAndBrowser } from "../tests/e2e/harness.ts";
import { bundleModule, openModulePage } from "./page-module.ts";
import { report } from "./stats.ts";

const LISTINGS = Number(process.env.BENCH_LISTINGS ?? 50_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10);

const env = useServerAndBrowser();

/** Types `text` into the Search box (as one input event) and times until its results are on screen. */
function timeQueries(page: Page, steps: { text?: string; select?: [string, string]; field?: [string, string] }[]) {
  return page.evaluate(async (steps) => {
    // The windowed list sets data-query on its outer element once the results of a query show.
    const results = document.querySelector(".search-results .window") as HTMLElement;
    const control = (label: string) => {
      const l = [...document.querySelectorAll("label")].find((x) => x.textContent === label) as HTMLLabelElement;
      return document.getElementById(l.htmlFor) as HTMLInputElement | HTMLSelectElement;
    };
    const times: number[] = [];
    for (const step of steps) {
      const before = results.dataset.query;
      const done = new Promise<void>((resolve) => {
        const observer = new MutationObserver(() => {
          if (results.dataset.query !== before) {
            observer.disconnect();
            resolve();
          }
        });
        observer.observe(results, { attributes: true, attributeFilter: ["data-query"] });
      });
      const started = performance.now();
      if (step.text !== undefined) {
        const box = control("Search");
        box.value = step.text;
        box.dispatchEvent(new Event("input"));
      } else if (step.select) {
        const select = control(step.select[0]);
        select.value = step.select[1];
        select.dispatchEvent(new Event("change"));
      } else if (step.field) {
        const input = control(step.field[0]);
        input.value = step.field[1];
        input.dispatchEvent(new Event("input"));
      }
      await done;
      times.push(performance.now() - started);
    }
    return times;
  }, steps);
}

it(`search over ${LISTINGS} listings in one browser`, async () => {
  // Served on the app's origin, so it writes the app's IndexedDB.
  const code = await bundleModule(new URL("./search-seed.ts", import.meta.url), "seed");
  const context = await newUser(env.browser);
  context.setDefaultTimeout(120_000);
  const seeder = await openModulePage(context, env.server.url, "seed", code);
  const seedStarted = performance.now();
  const stored = await seeder.evaluate<number>(`import("/__bench/seed.js").then((m) => m.seed(${LISTINGS}))`);
  expect(stored).toBe(LISTINGS);
  console.log(`seeded ${stored} listings in ${Math.round(performance.now() - seedStarted)} ms`);
  await seeder.close();

  const page = await openBoard(context, new URL("#/search", env.server.url).href);
  const loadStarted = performance.now();
  // The first answer waits for the hub to read every listing into its index: the count says all.
  await page
    .getByRole("status", { name: "Result count" })
    .filter({ hasText: `${LISTINGS.toLocaleString("en")} listings` })
    .waitFor();
  const firstAnswer = performance.now() - loadStarted;

  const typing = [
    "b",
    "bi",
    "bic",
    "bicy",
    "bicycle",
    "bicycle r",
    "bicycle red",
    "w1",
    "w12",
    "w123",
    "w123 w7",
    "lamp w5",
    "zzz",
    "",
  ];
  const samples: Record<string, number[]> = { "type a word (each keystroke)": [], "change a filter or sort": [] };
  for (let round = 0; round < ROUNDS; round++) {
    samples["type a word (each keystroke)"]?.push(
      ...(await timeQueries(
        page,
        typing.map((text) => ({ text })),
      )),
    );
    samples["change a filter or sort"]?.push(
      ...(await timeQueries(page, [
        { select: ["Category", "housing"] },
        { select: ["Kind", "wanted"] },
        { field: ["Lowest price", "100"] },
        { field: ["Highest price", "500"] },
        { select: ["Sort by", "price-asc"] },
        { text: "chair" },
        { select: ["Sort by", "price-desc"] },
        { select: ["Category", ""] },
        { select: ["Kind", ""] },
        { field: ["Lowest price", ""] },
        { field: ["Highest price", ""] },
        { select: ["Sort by", "newest"] },
        { text: "" },
      ])),
    );
  }
  report(`Search over ${LISTINGS} listings (input event → results rendered, real hub, Chromium)`, samples);
  console.log(`first answer after page load (hub reads and indexes every listing): ${Math.round(firstAnswer)} ms`);
  await context.close();
});
