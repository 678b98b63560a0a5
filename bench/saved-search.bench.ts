// The cost saved searches add to a sync: matching 10,000 new listings from another peer against
// 20 saved searches (the cap) in SavedSearches.consider, the hub's own code, on a MemoryStore.
// Compared with the same loop and no saved search, and with 20 that match nothing (matching
// alone, without remembering and storing matches). For scale: verifying 10,000 ECDSA signatures
// takes ~1 s in Chromium (docs/architecture.md, "Facts checked in the libraries"). Run: npx vitest run --config bench/vitest.config.ts bench/saved-search.bench.ts

import { expect, it } from "vitest";
import { generateIdentity } from "../src/core/crypto.ts";
import { createListing } from "../src/core/listings/draft.ts";
import type { Listing } from "../src/core/listings/records.ts";
import { MAX_SAVED_SEARCHES } from "../src/core/search/saved-search.ts";
import { SavedSearches } from "../src/core/search/saved-searches.ts";
import { MemoryStore } from "../tests/support/memory-store.ts";
import { report } from "./stats.ts";

const LISTINGS = Number(process.env.BENCH_LISTINGS ?? 10_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const WORDS = ["bike", "lamp", "sofa", "desk", "chair", "phone", "table", "guitar", "camera", "shelf"];
const COLOURS = ["red", "blue", "green", "black", "white", "old", "new", "small", "large", "wooden"];

it(`matches ${LISTINGS.toLocaleString("en")} listings against ${MAX_SAVED_SEARCHES} saved searches`, async () => {
  const [me, seller] = [await generateIdentity(Date.now()), await generateIdentity(Date.now())];
  const now = Date.now();
  const listings: Listing[] = [];
  for (let i = 0; i < LISTINGS; i++) {
    const title = `${COLOURS[i % 10]} ${WORDS[(i * 7) % 10]} ${i}`;
    const description = `A ${WORDS[(i * 3) % 10]} in good shape, ${COLOURS[(i * 11) % 10]}, pick up in town. Item ${i}.`;
    listings.push(await createListing(seller, { title, description, price: String(i % 300), currency: "EUR" }, now));
  }
  const run = async (searches: number, matching = true) => {
    const saved = new SavedSearches(new MemoryStore(), { me: me.peerId, now: () => now, log: console });
    for (let s = 0; s < searches; s++)
      if (!matching) await saved.save({ text: `nothing${s} here` });
      else
        await saved.save({
          text: `${COLOURS[s % 10]} ${(WORDS[(s * 3) % 10] as string).slice(0, 3)}`,
          maxPrice: (s + 1) * 1500,
        });
    const started = performance.now();
    let matched = 0;
    for (const listing of listings) matched += (await saved.consider(listing)).length;
    return { ms: performance.now() - started, matched };
  };
  const none: number[] = [];
  const misses: number[] = [];
  const full: number[] = [];
  let matched = 0;
  for (let round = 0; round < ROUNDS; round++) {
    none.push((await run(0)).ms);
    misses.push((await run(MAX_SAVED_SEARCHES, false)).ms);
    const result = await run(MAX_SAVED_SEARCHES);
    full.push(result.ms);
    matched = result.matched;
  }
  report(`Saved-search matching, ${LISTINGS} listings (${matched} matches with ${MAX_SAVED_SEARCHES} searches)`, {
    "no saved search": none,
    [`${MAX_SAVED_SEARCHES} saved searches, none matching`]: misses,
    [`${MAX_SAVED_SEARCHES} saved searches`]: full,
  });
  expect(matched).toBeGreaterThan(0);
});
