// Lighthouse on the mobile preset (12.2.3; simulated slow 4G, 4× CPU): performance score and
// cumulative layout shift of the board, for a first visit (storage cleared by Lighthouse) and
// for a returning user with 1,000 listings stored. Run: npm run bench (or this file alone with
// `npx vitest run --config bench/vitest.config.ts bench/lighthouse.bench.ts` after vite build).
// Targets (issue "Big boards on old phones"): CLS ≤ 0.05, performance ≥ 0.95.

import { afterAll, beforeAll, expect, it } from "vitest";
import { openBoard, startTestServer, type TestServer } from "../tests/e2e/harness.ts";
import { type DebuggableChromium, runLighthouse, startDebuggableChromium } from "../tests/support/lighthouse.ts";
import { seedListings } from "./pwa-seed.ts";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const STORED = Number(process.env.BENCH_STORED ?? 1_000);

let server: TestServer;
let chromium: DebuggableChromium;

beforeAll(async () => {
  server = await startTestServer();
  chromium = await startDebuggableChromium();
});

afterAll(async () => {
  await chromium?.close();
  await server?.close();
});

const METRICS = [
  ["first-contentful-paint", "FCP ms"],
  ["largest-contentful-paint", "LCP ms"],
  ["total-blocking-time", "TBT ms"],
  ["cumulative-layout-shift", "CLS"],
] as const;

function table(title: string, runs: Awaited<ReturnType<typeof runLighthouse>>[]): string {
  const lines = [
    `\n${title}`,
    "| run | performance | FCP ms | LCP ms | TBT ms | CLS |",
    "| --- | --- | --- | --- | --- | --- |",
  ];
  runs.forEach((run, i) => {
    const cells = METRICS.map(([id, label]) => {
      const value = run.numeric[id] ?? Number.NaN;
      return label === "CLS" ? value.toFixed(3) : String(Math.round(value));
    });
    lines.push(`| ${i + 1} | ${(run.scores.performance ?? 0).toFixed(2)} | ${cells.join(" | ")} |`);
  });
  // What the total blocking time is made of: each long task's start, length and script.
  runs.forEach((run, i) => {
    const tasks = run.longTasks.map(
      (t) => `${Math.round(t.startTime)}+${Math.round(t.duration)} ${t.url.split("/").pop()}`,
    );
    lines.push(`run ${i + 1} long tasks (start+ms, simulated): ${tasks.join(", ") || "none"}`);
  });
  return lines.join("\n");
}

it("first visit: performance and layout shift on the mobile preset", async () => {
  const runs = [];
  for (let i = 0; i < ROUNDS; i++) runs.push(await runLighthouse(chromium.port, server.url, ["performance"], false));
  console.log(table("Lighthouse mobile, first visit (storage cleared)", runs));
  for (const run of runs) expect(run.scores.performance).toBeGreaterThan(0);
}, 600_000);

it(`returning user with ${STORED.toLocaleString("en")} listings stored`, async () => {
  const context = chromium.browser.contexts()[0];
  if (!context) throw new Error("Chromium started without its default context");
  context.setDefaultTimeout(120_000);
  await seedListings(await openBoard(context, server.url), STORED);
  // Another tab of the origin open during the audit breaks Lighthouse's trace (NO_NAVSTART).
  for (const page of context.pages()) await page.close();
  const runs = [];
  for (let i = 0; i < ROUNDS; i++) runs.push(await runLighthouse(chromium.port, server.url, ["performance"], true));
  console.log(table(`Lighthouse mobile, returning user, ${STORED.toLocaleString("en")} listings stored`, runs));
  for (const run of runs) expect(run.scores.performance).toBeGreaterThan(0);
}, 900_000);
