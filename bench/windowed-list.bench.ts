// The board's windowed list with 10,000 listings stored (issue 16). Run: npm run bench, or
// npx vite build && npx vitest run --config bench/vitest.config.ts bench/windowed-list.bench.ts
//  1. Layout shift while the board opens and the hub answers (PerformanceObserver
//     "layout-shift", without recent input: the CLS a visitor feels), at phone and desktop size.
//  2. Scrolling from the newest listing to the oldest: long tasks over 50 ms
//     (PerformanceObserver "longtask") and the most <article> elements in the DOM at any step.

import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { launchBrowser, openBoard, startTestServer, type TestServer } from "../tests/e2e/harness.ts";
import { seedListings } from "./pwa-seed.ts";

const STORED = Number(process.env.BENCH_STORED ?? 10_000);
/** Pixels scrolled per animation frame: a fast fling, so the window has to keep up. */
const STEP = Number(process.env.BENCH_SCROLL_STEP ?? 1_500);

let server: TestServer;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let context: BrowserContext;

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 360, height: 740 } });
  context.setDefaultTimeout(120_000);
  // Skip the first-visit name question: it is not what is measured here.
  await context.addInitScript(() => localStorage.setItem("peerboard-name-asked", "1"));
  await seedListings(await openBoard(context, server.url), STORED);
}, 600_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await server?.close();
});

/** Opens the board with the observers installed before any of the app's code runs. */
async function observedBoard(viewport: { width: number; height: number }): Promise<Page> {
  const page = await context.newPage();
  await page.setViewportSize(viewport);
  await page.addInitScript(() => {
    type Shift = PerformanceEntry & {
      value: number;
      hadRecentInput: boolean;
      sources: { node?: Node | null }[];
    };
    type Frame = PerformanceEntry & {
      blockingDuration: number;
      scripts: { duration: number; invoker: string; sourceURL: string; sourceFunctionName: string }[];
    };
    const marks = window as unknown as {
      shift: number;
      longTasks: [number, number][];
      shifts: string[];
      longFrames: [number, string][];
    };
    marks.shift = 0;
    marks.longTasks = [];
    marks.shifts = [];
    marks.longFrames = [];
    // Long animation frames name the scripts that ran in them: what a long task was spent on.
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries() as Frame[]) {
        if (entry.duration <= 50) continue;
        const scripts = [...entry.scripts]
          .sort((a, b) => b.duration - a.duration)
          .slice(0, 3)
          .map(
            (x) =>
              `${Math.round(x.duration)} ms ${x.invoker} ${x.sourceFunctionName || "?"} ${x.sourceURL.split("/").pop()}`,
          );
        marks.longFrames.push([
          entry.startTime,
          `${Math.round(entry.duration)} ms frame, ${Math.round(entry.blockingDuration)} ms blocking: ${scripts.join("; ") || "no script (style, layout, paint)"}`,
        ]);
      }
    }).observe({ type: "long-animation-frame", buffered: true });
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries() as Shift[]) {
        if (entry.hadRecentInput) continue;
        marks.shift += entry.value;
        // What moved, for BENCH_VERBOSE: the first few nodes' tag and class.
        const what = entry.sources.map((s) => {
          const node = s.node as Element | null | undefined;
          return node ? `${node.nodeName.toLowerCase()}.${node.className || ""}` : "?";
        });
        marks.shifts.push(`${Math.round(entry.startTime)} ms ${entry.value.toFixed(3)} ${what.join(", ")}`);
      }
    }).observe({ type: "layout-shift", buffered: true });
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) marks.longTasks.push([entry.startTime, entry.duration]);
    }).observe({ type: "longtask", buffered: true });
  });
  await page.goto(server.url);
  await page.getByText(`${STORED.toLocaleString("en")} listings`).waitFor();
  await page.locator("article").first().waitFor();
  // Photos, names and the network line settle: shifts after this are still counted.
  await page.waitForTimeout(1_500);
  return page;
}

it(`layout shift while the board opens, ${STORED} listings stored`, async () => {
  const rows: string[] = [];
  for (const viewport of [
    { width: 360, height: 740 },
    { width: 1280, height: 800 },
  ]) {
    const page = await observedBoard(viewport);
    const { shift, shifts } = await page.evaluate(() => {
      const marks = window as unknown as { shift: number; shifts: string[] };
      return { shift: marks.shift, shifts: marks.shifts };
    });
    if (process.env.BENCH_VERBOSE) console.log(viewport.width, shifts.join("\n"));
    rows.push(`| ${viewport.width}×${viewport.height} | ${shift.toFixed(3)} |`);
    await page.close();
  }
  console.log(["\nCumulative layout shift, board opening", "| viewport | CLS |", "| --- | --- |", ...rows].join("\n"));
});

it(`scrolling through ${STORED} listings: long tasks and articles in the DOM`, async () => {
  const rows: string[] = [];
  for (const viewport of [
    { width: 360, height: 740 },
    { width: 1280, height: 800 },
  ]) {
    const page = await observedBoard(viewport);
    const result = await page.evaluate(async (step) => {
      const marks = window as unknown as { longTasks: [number, number][]; longFrames: [number, string][] };
      const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
      let most = 0;
      let frames = 0;
      const started = performance.now();
      const bottom = () => document.scrollingElement?.scrollHeight ?? 0;
      while (scrollY + innerHeight < bottom() - 2) {
        scrollBy(0, step);
        await frame();
        frames++;
        most = Math.max(most, document.querySelectorAll("article").length);
      }
      // The oldest listing must come into view once the list's pages arrive at the end.
      const titles = () => [...document.querySelectorAll("article h3")].map((h) => h.textContent);
      const deadline = performance.now() + 10_000;
      while (!titles().includes("Seeded listing 0") && performance.now() < deadline) await frame();
      return {
        frames,
        seconds: (performance.now() - started) / 1000,
        most,
        reachedOldest: titles().includes("Seeded listing 0"),
        // Where the window stood at the end, to tell a missing page from a wrong range.
        end: `${titles().slice(-3).join(", ")}; scrollY ${Math.round(scrollY)}, page ${bottom()}, window ${(document.querySelector(".window") as HTMLElement | null)?.style.height}`,
        // Only tasks that began while scrolling: the board's own start is not what is measured.
        longTasks: marks.longTasks.filter(([start]) => start >= started).map(([, duration]) => duration),
        longFrames: marks.longFrames.filter(([start]) => start >= started).map(([, what]) => what),
      };
    }, STEP);
    const over50 = result.longTasks.filter((d) => d > 50);
    if (!result.reachedOldest || process.env.BENCH_VERBOSE)
      console.log(`${viewport.width} px, at the end: ${result.end}`);
    // Every long frame while scrolling, with the scripts it ran: what to look at when one shows.
    for (const what of result.longFrames) console.log(`${viewport.width} px: ${what}`);
    rows.push(
      `| ${viewport.width}×${viewport.height} | ${result.frames} | ${result.seconds.toFixed(1)} s | ${result.most} | ` +
        `${over50.length} | ${Math.round(Math.max(0, ...result.longTasks))} ms | ${result.reachedOldest ? "yes" : "no"} |`,
    );
    expect(result.most).toBeLessThanOrEqual(200);
    expect(result.reachedOldest).toBe(true);
    await page.close();
  }
  console.log(
    [
      `\nScrolling newest → oldest, ${STEP} px a frame`,
      "| viewport | frames | time | most articles in DOM | long tasks > 50 ms | longest task | oldest reached |",
      "| --- | --- | --- | --- | --- | --- | --- |",
      ...rows,
    ].join("\n"),
  );
});
