// Where a search's time goes in the tab at 4× CPU (issue 16: search p95 ≤ 50 ms). BENCH_BIG
// listings (20,000; the tab's share does not grow with the board, a page of results is a page)
// are seeded with no hub running; the Search view opens cold, throttled ×4, and the fixed query
// mix of bench/search-timing.ts runs under a Chromium trace and a CPU profile. Printed: each
// step's time to its results (the bench's own measure) and to the next frame after them, the
// renderer main thread's busy time by kind over the mix, the functions with the most self time,
// and any count the results line showed in between (a step must go from one answer to the next),
// each step's time by name, and how many searches the tab asked the hub over the traced steps.
// Env: BENCH_GAP=ms waits that long after each step's next frame (a person typing); BENCH_MIX=1
// runs the steps back to back as big-board's mix does (no frame, no gap); BENCH_TIMELINE=n prints
// the first n steps' main-thread tasks (BENCH_TIMELINE_ALL=1: every event of the long ones);
// BENCH_TRACE_FILE=path writes the raw trace.
// Run: npx vite build && npx vitest run --config bench/vitest.config.ts bench/search-trace.bench.ts

import { writeFileSync } from "node:fs";
import type { CDPSession, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { launchBrowser, newUser, openBoard, startTestServer, type TestServer } from "../tests/e2e/harness.ts";
import { FILTERS, type QueryStep, seedSearchListings, TYPING } from "./search-timing.ts";
import { report } from "./stats.ts";
import { printStepTasks, type TraceEvent } from "./trace-tasks.ts";

const STORED = Number(process.env.BENCH_BIG ?? 20_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
}

const KINDS: Record<string, string> = {
  FunctionCall: "script",
  EventDispatch: "script",
  TimerFire: "script",
  FireAnimationFrame: "script",
  RunMicrotasks: "script",
  "v8.callFunction": "script",
  MajorGC: "GC",
  MinorGC: "GC",
  UpdateLayoutTree: "style",
  Layout: "layout",
  PrePaint: "paint",
  Paint: "paint",
  Layerize: "paint",
};

/** Runs `steps` in the page; per step: ms to the results' query changing, to the next frame, and the counts shown. */
function runSteps(page: Page, steps: QueryStep[]) {
  return page.evaluate(async (steps) => {
    const control = (label: string) => {
      const l = [...document.querySelectorAll("label")].find((x) => x.textContent === label) as HTMLLabelElement;
      return document.getElementById(l.htmlFor) as HTMLInputElement | HTMLSelectElement;
    };
    const params = new URLSearchParams(location.search);
    const mix = params.has("mix");
    const out: { shown: number; frame: number; counts: string[] }[] = [];
    for (const step of steps) {
      const results = document.querySelector(".search-results .window") as HTMLElement;
      const count = document.querySelector(".result-count") as HTMLElement;
      const before = results.dataset.query;
      const counts: string[] = [];
      const seen = new MutationObserver(() => counts.push(count.textContent ?? ""));
      seen.observe(count, { childList: true, characterData: true, subtree: true });
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
      performance.mark("step-start");
      const [label, value, event] =
        step.text !== undefined
          ? ["Search", step.text, "input"]
          : step.select
            ? [...step.select, "change"]
            : [...(step.field as [string, string]), "input"];
      const box = control(label as string);
      box.value = value as string;
      box.dispatchEvent(new Event(event as string));
      await done;
      const shown = performance.now() - started;
      performance.mark("step-shown");
      // Back to back (BENCH_MIX=1), as big-board's mix runs them: the next step starts at once.
      if (!mix) await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
      performance.mark("step-frame");
      out.push({ shown, frame: performance.now() - started, counts });
      // Let the list's deferred work of this step settle, as a person typing would (not in the mix).
      if (!mix) await new Promise((resolve) => setTimeout(resolve, Number(params.get("gap") ?? 0)));
      seen.disconnect();
    }
    return out;
  }, steps);
}

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

it(`search in the tab at ×4, ${STORED} listings: traced`, async () => {
  const context = await newUser(browser);
  context.setDefaultTimeout(120_000);
  const first = await openBoard(context, server.url);
  await first.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await first.close();
  await new Promise((resolve) => setTimeout(resolve, 500));
  expect(await seedSearchListings(context, server.url, STORED)).toBe(STORED);
  const page = await context.newPage();
  // Counts the hub searches the tab asks (Comlink's calls over the hub's port): a deterministic
  // measure of the work a step leaves behind, whatever the machine's load.
  await page.addInitScript(() => {
    const post = MessagePort.prototype.postMessage;
    const counter = window as unknown as { __searchAsks: number };
    counter.__searchAsks = 0;
    MessagePort.prototype.postMessage = function (this: MessagePort, ...args: Parameters<MessagePort["postMessage"]>) {
      const data = args[0] as { type?: string; path?: string[] } | null;
      if (data?.type === "APPLY" && data.path?.[0] === "search") counter.__searchAsks++;
      return post.apply(this, args);
    } as MessagePort["postMessage"];
  });
  if (process.env.BENCH_VIEWPORT) {
    const [width, height] = process.env.BENCH_VIEWPORT.split("x").map(Number);
    await page.setViewportSize({ width: width as number, height: height as number });
  }
  const cdp: CDPSession = await context.newCDPSession(page);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
  const mix = process.env.BENCH_MIX ? "&mix" : "";
  await page.goto(new URL(`/?gap=${process.env.BENCH_GAP ?? 0}${mix}#/search`, server.url).href);
  await page.waitForFunction(
    (text) => document.querySelector(".result-count")?.textContent === text,
    `${STORED.toLocaleString("en")} listings`,
    { timeout: 120_000 },
  );
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  await runSteps(page, [...TYPING, ...FILTERS]);

  const events: TraceEvent[] = [];
  cdp.on("Tracing.dataCollected", (data) => {
    events.push(...(data.value as unknown as TraceEvent[]));
  });
  const traced = new Promise<void>((resolve) => cdp.once("Tracing.tracingComplete", () => resolve()));
  await cdp.send("Tracing.start", {
    categories: "devtools.timeline,v8.execute,blink.user_timing,disabled-by-default-devtools.timeline",
    transferMode: "ReportEvents",
  });
  await cdp.send("Profiler.enable");
  await cdp.send("Profiler.setSamplingInterval", { interval: 200 });
  await cdp.send("Profiler.start");
  const steps: { shown: number; frame: number; counts: string[] }[] = [];
  const asksBefore = await page.evaluate(() => (window as unknown as { __searchAsks: number }).__searchAsks);
  for (let round = 0; round < ROUNDS; round++) steps.push(...(await runSteps(page, [...TYPING, ...FILTERS])));
  const asks = (await page.evaluate(() => (window as unknown as { __searchAsks: number }).__searchAsks)) - asksBefore;
  const { profile } = (await cdp.send("Profiler.stop")) as unknown as {
    profile: { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
  };
  await cdp.send("Tracing.end");
  await traced;
  // The raw trace, for a closer look (chrome://tracing or a script).
  if (process.env.BENCH_TRACE_FILE) writeFileSync(process.env.BENCH_TRACE_FILE, JSON.stringify(events));

  report(`Search in the tab, ${STORED} listings, CPU ×4`, {
    "input → results (the bench's measure)": steps.map((s) => s.shown),
    "input → the next frame after them": steps.map((s) => s.frame),
  });
  // Each step of the mix by name, over the rounds: which steps are the slow ones.
  const named = [...TYPING, ...FILTERS].map((step) => JSON.stringify(step.text ?? step.select ?? step.field));
  report(
    "Input → results, by step",
    Object.fromEntries(
      named.map((name, i) => [`${i + 1}. ${name}`, steps.filter((_, j) => j % named.length === i).map((s) => s.shown)]),
    ),
  );
  console.log(`hub searches asked over the traced steps: ${asks} (${steps.length} steps)`);
  const between = steps.filter((s) => s.counts.length > 1);
  console.log(`steps whose count changed more than once: ${between.length} of ${steps.length}`);
  for (const s of between.slice(0, 8)) console.log(`  ${s.counts.join(" → ")}`);

  const main = events.find((e) => e.name === "thread_name" && e.args?.name === "CrRendererMain");
  const complete = events
    .filter((e) => e.ph === "X" && e.pid === main?.pid && e.tid === main?.tid)
    .sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
  const busy: Record<string, number> = {};
  let coveredUntil = 0;
  let long = 0;
  for (const e of complete) {
    if (e.name === "RunTask" && (e.dur ?? 0) > 50_000) long++;
    const kind = KINDS[e.name];
    if (!kind || e.ts < coveredUntil) continue;
    busy[kind] = (busy[kind] ?? 0) + (e.dur ?? 0) / 1000;
    coveredUntil = e.ts + (e.dur ?? 0);
  }
  console.log(
    `main thread busy over ${steps.length} steps (ms): ${JSON.stringify(busy, (_, v) => (typeof v === "number" ? Math.round(v) : v))}; tasks over 50 ms: ${long}`,
  );

  // Per step: the main thread's busy time by kind from the input to the results, and from them to the next frame.
  const marks = events
    .filter((e) => e.name.startsWith("step-") && e.ph !== "X" && e.pid === main?.pid)
    .sort((a, b) => a.ts - b.ts);
  const phases: Record<string, number[]> = {};
  for (let i = 0; i + 2 < marks.length; i++) {
    if (marks[i]?.name !== "step-start") continue;
    const [a, b, c] = [marks[i]?.ts ?? 0, marks[i + 1]?.ts ?? 0, marks[i + 2]?.ts ?? 0];
    for (const [phase, from, to] of [
      ["to results", a, b],
      ["to frame", b, c],
    ] as const) {
      const sums: Record<string, number> = {};
      let until = 0;
      for (const e of complete) {
        const kind = KINDS[e.name];
        if (!kind || e.ts < from || e.ts >= to || e.ts < until) continue;
        sums[kind] = (sums[kind] ?? 0) + (e.dur ?? 0) / 1000;
        until = e.ts + (e.dur ?? 0);
      }
      const busyMs = Object.values(sums).reduce((x, y) => x + y, 0);
      for (const [kind, ms] of Object.entries({
        ...sums,
        "busy (all kinds)": busyMs,
        "idle (waiting)": (to - from) / 1000 - busyMs,
      }))
        phases[`${phase}: ${kind}`] = [...(phases[`${phase}: ${kind}`] ?? []), ms];
    }
  }
  report("Per step, main thread (ms)", phases);
  if (process.env.BENCH_TIMELINE) printStepTasks(complete, marks, KINDS, Number(process.env.BENCH_TIMELINE));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const byFunction = new Map<string, number>();
  for (const node of profile.nodes) {
    const { functionName, url, lineNumber, columnNumber } = node.callFrame;
    // Line and column in the built file: dist/assets/*.js.map names the source.
    const name = `${functionName || "(anonymous)"} ${url.split("/").pop()}:${lineNumber}:${columnNumber}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + (self.get(node.id) ?? 0) / 1000);
  }
  const top = [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, Number(process.env.BENCH_TOP ?? 25));
  for (const [name, ms] of top) console.log(`  ${ms.toFixed(0).padStart(6)} ms  ${name}`);
  if (process.env.BENCH_CALLERS) {
    // Who calls the named functions, by self time (BENCH_CALLERS=postMessage,remove).
    const parent = new Map<number, ProfileNode>();
    for (const node of profile.nodes as (ProfileNode & { children?: number[] })[])
      for (const child of node.children ?? []) parent.set(child, node);
    for (const wanted of process.env.BENCH_CALLERS.split(",")) {
      const callers = new Map<string, number>();
      for (const node of profile.nodes) {
        if (node.callFrame.functionName !== wanted) continue;
        let chain = "";
        let up = parent.get(node.id);
        for (let depth = 0; up && depth < 4; depth++, up = parent.get(up.id))
          chain += ` < ${up.callFrame.functionName || "(anonymous)"}:${up.callFrame.lineNumber}`;
        callers.set(chain, (callers.get(chain) ?? 0) + (self.get(node.id) ?? 0) / 1000);
      }
      for (const [chain, ms] of [...callers].sort((a, b) => b[1] - a[1]).slice(0, 5))
        console.log(`  ${wanted} ${ms.toFixed(0)} ms${chain}`);
    }
  }
  await context.close();
});
