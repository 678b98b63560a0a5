// Footprint and cold start for old phones (issue 7). Run: npm run bench.
//  1. Gzip bytes of JS/CSS the page needs before its first paint, per chunk (static analysis of
//     dist/: index.html's script and stylesheet, the app and board chunks the entry loads at once,
//     and their static imports).
//  2. First paint and time to 1,000 listings visible, from the service worker cache and
//     IndexedDB with the server stopped, Chromium CPU throttled ×4 (Emulation.setCPUThrottlingRate).
//  3. JS heap of the hub (SharedWorker) and of one tab with 10,000 listings stored.

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import type { Browser, BrowserContext, CDPSession, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { DEFAULT_DIST } from "../server/server.js";
import { launchBrowser, newUser, openBoard, startTestServer, type TestServer } from "../tests/e2e/harness.ts";
import { seedListings } from "./pwa-seed.ts";
import { report } from "./stats.ts";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const CACHED = Number(process.env.BENCH_CACHED ?? 1_000);
const STORED = Number(process.env.BENCH_STORED ?? 10_000);

let browser: Browser;
let server: TestServer | undefined;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const gzipBytes = (file: string) => gzipSync(readFileSync(join(DEFAULT_DIST, file)), { level: 9 }).length;

/** The files a chunk imports statically (`import … from "./x.js"`), not `import("./x.js")`. */
function staticImports(file: string): string[] {
  const code = readFileSync(join(DEFAULT_DIST, file), "utf8");
  const found = [...code.matchAll(/(?:from|import)\s*"\.\/([\w.-]+\.js)"/g)].map((m) => `assets/${m[1]}`);
  return [...new Set(found)];
}

/**
 * The chunks a cold start loads before the board's first paint, though the entry imports them
 * dynamically: the app with its board (main-*.js and app-*.js, loaded by boot.ts at once).
 */
const BOARD_CHUNKS = /^(main|app)-[\w-]+\.js$/;

it("bytes of JS and CSS before first paint (gzip), per chunk", () => {
  const html = readFileSync(join(DEFAULT_DIST, "index.html"), "utf8");
  const roots = [...html.matchAll(/(?:src|href)="\/(assets\/[\w.-]+\.(?:js|css))"/g)].map((m) => m[1] as string);
  roots.push(
    ...readdirSync(join(DEFAULT_DIST, "assets"))
      .filter((f) => BOARD_CHUNKS.test(f))
      .map((f) => `assets/${f}`),
  );
  const needed = new Set<string>();
  const visit = (file: string) => {
    if (needed.has(file)) return;
    needed.add(file);
    if (file.endsWith(".js")) for (const next of staticImports(file)) visit(next);
  };
  for (const root of roots) visit(root);
  const all = readdirSync(join(DEFAULT_DIST, "assets")).filter((f) => /\.(js|css)$/.test(f));
  const lines = [
    "\nChunks (gzip -9 bytes)",
    "| chunk | needed before first paint | gzip bytes |",
    "| --- | --- | --- |",
  ];
  let total = 0;
  for (const file of all.map((f) => `assets/${f}`).sort()) {
    const bytes = gzipBytes(file);
    if (needed.has(file)) total += bytes;
    lines.push(`| ${file} | ${needed.has(file) ? "yes" : "no (lazy or worker)"} | ${bytes} |`);
  }
  lines.push(`| **total before first paint** | | **${total}** (${(total / 1024).toFixed(1)} KB) |`);
  console.log(lines.join("\n"));
  expect(total).toBeLessThan(60 * 1024);
});

async function heapUsed(cdp: CDPSession): Promise<number> {
  await cdp.send("HeapProfiler.collectGarbage");
  const { usedSize } = (await cdp.send("Runtime.getHeapUsage")) as { usedSize: number };
  return usedSize;
}

/** Closes every page so the hub SharedWorker ends, then opens one throttled and times it. */
async function coldStart(
  context: BrowserContext,
  url: string,
): Promise<{ paint: number; shell: number; listings: number }> {
  for (const open of context.pages()) await open.close();
  await new Promise((resolve) => setTimeout(resolve, 500));
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
  await page.goto(url);
  // Polled every frame: notes when the shell has the hub's first answer (the peer id on #app),
  // then waits for the board's first screen of cards and its count of every stored listing (the
  // board is a window of cards, never one article per listing).
  await page.waitForFunction(
    (n) => {
      const marks = window as unknown as { shellAt?: number };
      if (!marks.shellAt && document.querySelector("#app[data-peer-id]")) marks.shellAt = performance.now();
      const counted = document.querySelector(".listing-count")?.textContent === `${n.toLocaleString("en")} listings`;
      return counted && document.querySelector("article") !== null;
    },
    CACHED,
    { polling: "raf", timeout: 60_000 },
  );
  return page.evaluate(() => ({
    paint: performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? Number.NaN,
    shell: (window as unknown as { shellAt?: number }).shellAt ?? Number.NaN,
    listings: performance.now(),
  }));
}

it(`first paint and ${CACHED} cached listings visible, offline, CPU ×4`, async () => {
  server = await startTestServer();
  const { url } = server;
  const context = await newUser(browser);
  const page = await openBoard(context, url);
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await seedListings(page, CACHED);
  await server.close();
  server = undefined;

  const paint: number[] = [];
  const shell: number[] = [];
  const visible: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const times = await coldStart(context, url);
    paint.push(times.paint);
    shell.push(times.shell);
    visible.push(times.listings);
  }
  report(`Cold start from cache, server stopped, CPU throttled ×4, ${CACHED} listings`, {
    "first contentful paint": paint,
    "shell with the hub's first answer": shell,
    [`first cards and "${CACHED.toLocaleString("en")} listings"`]: visible,
  });
  await context.close();
});

it(`memory with ${STORED} listings stored`, async () => {
  server = await startTestServer();
  const context = await newUser(browser);
  await seedListings(await openBoard(context, server.url), STORED);
  const page: Page = await openBoard(context, server.url);
  await page.waitForFunction(
    (n) => document.querySelector(".listing-count")?.textContent === `${n.toLocaleString("en")} listings`,
    STORED,
    { timeout: 120_000 },
  );
  const tab = await heapUsed(await context.newCDPSession(page));

  // The hub is a SharedWorker target: reach it through the browser's CDP session.
  const root = await browser.newBrowserCDPSession();
  const { targetInfos } = (await root.send("Target.getTargets")) as {
    targetInfos: { targetId: string; type: string; url: string }[];
  };
  const hubTarget = targetInfos.find((t) => t.type === "shared_worker" && /hub-/.test(t.url));
  let hub = Number.NaN;
  if (hubTarget) {
    const { sessionId } = (await root.send("Target.attachToTarget", {
      targetId: hubTarget.targetId,
      flatten: false,
    })) as {
      sessionId: string;
    };
    let nextId = 1;
    const ask = (method: string) =>
      new Promise<Record<string, unknown>>((resolve) => {
        const id = nextId++;
        const onMessage = (event: { sessionId: string; message: string }) => {
          const reply = JSON.parse(event.message) as { id?: number; result?: Record<string, unknown> };
          if (event.sessionId !== sessionId || reply.id !== id) return;
          root.off("Target.receivedMessageFromTarget", onMessage);
          resolve(reply.result ?? {});
        };
        root.on("Target.receivedMessageFromTarget", onMessage);
        void root.send("Target.sendMessageToTarget", { sessionId, message: JSON.stringify({ id, method }) });
      });
    await ask("HeapProfiler.collectGarbage");
    hub = Number((await ask("Runtime.getHeapUsage")).usedSize);
  }
  report(
    `JS heap after GC with ${STORED} listings stored`,
    { "hub (SharedWorker)": [hub / 1024], "one tab": [tab / 1024] },
    "KB",
  );
  await context.close();
  await server.close();
  server = undefined;
});
