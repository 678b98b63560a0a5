// Runs in the page (bundled by bench/listing-reads.bench.ts), on the app's origin: how long the
// app's IndexedDB store takes to read every whole listing against every listing's summary, and to
// write 10,000 listings in batches of 100 (what a first visit does), in the same browser. Written
// to run against versions without summaries too (their row says "–").

import type { Listing } from "../src/core/listings/records.ts";
import type { Store } from "../src/core/store.ts";
import { openIdbStore } from "../src/worker/idb-store.ts";

const time = async (work: () => Promise<unknown>) => {
  const started = performance.now();
  await work();
  return performance.now() - started;
};

export async function measure(): Promise<Record<string, number>> {
  const store: Partial<Pick<Store, "listListingSummaries">> & Store = await openIdbStore();
  let all: Listing[] = [];
  const wholeMs = await time(async () => {
    all = await store.listListings();
  });
  const summaries = store.listListingSummaries?.bind(store);
  const summariesMs = summaries ? await time(summaries) : Number.NaN;
  store.close();

  const name = `writes-${Math.random().toString(36).slice(2)}`;
  const fresh = await openIdbStore(name);
  const batch = all.slice(0, 10_000);
  const writeMs = await time(async () => {
    for (let i = 0; i < batch.length; i += 100) await fresh.putListingsIf(batch.slice(i, i + 100), () => true);
  });
  fresh.close();
  indexedDB.deleteDatabase(name);
  return { stored: all.length, wholeMs, summariesMs, writeMs };
}
