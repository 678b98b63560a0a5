// Runs in the page (bundled by bench/first-contact-10k.bench.ts): the floor of a first visit,
// the work itself done as fast as this browser does it, measured in the same run: verifying every
// listing's signature (all at once, as WebCrypto allows) and writing them to the app's IndexedDB
// schema in batches of 100, in a database of its own.

import { verifyListing } from "../src/core/listings/records.ts";
import { openIdbStore } from "../src/worker/idb-store.ts";

export async function floor(listings: unknown[]): Promise<{ verifyMs: number; storeMs: number }> {
  const now = Date.now();
  const verifyStarted = performance.now();
  const results = await Promise.all(listings.map((raw) => verifyListing(raw, now)));
  const verifyMs = performance.now() - verifyStarted;
  const valid = results.flatMap((r) => (r.ok ? [r.listing] : []));
  if (valid.length !== listings.length) throw new Error(`${listings.length - valid.length} listings did not verify`);
  const name = `floor-${Math.random().toString(36).slice(2)}`;
  const store = await openIdbStore(name);
  const storeStarted = performance.now();
  for (let i = 0; i < valid.length; i += 100) await store.putListingsIf(valid.slice(i, i + 100), () => true);
  const storeMs = performance.now() - storeStarted;
  store.close();
  indexedDB.deleteDatabase(name);
  return { verifyMs, storeMs };
}
