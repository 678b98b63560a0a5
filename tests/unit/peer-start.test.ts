// A peer's start in two stages (startPeer, peer-board.ts): the board's calls answer once the
// identity and the block list are read, while the rest of the peer is still starting, and they
// never show what the whole peer would not; every other call waits for the rest, then answers.

import { describe, expect, it, vi } from "vitest";
import { generateIdentity } from "../../src/core/crypto.ts";
import type { Listing } from "../../src/core/listings/records.ts";
import { type PeerOptions, startPeer } from "../../src/core/peer.ts";
import type { PeerRecord } from "../../src/core/store.ts";
import { consoleLogger, systemClock } from "../../src/shared/system.ts";
import { MemoryNetwork } from "../support/memory-link.ts";
import { MemoryStore } from "../support/memory-store.ts";
import { unsignedListing } from "./fixtures.ts";

const NOW = Date.now();
const SHOWN = "pb-aaaaaaaaaaaaaaaaaaaaaaaaaa";
const BLOCKED = "pb-bbbbbbbbbbbbbbbbbbbbbbbbbb";

function listing(n: number, changes: Partial<Listing> = {}): Listing {
  const at = NOW - n * 1000;
  return unsignedListing(
    {
      id: `${SHOWN.slice(3)}-${n}`,
      author: SHOWN,
      createdAt: at,
      updatedAt: at,
      title: `lamp ${n}`,
      price: n,
      ...changes,
    },
    NOW,
  );
}

/** A store whose peer list, read only by the second stage, comes when the test says. */
class SlowPeersStore extends MemoryStore {
  private release: () => void = () => {};
  private readonly released = new Promise<void>((resolve) => {
    this.release = resolve;
  });
  peersAsked = false;
  override async listPeers(): Promise<PeerRecord[]> {
    this.peersAsked = true;
    await this.released;
    return super.listPeers();
  }
  letPeersThrough(): void {
    this.release();
  }
}

async function storeWithBoard(): Promise<SlowPeersStore> {
  const store = new SlowPeersStore();
  await store.initIdentity(await generateIdentity(NOW));
  await store.putListingsIf(
    [
      listing(1),
      listing(2),
      listing(3, { author: BLOCKED, id: `${BLOCKED.slice(3)}-3` }),
      listing(4, { expiresAt: NOW - 1 }),
      listing(5, { deleted: true }),
    ],
    () => true,
  );
  await store.setMeta("blocked", [BLOCKED]);
  return store;
}

/** A peer started on `store`, alone on a memory network, with no background loops. */
async function startOn(store: SlowPeersStore, options: PeerOptions = {}) {
  const identity = await store.loadIdentity();
  const link = new MemoryNetwork().link(identity?.peerId ?? "");
  const start = await startPeer(
    { store, link, clock: systemClock, logger: consoleLogger },
    { background: false, ...options },
  );
  return { identity, link, start };
}

describe("a peer's start in two stages", () => {
  it("the board's first page and count answer before the rest of the peer has started, without blocked, expired or deleted listings", async () => {
    const store = await storeWithBoard();
    const { identity, link, start } = await startOn(store);

    const page = await start.api.search({ text: "", sort: "newest", limit: 30 });
    expect(page.listings.map((l) => l.id)).toEqual([listing(1).id, listing(2).id]);
    expect(page.total).toBe(2);
    expect(await start.api.listingCount()).toBe(2);
    expect((await start.api.search({ text: "lamp" })).total).toBe(2);
    expect(await start.api.status()).toEqual({ peerId: identity?.peerId, radio: link.state, peers: [] });
    expect(await start.api.blockedPeers()).toEqual([BLOCKED]);
    // The second stage is still waiting for its read of the peers (once its module is loaded).
    await vi.waitFor(() => expect(store.peersAsked).toBe(true), { timeout: 10_000 });

    store.letPeersThrough();
    const peer = await start.peer;
    expect(await peer.api.search({ text: "", sort: "newest", limit: 30 })).toEqual(page);
    expect(await peer.api.listingCount()).toBe(2);
    peer.dispose();
  });

  it("every other call waits for the rest of the start, then answers in the order asked", async () => {
    const store = await storeWithBoard();
    const { start } = await startOn(store);
    const answered: string[] = [];
    const deals = start.api.deals().then((list) => answered.push(`deals ${list.length}`));
    const saved = start.api.savedSearches().then((list) => answered.push(`saved ${list.length}`));
    await start.api.listingCount();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(answered).toEqual([]);

    store.letPeersThrough();
    await Promise.all([deals, saved]);
    expect(answered).toEqual(["deals 0", "saved 0"]);
    (await start.peer).dispose();
  });

  it("a second stage the host holds back waits for it while the board answers, and a call that needs it starts it at once", async () => {
    const store = await storeWithBoard();
    store.letPeersThrough();
    const { start } = await startOn(store, { secondStageAfter: () => new Promise(() => {}) });
    expect((await start.api.search({ text: "", sort: "newest", limit: 30 })).total).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(store.peersAsked).toBe(false);

    // Not the board's: it needs the whole peer, which starts for it and then answers.
    expect(await start.api.deals()).toEqual([]);
    expect(store.peersAsked).toBe(true);
    (await start.peer).dispose();
  });

  it("a held second stage starts once what it waits for settles, even by failing", async () => {
    const store = await storeWithBoard();
    store.letPeersThrough();
    let fail: (error: Error) => void = () => undefined;
    const held = new Promise((_, reject) => {
      fail = reject;
    });
    const { start } = await startOn(store, { secondStageAfter: () => held });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(store.peersAsked).toBe(false);
    fail(new Error("the host's first screen never came"));
    const peer = await start.peer;
    expect(store.peersAsked).toBe(true);
    peer.dispose();
  });

  it("a second stage held for the first search answered starts once a search is answered, not on the board's other calls", async () => {
    const store = await storeWithBoard();
    store.letPeersThrough();
    const { start } = await startOn(store, { secondStageAfter: ({ searchAnswered }) => searchAnswered });
    expect(await start.api.listingCount()).toBe(2);
    expect(await start.api.blockedPeers()).toEqual([BLOCKED]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(store.peersAsked).toBe(false);

    expect((await start.api.search({ text: "lamp" })).total).toBe(2);
    const peer = await start.peer;
    expect(store.peersAsked).toBe(true);
    peer.dispose();
  });
});
