// A hub holding a big board never reads every whole listing on its way: meeting a peer (sync's
// set of held records, the per-author counts), a flood pushing listings out (and the photos
// collected after it), the user's own listings. Each read summaries instead: at 100,000 stored,
// every whole listing was ~10 s of the hub's time and ~100 MB in Chromium.

import { describe, expect, it } from "vitest";
import { generateIdentity } from "../../src/core/crypto.ts";
import { LISTINGS_PER_AUTHOR } from "../../src/core/listings/author-quota.ts";
import { createListing } from "../../src/core/listings/draft.ts";
import type { Listing } from "../../src/core/listings/records.ts";
import { MemoryStore } from "../support/memory-store.ts";
import { post } from "../support/peers.ts";
import { usePeers } from "../support/use-peers.ts";
import { draft } from "./fixtures.ts";

const peers = usePeers({ defaults: { memory: true }, quiet: true });

/** A MemoryStore that counts the calls that read every whole listing. */
function watchedStore() {
  const store = new MemoryStore();
  const reads = { whole: 0 };
  const list = store.listListings.bind(store);
  store.listListings = () => {
    reads.whole++;
    return list();
  };
  return { store, reads };
}

describe("a hub with a board", () => {
  it("meets a peer, takes a flood past the per-author cap and lists the user's own without reading every listing", async () => {
    const { store, reads } = watchedStore();
    const hub = await peers.node({ store });
    const author = await generateIdentity(Date.now());
    const board: Listing[] = [];
    for (let i = 0; i < 50; i++)
      board.push(await createListing(author, draft({ title: `Board ${i}` }), Date.now() - i));
    await store.putListingsIf(board, () => true);
    const own = await post(hub, draft({ title: "Mine" }));

    const carrier = await peers.node();
    await peers.connect(hub, carrier);
    await expect.poll(async () => (await carrier.store.listListingSummaries()).length, { timeout: 5_000 }).toBe(51);

    // Past the cap, the author's oldest go, and images are collected after them.
    const mallory = await generateIdentity(Date.now());
    const flood: Listing[] = [];
    for (let i = 0; i < LISTINGS_PER_AUTHOR + 10; i++)
      flood.push(await createListing(mallory, draft({ title: `Flood ${i}` }), Date.now() - 100_000 + i));
    for (let i = 0; i < flood.length; i += 20) await hub.listings.accept(carrier.id, flood.slice(i, i + 20));
    expect(await hub.store.getListing(flood[0]?.id ?? "")).toBeUndefined();

    expect((await hub.actions.mine()).map((l) => l.id)).toEqual([own.id]);
    expect(reads.whole).toBe(0);
  });
});
