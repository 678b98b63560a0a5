// PEER_LIST introduces the peers we met most recently, never the one it goes to, and never
// someone we would not talk to ourselves.

import { describe, expect, it } from "vitest";
import type { PeerId } from "../../src/core/crypto.ts";
import { peerListFrame, rememberProven } from "../../src/core/session/peer-list.ts";
import { MemoryStore } from "../support/memory-store.ts";

const A = "pb-aaaaaaaaaaaaaaaaaaaaaaaaaa" as PeerId;
const B = "pb-bbbbbbbbbbbbbbbbbbbbbbbbbb" as PeerId;
const C = "pb-cccccccccccccccccccccccccc" as PeerId;

async function storeWith(...peers: [PeerId, number][]): Promise<MemoryStore> {
  const store = new MemoryStore();
  for (const [id, lastSeen] of peers) await store.rememberPeer({ id, publicKey: "k", lastSeen });
  return store;
}

const listed = (frame: unknown) => (frame as { peers: { id: PeerId }[] }).peers.map((p) => p.id);

const known = async (store: MemoryStore) => (await store.listPeers()).sort((a, b) => b.lastSeen - a.lastSeen);

describe("PEER_LIST", () => {
  it("lists the peers met, newest first, leaving out the one it goes to", async () => {
    const store = await storeWith([A, 1], [B, 3], [C, 2]);
    expect(listed(peerListFrame(await known(store), C))).toEqual([B, A]);
  });

  it("never introduces a peer the user blocked or the policy banned", async () => {
    // Seen in e2e: Carol, connected only to Alice, dialled Bob from Alice's list and got his
    // listing although Alice had blocked him.
    const store = await storeWith([A, 1], [B, 3], [C, 2]);
    expect(listed(peerListFrame(await known(store), C, (peer) => peer === B))).toEqual([A]);
  });
});

describe("the peers remembered", () => {
  it("are bounded: past the cap the least recently seen are forgotten, never the one just met", async () => {
    const store = await storeWith([A, 5], [B, 1]);
    const kept = await rememberProven(store, { id: C, publicKey: "k", lastSeen: 3 }, 2);
    expect(kept.map((p) => p.id)).toEqual([A, C]);
    expect((await store.listPeers()).map((p) => p.id)).toEqual([A, C]);
    expect(await store.getPeer(B)).toBeUndefined();
    // Met again, B is the most recent: the oldest other goes.
    await rememberProven(store, { id: B, publicKey: "k", lastSeen: 9 }, 2);
    expect((await store.listPeers()).map((p) => p.id)).toEqual([A, B]);
  });

  it("keep a banned peer past the cap while its ban runs (forgotten, it would be forgiven at a restart)", async () => {
    const store = await storeWith([A, 5]);
    await store.rememberPeer({
      id: B,
      publicKey: "k",
      lastSeen: 1,
      misbehaviour: { total: 200, totalSince: 1, bannedUntil: 100 },
    });
    const kept = await rememberProven(store, { id: C, publicKey: "k", lastSeen: 10 }, 2);
    // The most recently seen first, as PEER_LIST wants them.
    expect(kept.map((p) => p.id)).toEqual([C, B]);
    expect(await store.getPeer(A)).toBeUndefined();
    expect((await store.getPeer(B))?.misbehaviour?.bannedUntil).toBe(100);
    // Its ban over, it is one more peer seen long ago, and the first to go.
    await rememberProven(store, { id: A, publicKey: "k", lastSeen: 200 }, 2);
    expect((await store.listPeers()).map((p) => p.id).sort()).toEqual([A, C]);
  });

  it("keep the peer just met even when banned peers alone fill the cap, the bans ending soonest going first", async () => {
    const store = new MemoryStore();
    const banned = (id: PeerId, bannedUntil: number) =>
      store.rememberPeer({ id, publicKey: "k", lastSeen: 1, misbehaviour: { total: 200, totalSince: 1, bannedUntil } });
    await banned(A, 500);
    await banned(B, 400);
    const kept = await rememberProven(store, { id: C, publicKey: "k", lastSeen: 10 }, 2);
    expect(kept.map((p) => p.id)).toEqual([C, A]);
    expect(await store.getPeer(B)).toBeUndefined();
  });
});
