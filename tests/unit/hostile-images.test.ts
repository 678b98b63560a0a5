// Photos against a hostile peer that stays inside the rate limits: a listing that names an honest
// photo's hash with a wrong size must not get honest senders struck, and chunks of photos that
// never complete must not be held forever.

import "fake-indexeddb/auto";
import { describe, expect, it, vi } from "vitest";
import { base64urlEncode } from "../../src/core/encoding.ts";
import { createListing } from "../../src/core/listings/draft.ts";
import { frame, IMAGE_CHUNK_BYTES } from "../../src/core/wire.ts";
import { systemClock } from "../../src/shared/system.ts";
import { MemoryNetwork } from "../support/memory-link.ts";
import { randomBytes, usePhotoPeers } from "../support/photo-peers.ts";
import { draft } from "./fixtures.ts";

const { node, ready } = usePhotoPeers();

describe("photos from a hostile peer", () => {
  it("a listing that names an honest photo's hash with another size gets nobody struck, and the photo arrives", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const network = new MemoryNetwork();
    const alice = await node(network);
    const bob = await node(network);
    const mallory = await node(network);
    const posted = await alice.actions.post({ ...draft(), photos: [new Blob([randomBytes(IMAGE_CHUNK_BYTES + 500)])] });
    if (!posted.ok) throw new Error(posted.message);
    const ref = posted.listing.images[0];
    if (!ref) throw new Error("no image ref");
    // Mallory's own listing names Alice's photo but claims four times as many bytes.
    const poisoned = await createListing(mallory.identity, draft({ title: "Poisoned" }), Date.now(), [
      { ...ref, bytes: Math.min(100 * 1024, ref.bytes * 4) },
    ]);
    network.connect(mallory.id, bob.id);
    await ready(bob, mallory.id);
    mallory.session.send(bob.id, frame({ type: "LISTING_BROADCAST", listings: [poisoned] }));
    await vi.waitFor(async () => expect(await bob.store.getListing(poisoned.id)).toBeDefined(), { timeout: 3000 });
    network.connect(alice.id, bob.id);
    await ready(bob, alice.id);
    await vi.waitFor(async () => expect(await bob.store.getImage(ref.hash)).toBeDefined(), { timeout: 3000 });
    expect(bob.session.policy.standing(alice.id).total).toBe(0);
  });

  it("chunks of a photo that never completes are dropped after a while, and never hold more than the cap", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => undefined);
    let now = Date.now();
    const clock = { ...systemClock, now: () => now };
    const network = new MemoryNetwork();
    const bob = await node(network, { clock });
    const mallory = await node(network);
    // Sixty listings, each with a full-size photo Mallory never completes.
    const listings = [];
    for (let i = 0; i < 60; i++) {
      const hash = base64urlEncode(randomBytes(32));
      listings.push(
        await createListing(mallory.identity, draft({ title: `Photo ${i}` }), Date.now(), [
          { hash, type: "image/webp", bytes: 100 * 1024, width: 640, height: 480 },
        ]),
      );
    }
    network.connect(mallory.id, bob.id);
    await ready(bob, mallory.id);
    for (let i = 0; i < listings.length; i += 10)
      mallory.session.send(bob.id, frame({ type: "LISTING_BROADCAST", listings: listings.slice(i, i + 10) }));
    await vi.waitFor(async () => expect((await bob.store.listListings()).length).toBe(60), { timeout: 5000 });
    const chunk = base64urlEncode(randomBytes(IMAGE_CHUNK_BYTES));
    for (const listing of listings)
      for (let index = 0; index < 4; index++)
        if (index !== 2)
          mallory.session.send(
            bob.id,
            frame({ type: "IMAGE_CHUNK", hash: listing.images[0]?.hash as string, index, count: 4, data: chunk }),
          );
    await bob.session.whenIdle(mallory.id);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await bob.session.whenIdle(mallory.id);
    // Held up to the cap, so the expiry below has something to drop.
    expect(bob.images.partialBytes()).toBeGreaterThan(512 * 1024);
    expect(bob.images.partialBytes()).toBeLessThanOrEqual(1024 * 1024);
    now += 10 * 60_000;
    await bob.images.fetch([]);
    expect(bob.images.partialBytes()).toBe(0);
  });

  it("photos nobody sends do not keep a later one from being asked, and are forgotten with their listings", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const network = new MemoryNetwork();
    const bob = await node(network);
    const mallory = await node(network);
    const alice = await node(network);
    const madeUp = [];
    for (let i = 0; i < 20; i++)
      madeUp.push(
        await createListing(mallory.identity, draft({ title: `Made up ${i}` }), Date.now(), [
          { hash: base64urlEncode(randomBytes(32)), type: "image/webp", bytes: 1000, width: 640, height: 480 },
        ]),
      );
    const posted = await alice.actions.post({
      ...draft({ title: "Real photo" }),
      photos: [new Blob([randomBytes(900)])],
    });
    if (!posted.ok) throw new Error(posted.message);
    const ref = posted.listing.images[0];
    if (!ref) throw new Error("no image ref");
    // Mallory brings twenty listings whose photos nobody has, then passes on Alice's (signed by her).
    network.connect(mallory.id, bob.id);
    await ready(bob, mallory.id);
    for (let i = 0; i < madeUp.length; i += 10)
      mallory.session.send(bob.id, frame({ type: "LISTING_BROADCAST", listings: madeUp.slice(i, i + 10) }));
    mallory.session.send(bob.id, frame({ type: "LISTING_BROADCAST", listings: [posted.listing] }));
    await vi.waitFor(async () => expect(await bob.store.getListing(posted.listing.id)).toBeDefined(), {
      timeout: 3000,
    });
    await vi.waitFor(() => expect(bob.images.pendingCount()).toBe(21), { timeout: 3000 });
    network.connect(alice.id, bob.id);
    await ready(bob, alice.id);
    await vi.waitFor(async () => expect(await bob.store.getImage(ref.hash)).toBeDefined(), { timeout: 3000 });
    // Their listings gone, the photos waited for are let go at the next collection.
    for (const listing of madeUp.slice(0, 15)) await bob.store.deleteListingIf(listing.id, () => true);
    await bob.images.collect(await bob.images.referenced());
    expect(bob.images.pendingCount()).toBe(5);
  });
});
