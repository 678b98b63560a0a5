// 100,000 listings stored (issue 16, "Big boards on old phones"): cold starts of a tab whose hub
// holds them, the page CPU-throttled ×4 (Emulation.setCPUThrottlingRate; the hub, a
// SharedWorker, runs at the machine's speed: CDP throttles pages). Measured:
//  - first board paint: navigation → the board's first cards and its count of every listing
//    (polled by the test every frame, and again timed by the page itself with no polling);
//  - first search answer after the hub starts: the hub's performance.timeOrigin → the Search
//    view's first result count (a cold start at #/search);
//  - search p95 over the fixed query mix of bench/search-timing.ts, in the throttled tab;
//  - JS heap of the tab and of the hub after GC.
// Run: npm run bench, or BENCH_BIG=… for another size.

import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { launchBrowser, newUser, openBoard, startTestServer, type TestServer } from "../tests/e2e/harness.ts";
import { attachHub } from "./hub-cdp.ts";
import { bootProbe, whenNumber } from "./pwa-boot-probe.ts";
import { FILTERS, seedSearchListings, TYPING, timeQueries, timeQueriesPainted } from "./search-timing.ts";
import { report } from "./stats.ts";

const STORED = Number(process.env.BENCH_BIG ?? 100_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const COUNT_TEXT = `${STORED.toLocaleString("en")} listings`;

let server: TestServer;
let browser: Awaited<ReturnType<typeof launchBrowser>>;

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/**
 * Closes every page (the hub SharedWorker ends with the last), then opens `hash` throttled ×4;
 * with `probe`, the page times itself showing that count (bench/pwa-boot-probe.ts).
 */
async function coldPage(context: BrowserContext, hash: string, probe?: string): Promise<Page> {
  for (const open of context.pages()) await open.close();
  await new Promise((resolve) => setTimeout(resolve, 500));
  const page = await context.newPage();
  if (probe) await page.addInitScript(bootProbe, probe);
  const cdp = await context.newCDPSession(page);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
  await page.goto(new URL(hash, server.url).href);
  return page;
}

/** Waits, polling every frame, for `selector`'s text to be `text` and an article to show; ms since navigation. */
function shownAt(page: Page, selector: string, text: RegExp | string): Promise<number> {
  return page
    .waitForFunction(
      ({ selector, source, literal }) => {
        const shown = document.querySelector(selector)?.textContent ?? "";
        const ok = literal !== null ? shown === literal : new RegExp(source).test(shown);
        return ok && document.querySelector("article") !== null ? performance.now() : false;
      },
      { selector, source: text instanceof RegExp ? text.source : "", literal: typeof text === "string" ? text : null },
      { polling: "raf", timeout: 120_000 },
    )
    .then((handle) => handle.jsonValue() as Promise<number>);
}

it(`${STORED.toLocaleString("en")} listings stored: cold start, first search answer, search p95, heap`, async () => {
  const context = await newUser(browser);
  context.setDefaultTimeout(120_000);
  // The service worker and the schema first, then the listings with no hub running.
  const first = await openBoard(context, server.url);
  await first.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await first.close();
  await new Promise((resolve) => setTimeout(resolve, 500));
  const seedStarted = performance.now();
  expect(await seedSearchListings(context, server.url, STORED)).toBe(STORED);
  console.log(`seeded ${STORED} listings in ${Math.round(performance.now() - seedStarted)} ms`);
  // One start that sees them all (and keeps whatever it keeps for the next start).
  const warm = await openBoard(context, server.url);
  await shownAt(warm, ".listing-count", COUNT_TEXT);
  await new Promise((resolve) => setTimeout(resolve, 3_000));

  // The first board paint timed by the page itself (no test script polling in the throttled page),
  // and when the hub's first answer reached it: what is left after that is the tab's. Before the
  // rounds below, whose last page (the Search view) the search timing uses.
  const boardInPage: number[] = [];
  const hubAnswer: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const page = await coldPage(context, "/", COUNT_TEXT);
    const cdp = await context.newCDPSession(page);
    boardInPage.push(await whenNumber(cdp, "window.__boot?.shownAt", 120_000));
    hubAnswer.push(await whenNumber(cdp, "window.__boot?.answerAt ?? -1"));
  }
  const board: number[] = [];
  const answer: number[] = [];
  const answerFromNavigation: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    board.push(await shownAt(await coldPage(context, "/"), ".listing-count", COUNT_TEXT));
    const page = await coldPage(context, "/#/search");
    const at = await shownAt(page, ".result-count", COUNT_TEXT);
    const pageOrigin = await page.evaluate(() => performance.timeOrigin);
    const hub = await attachHub(browser);
    const hubOrigin = (await hub?.timeOrigin()) ?? Number.NaN;
    const hubMarks = (await hub?.marks()) ?? [];
    const tabMarks = (await page.evaluate(() =>
      performance.getEntriesByType("mark").map((m) => [m.name, Math.round(m.startTime)]),
    )) as [string, number][];
    const shift = pageOrigin - hubOrigin;
    const timeline = [...hubMarks, ...tabMarks.map(([n, t]) => [n, Math.round(t + shift)] as [string, number])]
      .sort((a, b) => a[1] - b[1])
      .map(([n, t]) => `${n}@${t}`);
    if (timeline.length) console.log(`hub timeline, ms since the hub started: ${timeline.join(" ")}`);
    await hub?.detach();
    answerFromNavigation.push(at);
    answer.push(pageOrigin + at - hubOrigin);
  }
  report(`Cold start with ${STORED.toLocaleString("en")} listings stored, tab CPU ×4`, {
    [`first board paint (first cards and "${COUNT_TEXT}")`]: board,
    "first board paint, timed in the page (no polling)": boardInPage,
    "the hub's first answer reaches the tab (same rounds)": hubAnswer,
    "first search answer after the hub starts": answer,
    "first search answer after navigation": answerFromNavigation,
  });

  const page = context.pages()[0] as Page;
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  const samples: Record<string, number[]> = { "type a word (each keystroke)": [], "change a filter or sort": [] };
  for (let round = 0; round < ROUNDS; round++) {
    samples["type a word (each keystroke)"]?.push(...(await timeQueries(page, TYPING)));
    samples["change a filter or sort"]?.push(...(await timeQueries(page, FILTERS)));
  }
  samples["the whole mix"] = [
    ...(samples["type a word (each keystroke)"] ?? []),
    ...(samples["change a filter or sort"] ?? []),
  ];
  report(`Search over ${STORED.toLocaleString("en")} listings, tab CPU ×4 (input event → results rendered)`, samples);
  // One more pass of the mix, each step until the frame after its results is painted.
  const painted = await timeQueriesPainted(page, [...TYPING, ...FILTERS]);
  report(`Search over ${STORED.toLocaleString("en")} listings, tab CPU ×4, a step at a time`, {
    "input → results rendered": painted.map((t) => t.shown),
    "input → the frame after them painted": painted.map((t) => t.painted),
  });
  // The same mix with the tab at full speed: how much of it is the hub's answer.
  await (await context.newCDPSession(page)).send("Emulation.setCPUThrottlingRate", { rate: 1 });
  const fast: number[] = [];
  for (let round = 0; round < ROUNDS; round++) fast.push(...(await timeQueries(page, [...TYPING, ...FILTERS])));
  report(`Search over ${STORED.toLocaleString("en")} listings, tab unthrottled`, { "the whole mix": fast });

  const boardPage = await coldPage(context, "/");
  await shownAt(boardPage, ".listing-count", COUNT_TEXT);
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  const tabCdp = await context.newCDPSession(boardPage);
  await tabCdp.send("HeapProfiler.collectGarbage");
  const tab = Number(((await tabCdp.send("Runtime.getHeapUsage")) as { usedSize: number }).usedSize);
  const hubTarget = await attachHub(browser);
  const hub = (await hubTarget?.heapUsed()) ?? Number.NaN;
  await hubTarget?.detach();
  report(
    `JS heap after GC with ${STORED.toLocaleString("en")} listings stored (board open)`,
    { "hub (SharedWorker)": [hub / 2 ** 20], "one tab": [tab / 2 ** 20] },
    "MiB",
  );
  await context.close();
});
