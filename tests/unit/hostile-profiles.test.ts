// Profiles are one per identity, and identities are free: a peer inside the rate limits passing on
// the profiles of made-up people must not grow a hub's store without bound, nor push out the
// profiles the user needs (authors of listings on the board, people they deal or talk with).

import { describe, expect, it, vi } from "vitest";
import { generateIdentity, type Identity, type PeerId } from "../../src/core/crypto.ts";
import { type Profile, signProfile } from "../../src/core/profiles/profile.ts";
import { OTHER_PROFILES } from "../../src/core/profiles/profile-quota.ts";
import { frame } from "../../src/core/wire.ts";
import { MemoryStore } from "../support/memory-store.ts";
import { post, type TestPeer } from "../support/peers.ts";
import { usePeers } from "../support/use-peers.ts";
import { draft } from "./fixtures.ts";

const WAIT = { timeout: 5_000, interval: 10 };
const { node, connect, network: net } = usePeers({ defaults: { memory: true }, quiet: true });

/** Connects and waits until the hub holds the peer's own profile (it comes by reconciliation). */
async function meet(peer: TestPeer, hub: TestPeer): Promise<void> {
  await connect(peer, hub);
  await vi.waitFor(async () => expect(await hub.store.getProfile(peer.id)).toBeDefined(), WAIT);
}

/** Signed profiles of `n` made-up people: what a free identity costs to make. */
async function sybils(n: number, about = "", dated = (_i: number) => Date.now()): Promise<Profile[]> {
  const identities: Identity[] = await Promise.all(Array.from({ length: n }, () => generateIdentity(Date.now())));
  return Promise.all(identities.map((id, i) => signProfile(id, { name: `Sybil ${i}`, about }, dated(i))));
}

/** The peer ids whose profiles the hub holds, its own left out. */
async function held(hub: TestPeer): Promise<PeerId[]> {
  return (await hub.store.listProfiles()).map((p) => p.peerId).filter((id) => id !== hub.id);
}

async function flood(from: TestPeer, hub: TestPeer, profiles: Profile[]): Promise<void> {
  for (let i = 0; i < profiles.length; i += 50)
    from.session.send(hub.id, frame({ type: "PROFILE_BROADCAST", profiles: profiles.slice(i, i + 50) }));
  await vi.waitFor(async () => {
    await hub.session.whenIdle(from.id);
    const last = profiles.at(-1) as Profile;
    expect(await hub.store.getProfile(last.peerId)).toEqual(last);
  }, WAIT);
}

describe("the profile store is bounded in total", () => {
  it("the default cap is ample for a community and finite", () => {
    expect(OTHER_PROFILES.count).toBeGreaterThanOrEqual(1_000);
    expect(OTHER_PROFILES.bytes).toBeLessThanOrEqual(64 * 1024 * 1024);
  });

  it("a flood of made-up people keeps a fixed number, pushes out the least recently seen, and never the people the user needs", async () => {
    const hub = await node({ otherProfiles: { count: 5 } });
    // Alice has a listing on the board; the user wrote to Bob; Carol only passed by.
    const alice = await node();
    const bob = await node();
    const carol = await node();
    await alice.profiles.save({ name: "Alice", about: "" });
    const lamp = await post(alice, draft({ title: "Lamp" }));
    for (const peer of [alice, bob, carol]) await connect(peer, hub);
    await vi.waitFor(async () => expect(await hub.store.getListing(lamp.id)).toEqual(lamp), WAIT);
    await hub.chat.send(bob.id, "about-the-lamp", "Hello Bob");
    await vi.waitFor(async () => {
      for (const peer of [alice, bob, carol]) expect(await hub.store.getProfile(peer.id)).toBeDefined();
    }, WAIT);
    net().disconnect(carol.id, hub.id);

    const mallory = await node();
    await meet(mallory, hub);
    const made = await sybils(30);
    await flood(mallory, hub, made);

    const kept = await held(hub);
    expect(kept).toContain(alice.id);
    expect(kept).toContain(bob.id);
    // Five of those nobody needs, and they are the five seen last: Carol, Mallory and the first sybils went.
    const others = kept.filter((id) => id !== alice.id && id !== bob.id);
    expect(others.sort()).toEqual(
      made
        .slice(-5)
        .map((p) => p.peerId)
        .sort(),
    );

    // Carol's profile is welcome again when she is met again: the hub did not go on claiming it.
    await connect(carol, hub);
    await vi.waitFor(async () => expect(await hub.store.getProfile(carol.id)).toBeDefined(), WAIT);
    expect((await held(hub)).filter((id) => id !== alice.id && id !== bob.id)).toHaveLength(5);
  }, 30_000);

  it("meeting someone again counts as seeing them: their profile is not the one to go", async () => {
    const hub = await node({ otherProfiles: { count: 3 } });
    const [dave, carol, mallory] = [await node(), await node(), await node()];
    for (const peer of [dave, carol, mallory]) {
      await meet(peer, hub);
      net().disconnect(peer.id, hub.id);
    }
    // Dave, met first, comes back: his profile is the same, and he is seen now.
    await connect(dave, hub);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await meet(mallory, hub);
    const [sybil] = await sybils(1);
    await flood(mallory, hub, [sybil as Profile]);
    const kept = await held(hub);
    expect(kept).toContain(dave.id);
    expect(kept).not.toContain(carol.id);
    expect(kept).toHaveLength(3);
  }, 30_000);

  it("bounds the bytes too: long profiles fill the room sooner", async () => {
    const hub = await node({ otherProfiles: { count: 1_000, bytes: 12 * 1024 } });
    const mallory = await node();
    await meet(mallory, hub);
    const long = await sybils(20, "x".repeat(1_900));
    await flood(mallory, hub, long);
    const stored = (await hub.store.listProfiles()).filter((p) => p.peerId !== hub.id);
    const bytes = stored.reduce((sum, p) => sum + JSON.stringify(p).length, 0);
    expect(bytes).toBeLessThanOrEqual(12 * 1024);
    expect(stored.length).toBeGreaterThan(0);
    expect(stored.length).toBeLessThan(20);
  }, 30_000);

  it("a store that already holds more than the cap (from before it) is brought under it at the next arrival", async () => {
    const store = new MemoryStore();
    // Dated apart, oldest first: nothing says when they were last seen but their dates.
    const old = await sybils(10, "", (i) => Date.now() - 60_000 + i * 1_000);
    for (const profile of old) await store.putProfileIf(profile, () => true);
    const hub = await node({ store, otherProfiles: { count: 4 } });
    const mallory = await node();
    await meet(mallory, hub);
    const [late] = await sybils(1);
    await flood(mallory, hub, [late as Profile]);
    const kept = await held(hub);
    // The newcomer, Mallory (met just before) and the two most recently dated of the old ones.
    expect(kept.sort()).toEqual([late?.peerId, mallory.id, old[8]?.peerId, old[9]?.peerId].sort());
  }, 30_000);
});
