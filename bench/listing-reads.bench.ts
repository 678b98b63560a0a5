// What a hub pays to read every stored listing whole (listListings) against every listing's
// summary (listListingSummaries, what sync, the per-author cap, pruning and image collection
// read), at 100,000 stored, and what the summaries add to writing 10,000 in batches of 100.
// Run: npx vitest run --config bench/vitest.config.ts bench/listing-reads.bench.ts (BENCH_BIG for
// another size, BENCH_ROUNDS rounds).

import { expect, it } from "vitest";
import { launchBrowser, newUser, startTestServer } from "../tests/e2e/harness.ts";
import { bundleModule, openModulePage } from "./page-module.ts";
import { seedSearchListings } from "./search-timing.ts";
import { report } from "./stats.ts";

const STORED = Number(process.env.BENCH_BIG ?? 100_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

it(`reads every listing of ${STORED.toLocaleString("en")}, whole and as summaries`, {
  timeout: 1_800_000,
}, async () => {
  const server = await startTestServer();
  const browser = await launchBrowser();
  try {
    const context = await newUser(browser);
    expect(await seedSearchListings(context, server.url, STORED)).toBe(STORED);
    const code = await bundleModule(new URL("./listing-reads-page.ts", import.meta.url), "reads");
    const page = await openModulePage(context, server.url, "reads", code);
    const rounds: Record<string, number>[] = [];
    for (let i = 0; i < ROUNDS; i++)
      rounds.push(await page.evaluate(`import("/__bench/reads.js").then((m) => m.measure())`));
    for (const round of rounds) expect(round.stored).toBe(STORED);
    const label = STORED.toLocaleString("en");
    const rows: Record<string, number[]> = { [`every listing of ${label}, whole`]: rounds.map((r) => r.wholeMs ?? 0) };
    // A version without summaries answers NaN: its row is left out.
    if (rounds.every((r) => Number.isFinite(r.summariesMs)))
      rows[`every listing of ${label}, as summaries`] = rounds.map((r) => r.summariesMs ?? 0);
    rows["10,000 listings written in batches of 100"] = rounds.map((r) => r.writeMs ?? 0);
    report(`Reading every listing, ${label} stored`, rows);
  } finally {
    await browser.close();
    await server.close();
  }
});
