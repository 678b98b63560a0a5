// What every durable store must keep when it opens data an older schema wrote, whatever the
// adapter: the records an older Peerboard stored, and what the upgraded store must give back.
// Each adapter's test writes the older data its own way (IndexedDB stores, SQLite tables).

import { expect } from "vitest";
import type { Identity } from "../../src/core/crypto.ts";
import { createListing } from "../../src/core/listings/draft.ts";
import type { Listing } from "../../src/core/listings/records.ts";
import type { MailStore, Store } from "../../src/core/ports.ts";
import type { Closable } from "./store-fixture.ts";

/** A message stored before message ids were kept per author, and an id seen then. */
export const olderMessage = {
  id: "msg-old-000001",
  peer: "pb-sellersellersellersellers",
  topic: "listing-0001",
  author: "pb-buyerbuyerbuyerbuyerbuye",
  text: "Written before the upgrade",
  createdAt: 5,
  status: "delivered",
};
export const olderSeen = { msgId: "msg-old-000002", seenAt: 7 };

/** A listing stored before saved searches. */
export function olderListing(identity: Identity): Promise<Listing> {
  return createListing(identity, { title: "Kept", description: "", price: "", currency: "EUR" }, 2);
}

/** Opens the upgraded store, runs `check` on it and closes it. */
export async function afterUpgrade<S extends Closable>(
  open: () => Promise<S>,
  check: (store: S) => Promise<void>,
): Promise<void> {
  const store = await open();
  try {
    await check(store);
  } finally {
    store.close();
  }
}

/** The older message, now found by author and id, and the older seen id still seen. */
export async function expectOlderMessagesKept(store: MailStore): Promise<void> {
  expect(await store.getMessage(olderMessage.author, olderMessage.id)).toEqual(olderMessage);
  expect(await store.listMessages()).toEqual([olderMessage]);
  // An id seen before the upgrade has no author: it stays seen, for anyone.
  expect(await store.wasSeen("pb-sellersellersellersellers", olderSeen.msgId)).toBe(true);
  expect(await store.wasSeen("pb-sellersellersellersellers", "msg-old-000003")).toBe(false);
}

/** The older listings kept, and no saved search yet. */
export async function expectNoSavedSearchesYet(store: Store, listing: Listing): Promise<void> {
  expect(await store.listListings()).toEqual([listing]);
  expect(await store.listSavedSearches()).toEqual([]);
}
