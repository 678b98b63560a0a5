// Listings the per-author cap pushed out are gone for good at that version: reconciliation no
// longer offers them as held (a peer asking would wait for nothing), the memory of what a set
// holds does not grow with the flood, and a peer offering them again is not asked for them.

import { describe, expect, it } from "vitest";
import { generateIdentity } from "../../src/core/crypto.ts";
import { LISTINGS_PER_AUTHOR } from "../../src/core/listings/author-quota.ts";
import { createListing } from "../../src/core/listings/draft.ts";
import type { Listing } from "../../src/core/listings/records.ts";
import { syncFrame } from "../../src/core/sync/sync-frame.ts";
import { usePeers } from "../support/use-peers.ts";
import { draft } from "./fixtures.ts";

const peers = usePeers({ defaults: { memory: true }, quiet: true });

const requested = (from: string, to: string) =>
  peers
    .network()
    .sent.filter((s) => s.from === from && s.to === to)
    .map((s) => s.frame as { type: string; ids?: string[] })
    .filter((f) => f.type === "LISTING_REQUEST")
    .flatMap((f) => f.ids ?? []);

describe("listings evicted by the per-author cap", () => {
  it("leave the set sync holds, and are not fetched again when a peer offers them", async () => {
    const hub = await peers.node();
    const carrier = await peers.node();
    await peers.connect(hub, carrier);
    const mallory = await generateIdentity(Date.now());
    const flood: Listing[] = [];
    for (let i = 0; i < LISTINGS_PER_AUTHOR + 40; i++)
      flood.push(await createListing(mallory, draft({ title: `Flood ${i}` }), Date.now() - 100_000 + i));
    const before = (await hub.sync?.held("listings")) ?? 0;
    for (let i = 0; i < flood.length; i += 20) await hub.listings.accept(carrier.id, flood.slice(i, i + 20));
    const evicted = flood.slice(0, 40);
    expect(await hub.store.getListing(evicted[0]?.id ?? "")).toBeUndefined();
    expect(await hub.sync?.held("listings")).toBe(before + LISTINGS_PER_AUTHOR);

    // The carrier announces the evicted versions, and one listing the hub has never seen.
    const fresh = await createListing(await generateIdentity(Date.now()), draft({ title: "New" }), Date.now());
    await carrier.store.putListingIf(fresh, () => true);
    const have = [...evicted, fresh].map((l): [number, string] => [l.updatedAt, l.id]);
    carrier.session.send(hub.id, syncFrame("listings", { from: [0, ""], ranges: [], have }));
    await expect.poll(() => requested(hub.id, carrier.id), { timeout: 5_000 }).toContain(fresh.id);
    const asked = requested(hub.id, carrier.id);
    for (const listing of evicted) expect(asked).not.toContain(listing.id);
  });
});
