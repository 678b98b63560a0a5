// What one free identity inside the rate limits can do to a hub: each attack of the review
// ("Hostile peers within the rate limits"), with bytes in, bytes out and memory held. Written
// against APIs every version has, so the same file measures before and after the fixes.
// Run: npx vitest run --config bench/vitest.config.ts bench/hostile.bench.ts

import "fake-indexeddb/auto";
import { expect, it, vi } from "vitest";
import { base64urlEncode } from "../src/core/encoding.ts";
import { createListing } from "../src/core/listings/draft.ts";
import { frame, IMAGE_CHUNK_BYTES } from "../src/core/wire.ts";
import { systemClock } from "../src/shared/system.ts";
import { MemoryNetwork } from "../tests/support/memory-link.ts";
import { post, type TestPeer } from "../tests/support/peers.ts";
import { closePeers, kb, node, ready, traffic } from "./memory-peers.ts";

const rows: string[] = [];
const draft = (title: string) => ({ title, description: "Red, some rust.", price: "40", currency: "EUR" });

async function quiet(hub: TestPeer, from: TestPeer) {
  for (let i = 0; i < 3; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    await hub.session.whenIdle(from.id);
  }
}

const heap = () => {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed;
};

async function seeded(network: MemoryNetwork, count: number) {
  const hub = await node(network);
  const author = await node(new MemoryNetwork());
  const listings = [];
  for (let i = 0; i < count; i++)
    listings.push(await createListing(author.identity, draft(`Listing ${i}`), Date.now() - 5000 + i));
  await hub.store.putListingsIf(listings, () => true);
  return { hub, listings };
}

it("hostile peers within the rate limits", async () => {
  vi.spyOn(console, "warn").mockImplementation(() => undefined);

  // 1. A poisoned image reference: does the honest sender get struck?
  {
    const network = new MemoryNetwork();
    const thumbnailer = {
      listingPhotos: async (photos: Blob[]) =>
        Promise.all(
          photos.map(async (photo) => {
            const bytes = new Uint8Array(await photo.arrayBuffer());
            const hash = base64urlEncode(new Uint8Array(await crypto.subtle.digest("SHA-256", bytes)));
            return {
              ref: { hash, type: "image/webp" as const, bytes: bytes.length, width: 640, height: 480 },
              blob: new Blob([bytes]),
            };
          }),
        ),
      avatar: async () => ({}) as never,
    };
    const alice = await node(network, { ports: { thumbnailer } });
    const bob = await node(network);
    const mallory = await node(network);
    const photo = crypto.getRandomValues(new Uint8Array(IMAGE_CHUNK_BYTES + 500));
    const posted = await alice.api.post({ ...draft("Photo"), photos: [new Blob([photo])] });
    if (!posted.ok) throw new Error("post failed");
    const ref = posted.listing.images[0] as (typeof posted.listing.images)[number];
    const poisoned = await createListing(mallory.identity, draft("Poisoned"), Date.now(), [
      { ...ref, bytes: Math.min(100 * 1024, ref.bytes * 3) },
    ]);
    await ready(network, mallory, bob);
    const since = network.sent.length;
    mallory.session.send(bob.id, frame({ type: "LISTING_BROADCAST", listings: [poisoned] }));
    await quiet(bob, mallory);
    await ready(network, alice, bob);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const stored = (await bob.store.getImage(ref.hash)) !== undefined;
    rows.push(
      `| 1 poisoned image ref | ${kb(traffic(network, mallory.id, bob.id, since))} | – | honest sender's score ${bob.session.policy.standing(alice.id).total}, photo stored: ${stored ? "yes" : "no"} |`,
    );
  }

  // 2. LISTING_REQUEST with one id repeated, sent 50 times.
  for (const kind of ["LISTING_REQUEST", "PROFILE_REQUEST"] as const) {
    const network = new MemoryNetwork();
    const { hub, listings } = await seeded(network, 1);
    if (kind === "PROFILE_REQUEST") await hub.api.saveProfile({ name: "Hub", about: "x".repeat(400) });
    const mallory = await node(network);
    await ready(network, mallory, hub);
    const id = kind === "LISTING_REQUEST" ? (listings[0]?.id as string) : hub.id;
    const since = network.sent.length;
    for (let i = 0; i < 50; i++) mallory.session.send(hub.id, frame({ type: kind, ids: Array(1000).fill(id) }));
    await quiet(hub, mallory);
    const bytesIn = traffic(network, mallory.id, hub.id, since);
    const bytesOut = traffic(network, hub.id, mallory.id, since);
    rows.push(
      `| 2 ${kind}, one id ×1000, 50 frames | ${kb(bytesIn)} | ${kb(bytesOut)} (${Math.round(bytesOut / bytesIn)}×) | – |`,
    );
  }

  // 13. SYNC ranges with an empty id list, 100 frames, hub holding 2,000 listings.
  {
    const network = new MemoryNetwork();
    const { hub } = await seeded(network, 2000);
    const mallory = await node(network);
    await ready(network, mallory, hub);
    const since = network.sent.length;
    for (let i = 0; i < 100; i++)
      mallory.session.send(
        hub.id,
        frame({
          type: "SYNC",
          set: "listings",
          from: [0, ""],
          ranges: [{ b: [Number.MAX_SAFE_INTEGER, ""], ids: [] }],
        }),
      );
    await quiet(hub, mallory);
    const bytesIn = traffic(network, mallory.id, hub.id, since);
    const bytesOut = traffic(network, hub.id, mallory.id, since);
    rows.push(
      `| 13 SYNC range, empty id list, 100 frames (hub holds 2,000) | ${kb(bytesIn)} | ${kb(bytesOut)} (${Math.round(bytesOut / bytesIn)}×) | – |`,
    );
  }

  // 3. SYNC `have` announcements never delivered: 100,000 keys.
  {
    const network = new MemoryNetwork();
    const hub = await node(network);
    const mallory = await node(network);
    await ready(network, mallory, hub);
    const before = heap();
    const since = network.sent.length;
    const now = Date.now();
    for (let f = 0; f < 200; f++)
      mallory.session.send(
        hub.id,
        frame({
          type: "SYNC",
          set: "listings",
          from: [0, ""],
          ranges: [],
          have: Array.from({ length: 500 }, (_, i) => [now, `fake-${f}-${i}-padding`] as [number, string]),
        }),
      );
    await vi.waitFor(
      () => expect(hub.session.connectedPeers().find((p) => p.id === mallory.id)?.framesIn ?? 0).toBeGreaterThan(200),
      { timeout: 60_000 },
    );
    await quiet(hub, mallory);
    const held = heap() - before;
    // Older versions have no outstanding(): read their internal set instead.
    const sync = hub.sync as unknown as {
      outstanding?: (set: string) => number;
      sets: Map<string, { pending?: { size: number } }>;
    };
    const pending = sync.outstanding?.("listings") ?? sync.sets.get("listings")?.pending?.size ?? -1;
    rows.push(
      `| 3 SYNC have, 100,000 made-up keys | ${kb(traffic(network, mallory.id, hub.id, since))} | ${kb(traffic(network, hub.id, mallory.id, since))} | ${pending.toLocaleString("en")} pending, heap +${kb(Math.max(0, held))} |`,
    );
  }

  // 7. Censorship: a key dated MAX_SAFE_INTEGER, then the real listing from an honest peer.
  {
    const network = new MemoryNetwork();
    const alice = await node(network);
    const hub = await node(network);
    const mallory = await node(network);
    const listing = await post(alice, draft("Censored?"));
    await ready(network, hub, mallory);
    mallory.session.send(
      hub.id,
      frame({
        type: "SYNC",
        set: "listings",
        from: [0, ""],
        ranges: [],
        have: [[Number.MAX_SAFE_INTEGER, listing.id]],
      }),
    );
    await quiet(hub, mallory);
    await ready(network, hub, alice);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    rows.push(
      `| 7 announce updatedAt = MAX_SAFE_INTEGER | 1 frame | – | real listing fetched from honest peer within 2 s: ${(await hub.store.getListing(listing.id)) ? "yes" : "no"} |`,
    );
  }

  // 10. Incomplete photos: 60 listings, each photo missing one chunk.
  {
    const network = new MemoryNetwork();
    const hub = await node(network);
    const mallory = await node(network);
    const listings = [];
    for (let i = 0; i < 60; i++)
      listings.push(
        await createListing(mallory.identity, draft(`Photo ${i}`), Date.now(), [
          {
            hash: base64urlEncode(crypto.getRandomValues(new Uint8Array(32))),
            type: "image/webp",
            bytes: 100 * 1024,
            width: 640,
            height: 480,
          },
        ]),
      );
    await ready(network, mallory, hub);
    const since = network.sent.length;
    for (let i = 0; i < 60; i += 10)
      mallory.session.send(hub.id, frame({ type: "LISTING_BROADCAST", listings: listings.slice(i, i + 10) }));
    await quiet(hub, mallory);
    const chunk = base64urlEncode(crypto.getRandomValues(new Uint8Array(IMAGE_CHUNK_BYTES)));
    for (const listing of listings)
      for (const index of [0, 1, 3])
        mallory.session.send(
          hub.id,
          frame({ type: "IMAGE_CHUNK", hash: listing.images[0]?.hash as string, index, count: 4, data: chunk }),
        );
    await quiet(hub, mallory);
    const images = hub.images as unknown as {
      pending: Map<string, { chunks?: (Uint8Array | undefined)[] }>;
      partialBytes?: () => number;
    };
    const held = images.partialBytes
      ? images.partialBytes()
      : [...images.pending.values()].reduce(
          (n, p) => n + (p.chunks ?? []).reduce((m, c) => m + (c?.length ?? 0), 0),
          0,
        );
    rows.push(
      `| 10 incomplete photos, 60 × 3 of 4 chunks | ${kb(traffic(network, mallory.id, hub.id, since))} | – | ${kb(held)} of chunks held |`,
    );
  }

  // 14. A tombstone at the same millisecond as the live version, carried by sync only.
  {
    const network = new MemoryNetwork();
    const frozen = Date.now();
    const clock = { ...systemClock, now: () => frozen };
    const alice = await node(network, { clock });
    const bob = await node(network, { clock });
    const listing = await post(alice, draft("Lamp"));
    await ready(network, alice, bob);
    await vi.waitFor(async () => expect(await bob.store.getListing(listing.id)).toBeDefined(), { timeout: 5000 });
    alice.link.hangUp(bob.id);
    await vi.waitFor(() => expect(bob.session.readyPeers()).toEqual([]), { timeout: 5000 });
    await alice.api.remove(listing.id);
    await ready(network, alice, bob);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    rows.push(
      `| 14 tombstone, same updatedAt as the live version | – | – | tombstone reached the other peer by sync: ${(await bob.store.getListing(listing.id))?.deleted ? "yes" : "no"} |`,
    );
  }

  await closePeers();
  console.log(`\n| attack | bytes in | bytes out | held / effect |\n| --- | --- | --- | --- |\n${rows.join("\n")}`);
});
