// First contact with a big board, in real Chromium over real WebRTC through the local
// PeerServer: a Node hub (the real Protocol, Radio and RadioLink, WebRTC from @roamhq/wrtc)
// holds 10,000 signed listings; a fresh browser loads the app, discovers and dials it. Measured
// from page.goto until the browser's IndexedDB holds them all: reconciliation, then send-all.
// Run: npx vite build && npx vitest run --config bench/vitest.config.ts bench/first-contact-10k.bench.ts

import type { Page } from "playwright-core";
import { it } from "vitest";
import { newUser, useServerAndBrowser } from "../tests/e2e/harness.ts";
import { manyListings, startNodeHub } from "../tests/e2e/node-hub.ts";

const TOTAL = Number(process.env.BENCH_LISTINGS ?? 10_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);

const env = useServerAndBrowser();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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
  for (let round = 0; round < ROUNDS; round++) {
    for (const mode of ["reconcile", "send-all"] as const) {
      const seed = await startNodeHub(env.server.port, listings, mode);
      const context = await newUser(env.browser);
      const page = await context.newPage();
      const started = performance.now();
      await page.goto(env.server.url);
      // Count from a second page of the same origin that runs no app: the board's rendering on
      // the first page's main thread must not delay the measurement itself.
      // Not before the hub has opened (and created) its database: opening it first from here
      // would create it empty at version 1 and the hub's upgrade would skip its first step.
      await page.getByLabel("Your peer id").filter({ hasText: /^pb-/ }).waitFor();
      const probe = await context.newPage();
      await probe.goto(new URL("/peerjs/peerjs/peers", env.server.url).href);
      let count = 0;
      while (count < TOTAL) {
        await sleep(100);
        count = await storedCount(probe).catch(() => 0);
        if (performance.now() - started > 300_000) throw new Error(`${mode}: only ${count} after 300 s`);
      }
      const elapsed = performance.now() - started;
      rows.push(`| ${mode} | ${round + 1} | ${(elapsed / 1000).toFixed(1)} s |`);
      console.log(rows.at(-1));
      await context.close();
      seed.dispose();
    }
  }
  console.log(
    [
      `\nFirst visit to a board of ${TOTAL} listings (Node hub over wrtc → Chromium, loopback PeerServer)`,
      "| mode | round | page.goto → all listings in the browser's IndexedDB |",
      "| --- | --- | --- |",
      ...rows,
    ].join("\n"),
  );
});
