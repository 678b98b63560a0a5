// What the search benches share: the seed bundle served on the app's origin, and timing a query
// from the input event to its results on screen.

import type { BrowserContext, Page } from "playwright-core";
import { bundleModule, openModulePage } from "./page-module.ts";

/** Writes `count` synthetic listings into the context's IndexedDB, with no hub running; returns how many it stored. */
export async function seedSearchListings(context: BrowserContext, origin: string, count: number): Promise<number> {
  // Served on the app's origin, so it writes the app's IndexedDB.
  const code = await bundleModule(new URL("./search-seed.ts", import.meta.url), "seed");
  const seeder = await openModulePage(context, origin, "seed", code);
  const stored = await seeder.evaluate<number>(`import("/__bench/seed.js").then((m) => m.seed(${count}))`);
  await seeder.close();
  return stored;
}

export interface QueryStep {
  text?: string;
  select?: [string, string];
  field?: [string, string];
}

/**
 * Runs `steps` on the Search view, each as one input or change event, and times each until its
 * results are on screen (`shown`); with `afterFrame`, each step also waits for the frame after
 * them to be painted (`painted`: the browser's style, layout and paint of the new cards, which
 * `shown` stops short of), so the steps are not back to back. Without it, `painted` is `shown`.
 */
function timeSteps(page: Page, steps: QueryStep[], afterFrame: boolean): Promise<{ shown: number; painted: number }[]> {
  return page.evaluate(
    async ({ steps, afterFrame }) => {
      const control = (label: string) => {
        const l = [...document.querySelectorAll("label")].find((x) => x.textContent === label) as HTMLLabelElement;
        return document.getElementById(l.htmlFor) as HTMLInputElement | HTMLSelectElement;
      };
      const times: { shown: number; painted: number }[] = [];
      for (const step of steps) {
        // The windowed list (.window) carries the query it shows; looked up each time, as the
        // shell may have drawn the view again since the last step.
        const results = document.querySelector(".search-results .window") as HTMLElement;
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
        const [label, value, type] =
          step.text !== undefined
            ? ["Search", step.text, "input"]
            : step.select
              ? [...step.select, "change"]
              : [...(step.field as [string, string]), "input"];
        const box = control(label as string);
        box.value = value as string;
        box.dispatchEvent(new Event(type as string));
        await done;
        const shown = performance.now() - started;
        // The frame that paints them has run once a task queued from its animation frame runs.
        if (afterFrame) await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
        times.push({ shown, painted: afterFrame ? performance.now() - started : shown });
      }
      return times;
    },
    { steps, afterFrame },
  );
}

/** Each step's time from its event to its results on screen, the steps back to back. */
export async function timeQueries(page: Page, steps: QueryStep[]): Promise<number[]> {
  return (await timeSteps(page, steps, false)).map((t) => t.shown);
}

/** Each step's time to its results on screen and to the frame after them painted. */
export function timeQueriesPainted(page: Page, steps: QueryStep[]): Promise<{ shown: number; painted: number }[]> {
  return timeSteps(page, steps, true);
}

/** The fixed mix: a word typed letter by letter, words of the seed's filler, and every filter and sort. */
export const TYPING: QueryStep[] = [
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
].map((text) => ({ text }));

export const FILTERS: QueryStep[] = [
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
];
