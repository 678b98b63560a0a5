// Runs in the page (bundled by bench/search.bench.ts): creates the app's real IndexedDB schema
// with openIdbStore, then writes `count` synthetic listings in one transaction. Records carry a
// dummy signature: the store and the search index never verify, and no peer is connected.

import { openDB } from "idb";
import { DAY_MS, type Listing } from "../src/core/listings/records.ts";
import { openIdbStore } from "../src/worker/idb-store.ts";

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
  (await openIdbStore()).close();
  const db = await openDB("peerboard");
  const next = random(42);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  const now = Date.now();
  const tx = db.transaction("listings", "readwrite");
  for (let i = 0; i < count; i++) {
    // 2,000 filler words, so the vocabulary is realistically large and most words are rare.
    const words = Array.from({ length: 25 }, () => `w${Math.floor(next() * 2000)}`);
    const pricing = next() < 0.1 ? "free" : next() < 0.1 ? "swap" : "amount";
    const updatedAt = now - Math.floor(next() * 20 * DAY_MS);
    const listing: Listing = {
      id: `benchbenchbenchbenchbenchb-${i.toString(36).padStart(8, "0")}`,
      author: "pb-benchbenchbenchbenchbenchb",
      authorKey: "k".repeat(87),
      version: 1,
      createdAt: updatedAt,
      updatedAt,
      expiresAt: updatedAt + 30 * DAY_MS,
      kind: next() < 0.8 ? "offer" : "wanted",
      category: pick(CATEGORIES),
      title: `${pick(ADJECTIVES)} ${pick(NOUNS)} ${i}`,
      description: words.join(" "),
      pricing,
      price: pricing === "amount" ? Math.floor(next() * 100_000) : null,
      currency: "EUR",
      location: "",
      images: [],
      status: "active",
      deleted: false,
      signature: "s".repeat(86),
    };
    void tx.store.put(listing);
  }
  await tx.done;
  const stored = await db.count("listings");
  db.close();
  return stored;
}
