// First contact with a big board, in real Chromium over real WebRTC through the local
// PeerServer: a Node hub (the real Protocol, Radio and RadioLink, WebRTC from @roamhq/wrtc)
// holds 10,000 signed listings; a fresh browser loads the app, discovers and dials it. Measured
// from page.goto until the browser's IndexedDB holds them all: reconciliation, then send-all; and,
// in the same run and browser, the floor of that work (first-contact-floor.ts): verifying every
// signature and writing every record. Phases in the page: the first peer ready, the first listing
// on screen, the board saying "10,000 listings".
// Run: npx vite build && npx vitest run --config bench/vitest.config.ts bench/first-contact-10k.bench.ts
// BENCH_PROFILE=1 also records the hub's CPU (the SharedWorker, over CDP) from the page's start
// to the last listing stored, and prints its busy share and the functions with the most self time.
// BENCH_COUNT=1 counts the hub's IndexedDB requests and transactions over the same span, by kind
// and object store: unlike times, counts do not move with the machine's load.

import type { Page } from "playwright-core";
import { it } from "vitest";
import { newUser, useServerAndBrowser } from "../tests/e2e/harness.ts";
import { manyListings, startNodeHub } from "../tests/e2e/node-hub.ts";
import { attachHub, type HubTarget } from "./hub-cdp.ts";
import { bundleModule, openModulePage } from "./page-module.ts";

const TOTAL = Number(process.env.BENCH_LISTINGS ?? 10_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const PROFILE = Boolean(process.env.BENCH_PROFILE);
const COUNT = Boolean(process.env.BENCH_COUNT);

/** Evaluated in the hub: counts every IndexedDB request and transaction from now on. */
const COUNT_REQUESTS = `(() => {
  const counts = (globalThis.__idbCounts = {});
  const bump = (key) => { counts[key] = (counts[key] ?? 0) + 1; };
  for (const method of ["get", "getAll", "getAllKeys", "put", "add", "delete", "count", "openCursor"]) {
    const original = IDBObjectStore.prototype[method];
    IDBObjectStore.prototype[method] = function (...args) { bump(method + " " + this.name); return original.apply(this, args); };
  }
  const transaction = IDBDatabase.prototype.transaction;
  IDBDatabase.prototype.transaction = function (names, mode, ...rest) {
    bump("transaction " + (mode ?? "readonly") + " " + [names].flat().join("+"));
    return transaction.call(this, names, mode, ...rest);
  };
})()`;

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}

/** The hub's busy share and top functions by self time, from a CDP CPU profile. */
function summarize(profile: CpuProfile): string {
  const byNode = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const self = new Map<string, number>();
  let total = 0;
  let idle = 0;
  /** Busy ms in each second of the profile: where the hub waited (for frames, or for commits). */
  const busyBySecond: number[] = [];
  profile.samples.forEach((id, i) => {
    const frame = byNode.get(id);
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    total += ms;
    const name = frame
      ? `${frame.functionName || "(anonymous)"} ${frame.url.split("/").pop()}:${frame.lineNumber}`
      : "?";
    if (frame?.functionName === "(idle)") idle += ms;
    self.set(name, (self.get(name) ?? 0) + ms);
    const second = Math.floor(total / 1000);
    busyBySecond[second] = (busyBySecond[second] ?? 0) + (frame?.functionName === "(idle)" ? 0 : ms);
  });
  const top = [...self].sort((a, b) => b[1] - a[1]).slice(0, 15);
  return [
    `hub CPU profile: ${Math.round(total)} ms sampled, ${Math.round(total - idle)} ms busy (${Math.round(((total - idle) / total) * 100)} %)`,
    `  busy ms by second: ${busyBySecond.map((ms) => Math.round(ms)).join(" ")}`,
    ...top.map(([name, ms]) => `  ${Math.round(ms)} ms ${name}`),
  ].join("\n");
}

const env = useServerAndBrowser();

async function printCounts(counter: HubTarget | undefined, when: string): Promise<void> {
  if (!counter) return;
  const reply = await counter.ask("Runtime.evaluate", {
    expression: "JSON.stringify(globalThis.__idbCounts)",
    returnByValue: true,
  });
  const counts = JSON.parse(String((reply.result as { value?: string } | undefined)?.value ?? "{}"));
  const lines = Object.entries(counts as Record<string, number>).sort((a, b) => b[1] - a[1]);
  console.log(`${when}: hub IndexedDB calls\n${lines.map(([k, n]) => `  ${n} ${k}`).join("\n")}`);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Verify and store times of the same listings in a page of the same browser. */
async function measureFloor(listings: unknown[]): Promise<{ verifyMs: number; storeMs: number }> {
  const code = await bundleModule(new URL("./first-contact-floor.ts", import.meta.url), "floor");
  const context = await newUser(env.browser);
  context.setDefaultTimeout(120_000);
  const page = await openModulePage(context, env.server.url, "floor", code);
  await page.evaluate((all) => {
    (window as unknown as { __listings: unknown[] }).__listings = all;
  }, listings);
  const result = await page.evaluate<{ verifyMs: number; storeMs: number }>(
    `import("/__bench/floor.js").then((m) => m.floor(window.__listings))`,
  );
  await context.close();
  return result;
}

/** Runs in the page before the app: ms since navigation start of the phases of a first visit. */
function recordPhases(total: string): void {
  const phases: Record<string, number> = {};
  (window as unknown as { __phases: Record<string, number> }).__phases = phases;
  const mark = (name: string, seen: boolean) => {
    if (seen && phases[name] === undefined) phases[name] = performance.now();
  };
  // Only small elements are read: the body's whole text, with thousands of listings on the
  // board, took seconds per mutation and froze the page being measured.
  new MutationObserver(() => {
    mark("peer ready", /1 peer connected/.test(document.querySelector("header")?.textContent ?? ""));
    mark("first listing shown", document.querySelector("article.listing") !== null);
    mark(`"${total} listings"`, document.querySelector(".listing-count")?.textContent === `${total} listings`);
  }).observe(document, { subtree: true, childList: true, characterData: true });
}

/** Listings in the page's IndexedDB (the hub's database, same origin). */
function storedCount(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open("peerboard");
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const count = db.transaction("listings").objectStore("listings").count();
          count.onsuccess = () => {
            resolve(count.result);
            db.close();
          };
        };
      }),
  );
}

it(`a first visit to a board of ${TOTAL} listings`, async () => {
  const listings = await manyListings(TOTAL);
  const rows: string[] = [];
  const floors: { verifyMs: number; storeMs: number }[] = [];
  const totalText = TOTAL.toLocaleString("en");
  for (let round = 0; round < ROUNDS; round++) {
    floors.push(await measureFloor(listings));
    console.log(`floor: ${JSON.stringify(floors.at(-1))}`);
    for (const mode of ["reconcile", "send-all"] as const) {
      const seed = await startNodeHub(env.server.port, listings, mode);
      const context = await newUser(env.browser);
      await context.addInitScript(recordPhases, totalText);
      const page = await context.newPage();
      const started = performance.now();
      await page.goto(env.server.url);
      // Count from a second page of the same origin that runs no app: the board's rendering on
      // the first page's main thread must not delay the measurement itself.
      // Not before the hub has opened (and created) its database: opening it first from here
      // would create it empty at version 1 and the hub's upgrade would skip its first step.
      await page.locator('#app[data-peer-id^="pb-"]').waitFor();
      let hub: HubTarget | undefined;
      const tab = PROFILE ? await context.newCDPSession(page) : undefined;
      const counter = COUNT ? await attachHub(env.browser) : undefined;
      await counter?.ask("Runtime.evaluate", { expression: COUNT_REQUESTS });
      if (PROFILE) {
        hub = await attachHub(env.browser);
        await hub?.ask("Profiler.enable");
        await hub?.ask("Profiler.start");
        // The tab holding the radio moves every byte between PeerJS and the hub.
        await tab?.send("Profiler.enable");
        await tab?.send("Profiler.start");
      }
      const probe = await context.newPage();
      await probe.goto(new URL("/peerjs/peerjs/peers", env.server.url).href);
      let count = 0;
      while (count < TOTAL) {
        await sleep(100);
        count = await storedCount(probe).catch(() => 0);
        if (performance.now() - started > 300_000) throw new Error(`${mode}: only ${count} after 300 s`);
      }
      const elapsed = performance.now() - started;
      await printCounts(counter, `${mode}, all stored`);
      if (hub) {
        const { profile } = (await hub.ask("Profiler.stop")) as unknown as { profile: CpuProfile };
        console.log(`${mode}: ${summarize(profile)}`);
        await hub.detach();
      }
      if (tab) {
        const { profile } = (await tab.send("Profiler.stop")) as unknown as { profile: CpuProfile };
        console.log(`${mode}: ${summarize(profile).replace("hub CPU", "radio tab CPU")}`);
        await tab.detach();
      }
      // The board's count follows the store within its refresh interval.
      await page
        .locator(".listing-count", { hasText: `${totalText} listings` })
        .waitFor({ timeout: 120_000 })
        .catch(async (error: unknown) => {
          const shown = await page.locator(".listing-count").textContent();
          const searched = await page.evaluate(() => document.querySelectorAll("article").length);
          throw new Error(`${mode}: ${TOTAL} stored, the board says "${shown}" (${searched} cards): ${String(error)}`);
        });
      if (counter) {
        // The index's save waits for the stream to pause: whatever it costs, counted too.
        await sleep(3_000);
        await printCounts(counter, `${mode}, 3 s after the board's count`);
        await counter.detach();
      }
      const phases = await page.evaluate(() => (window as unknown as { __phases: Record<string, number> }).__phases);
      const ready = phases["peer ready"] ?? Number.NaN;
      const since = (name: string) => (((phases[name] ?? Number.NaN) - ready) / 1000).toFixed(2);
      const floor = floors.at(-1) as { verifyMs: number; storeMs: number };
      const work = (floor.verifyMs + floor.storeMs) / 1000;
      const counted = ((phases[`"${totalText} listings"`] ?? Number.NaN) - ready) / 1000;
      rows.push(
        `| ${mode} | ${round + 1} | ${(elapsed / 1000).toFixed(1)} s | ${(ready / 1000).toFixed(2)} s | ${since("first listing shown")} s | ${counted.toFixed(2)} s | ${(floor.verifyMs / 1000).toFixed(2)} + ${(floor.storeMs / 1000).toFixed(2)} s | ${(counted / work).toFixed(2)}× |`,
      );
      console.log(rows.at(-1));
      await context.close();
      seed.dispose();
    }
  }
  console.log(
    [
      `\nFirst visit to a board of ${TOTAL} listings (Node hub over wrtc → Chromium, loopback PeerServer)`,
      `| mode | round | page.goto → all in IndexedDB | goto → peer ready | peer ready → first listing shown | peer ready → "${totalText} listings" | floor: verify + store (same browser) | "${totalText} listings" ÷ floor |`,
      "| --- | --- | --- | --- | --- | --- | --- | --- |",
      ...rows,
    ].join("\n"),
  );
});
