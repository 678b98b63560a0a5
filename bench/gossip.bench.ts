// How a new listing spreads through a community of 200 hubs (real Protocol, Dialer and
// connection cap over the in-memory network): reach, hops, duplicate deliveries, bytes, and the
// time until the last hub has it.
// Gossip (push to a few, announce to the rest) against flooding (send-all mode), same run.
// Run: npx vitest run --config bench/vitest.config.ts bench/gossip.bench.ts

import { it, vi } from "vitest";
import type { Listing } from "../src/core/listings/records.ts";
import { Mesh } from "../tests/sim/mesh.ts";
import { post } from "../tests/support/peers.ts";
import { draft } from "../tests/unit/fixtures.ts";

const HUBS = Number(process.env.BENCH_HUBS ?? 200);
const LISTINGS = Number(process.env.BENCH_LISTINGS ?? 20);
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 0);

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const fmt = (x: number, digits = 2) => x.toFixed(digits);

async function run(syncMode: "reconcile" | "send-all") {
  const mesh = await Mesh.create({ hubs: HUBS, syncMode, latencyMs: LATENCY_MS });
  await mesh.form();
  const degrees = mesh.degrees();
  const reached: number[] = [];
  const hops: number[] = [];
  const maxHops: number[] = [];
  const duplicates: number[] = [];
  const maxDuplicates: number[] = [];
  const bytes: number[] = [];
  const times: number[] = [];
  // When each listing last arrived anywhere: its time to reach every hub, once all have it.
  const lastArrival = new Map<string, number>();
  for (const hub of mesh.hubs) hub.listings.onListing((l) => lastArrival.set(l.id, performance.now()));
  for (let i = 0; i < LISTINGS; i++) {
    const author = mesh.hub(Math.floor(Math.random() * HUBS));
    const sentFrom = mesh.network.sent.length;
    const posted = performance.now();
    const listing: Listing = await post(author, draft({ title: `Listing ${i}` }));
    // Until every hub has it (or 10 s passed), then until the last frame has gone out.
    for (const deadline = Date.now() + 10_000; Date.now() < deadline; ) {
      if ((await mesh.holders(listing)) === HUBS) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await mesh.settle(100);
    reached.push(((await mesh.holders(listing)) - 1) / (HUBS - 1));
    const spread = mesh.spread(listing, sentFrom);
    hops.push(...spread.hops);
    maxHops.push(Math.max(...spread.hops));
    duplicates.push(mean(spread.duplicates));
    maxDuplicates.push(Math.max(...spread.duplicates));
    bytes.push(spread.bytes);
    times.push((lastArrival.get(listing.id) ?? posted) - posted);
  }
  mesh.close();
  return {
    mode: syncMode === "reconcile" ? "gossip: announce + pull" : "flood (send-all baseline)",
    degree: `${fmt(mean(degrees), 1)} (${Math.min(...degrees)}–${Math.max(...degrees)})`,
    reached: `${fmt(100 * Math.min(...reached), 1)} %`,
    hops: `${fmt(mean(hops))} / ${Math.max(...maxHops)}`,
    duplicates: `${fmt(mean(duplicates))} / ${Math.max(...maxDuplicates)}`,
    bytes: `${Math.round(mean(bytes) / 1024)} KiB`,
    time: `${Math.round(mean(times))} / ${Math.round(Math.max(...times))} ms`,
  };
}

it(`a new listing in a mesh of ${HUBS} hubs`, async () => {
  // Channels past the cap are hung up with a warning: expected here, and noisy.
  vi.spyOn(console, "warn").mockImplementation(() => undefined);
  const rows = [await run("reconcile"), await run("send-all")];
  const lines = [
    `\nSpread of one new listing, ${HUBS} hubs, ${LISTINGS} listings from random authors, one-way latency ${LATENCY_MS} ms`,
    "| mode | degree mean (min–max) | reached (worst listing) | hops mean / max | duplicate deliveries per hub mean / max | bytes per listing, all frames | time to last hub mean / max |",
    "| --- | --- | --- | --- | --- | --- | --- |",
    ...rows.map(
      (r) => `| ${r.mode} | ${r.degree} | ${r.reached} | ${r.hops} | ${r.duplicates} | ${r.bytes} | ${r.time} |`,
    ),
  ];
  console.log(lines.join("\n"));
});
