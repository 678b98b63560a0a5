// A first sync's frames are verified while the frames before them are being stored, and the frames
// that come during one store transaction go into the next together; frames for other features, and
// whoever waits for a peer's frames to be handled, still see every listing that came before.

import { afterEach, describe, expect, it, vi } from "vitest";
import { generateIdentity } from "../../src/core/crypto.ts";
import { createListing } from "../../src/core/listings/draft.ts";
import { GroupWriter } from "../../src/core/listings/group-writer.ts";
import type { Listing } from "../../src/core/listings/records.ts";
import type { StoredListing } from "../../src/core/store.ts";
import { frame } from "../../src/core/wire.ts";
import { MemoryNetwork } from "../support/memory-link.ts";
import { MemoryStore } from "../support/memory-store.ts";
import { buildPeer, type TestPeer } from "../support/peers.ts";
import { draft } from "./fixtures.ts";

const WAIT = { timeout: 5_000, interval: 5 };
const peers: TestPeer[] = [];
afterEach(async () => {
  for (const peer of peers.splice(0)) await peer.close();
});

/** A MemoryStore whose listing writes wait while held, and that notes each batch. */
class GatedStore extends MemoryStore {
  readonly batches: number[] = [];
  private gate: Promise<void> | undefined;
  private release: (() => void) | undefined;

  hold(): void {
    this.gate = new Promise((resolve) => {
      this.release = resolve;
    });
  }

  let(): void {
    this.release?.();
    this.gate = undefined;
  }

  override async putListingsIf(
    listings: Listing[],
    accept: (listing: Listing, stored: Listing | undefined) => boolean,
  ): Promise<StoredListing[]> {
    this.batches.push(listings.length);
    await this.gate;
    return super.putListingsIf(listings, accept);
  }
}

async function signed(count: number): Promise<Listing[]> {
  const author = await generateIdentity(Date.now());
  const now = Date.now();
  return Promise.all(
    Array.from({ length: count }, (_, i) => createListing(author, draft({ title: `Listing ${i}` }), now - 60_000 + i)),
  );
}

async function pair() {
  const network = new MemoryNetwork();
  const store = new GatedStore();
  const hub = await buildPeer(network, { store });
  const sender = await buildPeer(network, { memory: true });
  peers.push(hub, sender);
  network.connect(hub.id, sender.id);
  await vi.waitFor(() => {
    expect(hub.session.readyPeers()).toContain(sender.id);
    expect(sender.session.readyPeers()).toContain(hub.id);
  }, WAIT);
  await hub.session.whenIdle(sender.id);
  await sender.session.whenIdle(hub.id);
  store.batches.length = 0;
  const framesIn = () => hub.session.connectedPeers().find((p) => p.id === sender.id)?.framesIn ?? 0;
  return { hub, sender, store, framesIn };
}

describe("receiving a first sync", () => {
  it("verifies the next frames while one is stored, then stores them in one transaction", async () => {
    const { hub, sender, store } = await pair();
    const listings = await signed(100);
    store.hold();
    for (let i = 0; i < 100; i += 20)
      sender.session.send(hub.id, frame({ type: "LISTING_BROADCAST", listings: listings.slice(i, i + 20) }));
    // The first frame is stored at once, alone: the first screen does not wait for a group.
    await vi.waitFor(() => expect(store.batches).toEqual([20]), WAIT);
    // Its transaction is held, and the four frames after it are verified meanwhile.
    await vi.waitFor(() => expect(hub.listings.backlog).toBe(80), WAIT);
    expect(hub.received).toHaveLength(0);
    store.let();
    await hub.session.whenIdle(sender.id);
    expect(store.batches).toEqual([20, 80]);
    expect((await hub.store.listListings()).length).toBe(100);
    expect(hub.received.map((l) => l.id).sort()).toEqual(listings.map((l) => l.id).sort());
  });

  it("a frame for another feature waits until the listings before it are stored", async () => {
    const { hub, sender, store, framesIn } = await pair();
    const listings = await signed(20);
    const sync = hub.sync;
    if (!sync) throw new Error("the hub runs reconciliation");
    const syncFrames = vi.spyOn(sync, "onFrame");
    store.hold();
    const before = framesIn();
    sender.session.send(hub.id, frame({ type: "LISTING_BROADCAST", listings }));
    sender.session.send(
      hub.id,
      frame({ type: "SYNC", set: "listings", from: [0, ""], ranges: [], have: [[Date.now(), "not-held-yet"]] }),
    );
    await vi.waitFor(() => expect(framesIn()).toBeGreaterThanOrEqual(before + 2), WAIT);
    await vi.waitFor(() => expect(store.batches).toEqual([20]), WAIT);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(syncFrames).not.toHaveBeenCalled();
    let idle = false;
    const waited = hub.session.whenIdle(sender.id).then(() => {
      idle = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(idle).toBe(false);
    store.let();
    await waited;
    expect(syncFrames).toHaveBeenCalled();
    expect((await hub.store.listListings()).length).toBe(20);
  });
});

describe("GroupWriter", () => {
  const deferred = () => {
    let resolve = () => {};
    const promise = new Promise<void>((r) => {
      resolve = r;
    });
    return { promise, resolve };
  };

  it("groups what comes during a write, up to its size cap, and an entry over the cap goes alone", async () => {
    const groups: number[][] = [];
    const gate = deferred();
    const writer = new GroupWriter<number[], number>(
      async (entries) => {
        groups.push(entries.map((e) => e.length));
        if (groups.length === 1) await gate.promise;
        return entries.map((e) => e.length);
      },
      (entry) => entry.length,
      5,
    );
    const results = [[1], [1, 1], [1, 1], [1, 1], Array(9).fill(1), [1]].map((entry) => writer.add(entry));
    expect(writer.backlog).toBe(16);
    gate.resolve();
    expect(await Promise.all(results)).toEqual([1, 2, 2, 2, 9, 1]);
    expect(groups).toEqual([[1], [2, 2], [2], [9], [1]]);
    expect(writer.backlog).toBe(0);
  });

  it("a failed write fails only its own group's entries, and the next group is written", async () => {
    let calls = 0;
    const gate = deferred();
    const writer = new GroupWriter<string, string>(
      async (entries) => {
        calls++;
        if (calls === 1) {
          await gate.promise;
          throw new Error("disk full");
        }
        return entries;
      },
      () => 1,
      10,
    );
    const first = writer.add("a");
    const second = writer.add("b");
    gate.resolve();
    await expect(first).rejects.toThrow("disk full");
    expect(await second).toBe("b");
    await writer.idle();
  });

  it("room waits until the backlog is taken into a group; idle until all is written", async () => {
    const gate = deferred();
    const written: string[] = [];
    const writer = new GroupWriter<string, void>(
      async (entries) => {
        if (!written.length) await gate.promise;
        written.push(...entries);
        return entries.map(() => undefined);
      },
      () => 1,
      2,
    );
    void writer.add("a");
    void writer.add("b");
    void writer.add("c");
    let room = false;
    const waited = writer.room(1).then(() => {
      room = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(room).toBe(false);
    gate.resolve();
    await waited;
    expect(writer.backlog).toBeLessThanOrEqual(1);
    await writer.idle();
    expect(written).toEqual(["a", "b", "c"]);
  });
});
