// PEER_LIST introduces the peers we met most recently, never the one it goes to, and never
// someone we would not talk to ourselves.

import { describe, expect, it } from "vitest";
import type { PeerId } from "../../src/core/crypto.ts";
import { peerListFrame } from "../../src/core/session/peer-list.ts";
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

describe("PEER_LIST", () => {
  it("lists the peers met, newest first, leaving out the one it goes to", async () => {
    const store = await storeWith([A, 1], [B, 3], [C, 2]);
    expect(listed(await peerListFrame(store, C))).toEqual([B, A]);
  });

  it("never introduces a peer the user blocked or the policy banned", async () => {
    // Seen in e2e: Carol, connected only to Alice, dialled Bob from Alice's list and got his
    // listing although Alice had blocked him.
    const store = await storeWith([A, 1], [B, 3], [C, 2]);
    expect(listed(await peerListFrame(store, C, (peer) => peer === B))).toEqual([A]);
  });
});
