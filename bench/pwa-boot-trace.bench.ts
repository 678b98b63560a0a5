// Where a cold start's time goes in the tab (issue 16: first board paint ≤ 500 ms at 4× CPU).
// BENCH_CACHED listings (1,000) are stored through the hub; every round closes every page (the
// hub SharedWorker ends), opens a fresh page throttled ×4 and records a Chromium trace until the
// board shows its first cards and its count. Printed per round: the renderer main thread's busy
// time by kind (HTML parse, style sheets, script compile and run, style and layout, paint) and
// the wait for the hub, seen from the tab's side — from the SharedWorker's construction to the
// first message on its port, and the hub's own start (its performance.timeOrigin) — so the
// hub's share (another engineer's side) is told apart from the tab's.
// Run: npx vite build && npx vitest run --config bench/vitest.config.ts bench/pwa-boot-trace.bench.ts

import type { BrowserContext, CDPSession } from "playwright-core";
import { afterAll, beforeAll, it } from "vitest";
import { launchBrowser, newUser, openBoard, startTestServer, type TestServer } from "../tests/e2e/harness.ts";
import { attachHub } from "./hub-cdp.ts";
import { bootProbe, whenNumber } from "./pwa-boot-probe.ts";
import { seedListings } from "./pwa-seed.ts";
import { report } from "./stats.ts";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CACHED = Number(process.env.BENCH_CACHED ?? 1_000);

interface TraceEvent {
  name: string;
  cat: string;
  ph: string;
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
  args?: { name?: string; data?: { url?: string; frame?: string } };
}

/** Main-thread events by kind; nested events are counted once, under the outermost kind. */
const KINDS: Record<string, string> = {
  ParseHTML: "HTML parse",
  ParseAuthorStyleSheet: "style sheets",
  "v8.compile": "script compile",
  "v8.compileModule": "script compile",
  "v8.produceModuleCache": "script compile",
  EvaluateScript: "script run",
  "v8.evaluateModule": "script run",
  FunctionCall: "script run",
  EventDispatch: "script run",
  TimerFire: "script run",
  FireAnimationFrame: "script run",
  RunMicrotasks: "script run",
  "V8.GC_SCAVENGER": "GC",
  MajorGC: "GC",
  MinorGC: "GC",
  UpdateLayoutTree: "style and layout",
  Layout: "style and layout",
  "LocalFrameView::updateStyleAndLayoutIfNeededRecursive": "style and layout",
  PrePaint: "paint",
  Paint: "paint",
  Layerize: "paint",
  UpdateLayer: "paint",
  "Document::updateStyle": "style and layout",
};

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
}

/**
 * Self time by function (BENCH_TASKS): before the hub's first answer (the tab's own start), from
 * it to the first cards, and the 1.5 s after them.
 */
function printSelfTime(profile: CpuProfile, answerAt: number, shown: number): void {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const windows: [string, Map<string, number>][] = [
    ["before the answer", new Map()],
    ["answer → cards", new Map()],
    ["after the cards", new Map()],
  ];
  // Sample times are µs on the monotonic clock; the first sample is at the navigation (close enough).
  let at = 0;
  profile.samples.forEach((id, i) => {
    at += (profile.timeDeltas[i] ?? 0) / 1000;
    const window = at < answerAt ? windows[0] : at < shown ? windows[1] : windows[2];
    const frame = byId.get(id)?.callFrame;
    if (!window || !frame) return;
    const name = `${frame.functionName || "(anonymous)"} ${frame.url.split("/").pop()}:${frame.lineNumber}`;
    window[1].set(name, (window[1].get(name) ?? 0) + (profile.timeDeltas[i + 1] ?? 0) / 1000);
  });
  for (const [label, times] of windows) {
    const top = [...times].sort((a, b) => b[1] - a[1]).slice(0, 14);
    console.log(`  self time, ${label}: ${top.map(([n, ms]) => `${n} ${ms.toFixed(0)}`).join("; ")}`);
  }
}

async function tracedColdStart(context: BrowserContext, url: string): Promise<Record<string, number>> {
  for (const open of context.pages()) await open.close();
  await new Promise((resolve) => setTimeout(resolve, 500));
  const page = await context.newPage();
  await page.addInitScript(bootProbe, `${CACHED.toLocaleString("en")} listings`);
  const cdp: CDPSession = await context.newCDPSession(page);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
  const events: TraceEvent[] = [];
  cdp.on("Tracing.dataCollected", (data) => {
    events.push(...(data.value as unknown as TraceEvent[]));
  });
  const done = new Promise<void>((resolve) => cdp.once("Tracing.tracingComplete", () => resolve()));
  await cdp.send("Tracing.start", {
    categories: "devtools.timeline,v8.execute,blink.user_timing,loading,disabled-by-default-devtools.timeline",
    transferMode: "ReportEvents",
  });
  if (process.env.BENCH_TASKS) {
    await cdp.send("Profiler.enable");
    await cdp.send("Profiler.setSamplingInterval", { interval: 200 });
    await cdp.send("Profiler.start");
  }
  await page.goto(url);
  const shown = await whenNumber(cdp, "window.__boot?.shownAt");
  const marks = (await cdp.send("Runtime.evaluate", {
    expression: `({
      fcp: performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? NaN,
      workerAt: window.__boot.workerAt ?? NaN,
      answerAt: window.__boot.answerAt ?? NaN,
      origin: performance.timeOrigin,
    })`,
    returnByValue: true,
  })) as { result: { value: { fcp: number; workerAt: number; answerAt: number; origin: number } } };
  const { fcp, workerAt, answerAt, origin } = marks.result.value;
  // The overscan and the radio's start follow the first cards: keep tracing a little for them.
  if (process.env.BENCH_TASKS) {
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    printSelfTime((await cdp.send("Profiler.stop")).profile as unknown as CpuProfile, answerAt, shown);
  }
  await cdp.send("Tracing.end");
  await done;
  const hub = await attachHub(context.browser() as NonNullable<ReturnType<BrowserContext["browser"]>>);
  const hubOrigin = (await hub?.timeOrigin()) ?? Number.NaN;
  // Performance marks a build adds while it is being traced (none are committed): the hub's and
  // the tab's on one clock, ms since navigation.
  const hubMarks = (await hub?.marks()) ?? [];
  await hub?.detach();
  const tabMarks = (
    (await cdp.send("Runtime.evaluate", {
      expression: "JSON.stringify(performance.getEntriesByType('mark').map((m) => [m.name, Math.round(m.startTime)]))",
      returnByValue: true,
    })) as { result: { value: string } }
  ).result.value;
  const timeline = [
    ...hubMarks.map(([name, at]) => [`hub:${name}`, Math.round(at + hubOrigin - origin)] as const),
    ...(JSON.parse(tabMarks) as [string, number][]),
  ].sort((a, b) => a[1] - b[1]);
  if (timeline.length) console.log(`marks, ms since navigation: ${timeline.map(([n, t]) => `${n}@${t}`).join(" ")}`);

  const navigation = events.find((e) => e.name === "navigationStart" && e.cat.includes("blink.user_timing"));
  const main = events.find(
    (e) => e.name === "thread_name" && e.args?.name === "CrRendererMain" && e.pid === navigation?.pid,
  );
  const start = navigation?.ts ?? 0;
  const end = start + shown * 1000;
  const busy: Record<string, number> = {};
  let coveredUntil = 0;
  const complete = events
    .filter((e) => e.ph === "X" && e.pid === main?.pid && e.tid === main?.tid && e.ts >= start && e.ts <= end)
    .sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
  for (const e of complete) {
    const kind = KINDS[e.name];
    if (!kind || e.ts < coveredUntil) continue;
    const until = Math.min(e.ts + (e.dur ?? 0), end);
    busy[kind] = (busy[kind] ?? 0) + (until - e.ts) / 1000;
    coveredUntil = until;
  }
  if (process.env.BENCH_TASKS) {
    // Every task over 30 ms until a second after the first cards (the overscan comes after them),
    // with what it spent most of its time in.
    const tasks = events.filter(
      (e) => e.name === "RunTask" && e.pid === main?.pid && e.tid === main?.tid && e.ts >= start && e.ts <= end + 1e6,
    );
    for (const task of tasks) {
      if ((task.dur ?? 0) < 30_000) continue;
      const until = task.ts + (task.dur ?? 0);
      const inside: Record<string, number> = {};
      for (const e of complete.length ? events : []) {
        if (e.ph !== "X" || e.pid !== task.pid || e.tid !== task.tid || e.ts < task.ts || e.ts >= until || e === task)
          continue;
        if (!KINDS[e.name] && e.name !== "FunctionCall") continue;
        const label = `${e.name}${e.args?.data?.url ? ` ${e.args.data.url.split("/").pop()}` : ""}`;
        inside[label] = (inside[label] ?? 0) + (e.dur ?? 0) / 1000;
      }
      const top = Object.entries(inside)
        .sort((a, b) => b[1] - a[1])
        .slice(0, 5)
        .map(([label, ms]) => `${label} ${ms.toFixed(0)}`);
      console.log(
        `  task at ${((task.ts - start) / 1000).toFixed(0)} ms, ${((task.dur ?? 0) / 1000).toFixed(0)} ms: ${top.join(", ")}`,
      );
    }
  }
  if (process.env.BENCH_VERBOSE) {
    for (const e of events.filter((x) => x.name === "ResourceSendRequest" || x.name === "ResourceFinish")) {
      if (e.ts < start || e.ts > end) continue;
      console.log(`  ${((e.ts - start) / 1000).toFixed(0)} ms  ${e.name} ${e.args?.data?.url ?? ""}`);
    }
    for (const e of complete) {
      if ((e.dur ?? 0) < 4000 || !KINDS[e.name]) continue;
      const at = ((e.ts - start) / 1000).toFixed(0);
      console.log(`  ${at} ms  ${e.name} ${((e.dur ?? 0) / 1000).toFixed(1)} ms ${e.args?.data?.url ?? ""}`);
    }
  }
  return {
    "first contentful paint": fcp,
    "hub worker constructed": workerAt,
    "hub started (its timeOrigin)": hubOrigin - origin,
    "hub's first answer reaches the tab": answerAt,
    "first cards and the count": shown,
    "the tab's share: first answer → first cards": shown - answerAt,
    ...Object.fromEntries(Object.entries(busy).map(([kind, ms]) => [`main thread busy: ${kind}`, ms])),
  };
}

let server: TestServer | undefined;
let browser: Awaited<ReturnType<typeof launchBrowser>>;

beforeAll(async () => {
  browser = await launchBrowser();
  server = await startTestServer();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

it(`a cold start's time in the tab, ${CACHED} listings cached, CPU ×4`, async () => {
  const url = (server as TestServer).url;
  const context = await newUser(browser);
  const page = await openBoard(context, url);
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await seedListings(page, CACHED);
  await server?.close();
  server = undefined;
  const rows: Record<string, number[]> = {};
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, ms] of Object.entries(await tracedColdStart(context, url)))
      rows[name] = [...(rows[name] ?? []), ms];
  }
  report(`A cold start in the tab, ${CACHED} listings cached, server stopped, CPU ×4 (ms since navigation)`, rows);
  await context.close();
});
