// Runs in the page (bundled by bench/search-timing.ts): writes `count` synthetic listings through
// the app's real IndexedDB store (openIdbStore, so whatever the store keeps beside a listing is
// kept), in batches of one transaction each. Records carry a dummy signature: the store and the
// search index never verify, and no peer is connected.

import { DAY_MS, type Listing } from "../src/core/listings/records.ts";
import { openIdbStore } from "../src/worker/idb-store.ts";
import { unsignedListing } from "../tests/unit/fixtures.ts";

const ADJECTIVES = ["red", "blue", "green", "old", "new", "small", "large", "wooden", "vintage", "electric"];
const NOUNS = ["bicycle", "chair", "table", "lamp", "sofa", "guitar", "kettle", "ladder", "desk", "tent"];
const CATEGORIES = ["for-sale", "free", "swap", "services", "housing", "jobs", "wanted", "other"] as const;

/** Deterministic pseudo-random numbers, so every run searches the same data. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

export async function seed(count: number): Promise<number> {
  const store = await openIdbStore();
  const next = random(42);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  const now = Date.now();
  let batch: Listing[] = [];
  let stored = 0;
  for (let i = 0; i < count; i++) {
    // 2,000 filler words, so the vocabulary is realistically large and most words are rare.
    const words = Array.from({ length: 25 }, () => `w${Math.floor(next() * 2000)}`);
    const pricing = next() < 0.1 ? "free" : next() < 0.1 ? "swap" : "amount";
    const updatedAt = now - Math.floor(next() * 20 * DAY_MS);
    const listing = unsignedListing(
      {
        id: `benchbenchbenchbenchbenchb-${i.toString(36).padStart(8, "0")}`,
        author: "pb-benchbenchbenchbenchbenchb",
        createdAt: updatedAt,
        updatedAt,
        expiresAt: updatedAt + 30 * DAY_MS,
        kind: next() < 0.8 ? "offer" : "wanted",
        category: pick(CATEGORIES),
        title: `${pick(ADJECTIVES)} ${pick(NOUNS)} ${i}`,
        description: words.join(" "),
        pricing,
        price: pricing === "amount" ? Math.floor(next() * 100_000) : null,
      },
      now,
    );
    batch.push(listing);
    if (batch.length === 2_000 || i === count - 1) {
      stored += (await store.putListingsIf(batch, () => true)).length;
      batch = [];
    }
  }
  store.close();
  return stored;
}
