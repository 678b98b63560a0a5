import "fake-indexeddb/auto";
import fc from "fast-check";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { generateIdentity, type Identity } from "../../src/core/crypto.ts";
import { createProfile, type Profile, profileSupersedes, verifyProfile } from "../../src/core/profiles/profile.ts";
import { frame } from "../../src/core/wire.ts";
import { MemoryNetwork } from "../support/memory-link.ts";
import { buildPeer, type TestPeer } from "../support/peers.ts";

const NOW = 1_700_000_000_000;
let alice: Identity;
let bob: Identity;
let carol: Identity;

beforeAll(async () => {
  [alice, bob, carol] = await Promise.all([generateIdentity(NOW), generateIdentity(NOW), generateIdentity(NOW)]);
});

describe("profile records", () => {
  it("a saved profile verifies; changed after signing or under another key it does not", async () => {
    const profile = await createProfile(alice, { name: " Alice ", about: "Fixes bikes." }, NOW);
    expect(profile).toMatchObject({ peerId: alice.peerId, name: "Alice", updatedAt: NOW });
    expect(await verifyProfile(profile, NOW)).toEqual({ ok: true });
    expect(await verifyProfile({ ...profile, name: "Mallory" }, NOW)).toEqual({ ok: false, reason: "bad-signature" });
    expect(await verifyProfile({ ...profile, publicKey: bob.publicKey }, NOW)).toEqual({
      ok: false,
      reason: "key-mismatch",
    });
    const future = await createProfile(alice, { name: "A", about: "" }, NOW + 60 * 60 * 1000);
    expect(await verifyProfile(future, NOW)).toEqual({ ok: false, reason: "from-the-future" });
  });

  it("refuses an empty or overlong name and an overlong about, naming the field", async () => {
    await expect(createProfile(alice, { name: "  ", about: "" }, NOW)).rejects.toMatchObject({ field: "name" });
    await expect(createProfile(alice, { name: "x".repeat(81), about: "" }, NOW)).rejects.toMatchObject({
      field: "name",
    });
    await expect(createProfile(alice, { name: "A", about: "x".repeat(2001) }, NOW)).rejects.toMatchObject({
      field: "about",
    });
  });

  it("the newest version wins whatever the delivery order", async () => {
    const versions: Profile[] = [];
    let previous: Profile | undefined;
    for (const [i, at] of [NOW, NOW + 5, NOW + 5, NOW + 2].entries()) {
      previous = await createProfile(alice, { name: `Alice ${i}`, about: "" }, at, i === 3 ? undefined : previous);
      versions.push(previous);
    }
    const fold = (order: Profile[]) =>
      order.reduce<Profile | undefined>((stored, next) => (profileSupersedes(next, stored) ? next : stored), undefined);
    const expected = fold(versions);
    expect(expected?.updatedAt).toBe(NOW + 6);
    fc.assert(
      fc.property(fc.shuffledSubarray(versions, { minLength: versions.length }), (order) => {
        expect(fold(order)).toEqual(expected);
      }),
    );
  });
});

describe("USER_INFO between peers", () => {
  const peers: TestPeer[] = [];
  afterEach(async () => {
    for (const peer of peers.splice(0)) await peer.close();
    vi.restoreAllMocks();
  });

  async function node(identity: Identity, network: MemoryNetwork) {
    const peer = await buildPeer(network, { identity });
    peers.push(peer);
    return peer;
  }

  async function ready(a: TestPeer, peer: string) {
    await vi.waitFor(() => expect(a.session.readyPeers()).toContain(peer), { timeout: 3000 });
  }

  it("a saved profile reaches connected peers and is relayed one hop further; newcomers get it on connect", async () => {
    const network = new MemoryNetwork();
    const a = await node(alice, network);
    const b = await node(bob, network);
    const c = await node(carol, network);
    network.connect(alice.peerId, bob.peerId);
    network.connect(bob.peerId, carol.peerId);
    await ready(a, bob.peerId);
    await ready(c, bob.peerId);
    expect(await a.profiles.save({ name: "Alice", about: "Bikes" })).toMatchObject({ ok: true });
    await vi.waitFor(async () => expect((await c.store.getProfile(alice.peerId))?.name).toBe("Alice"));
    expect(await b.profiles.names()).toEqual({ [alice.peerId]: { name: "Alice" } });

    await a.profiles.save({ name: "Alice B.", about: "Bikes" });
    await vi.waitFor(async () => expect((await c.store.getProfile(alice.peerId))?.name).toBe("Alice B."));

    // Dave arrives later and meets only Carol: he hears of Alice from her store.
    const dave = await generateIdentity(NOW);
    const d = await node(dave, network);
    network.connect(dave.peerId, carol.peerId);
    await vi.waitFor(async () => expect((await d.store.getProfile(alice.peerId))?.name).toBe("Alice B."));
  });

  it("an older copy does not replace a newer one, and a forged profile counts against the sender", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const network = new MemoryNetwork();
    const a = await node(alice, network);
    const b = await node(bob, network);
    network.connect(alice.peerId, bob.peerId);
    await ready(a, bob.peerId);
    const old = await createProfile(carol, { name: "Carol", about: "" }, Date.now() - 1000);
    const newer = await createProfile(carol, { name: "Carol v2", about: "" }, Date.now(), old);
    b.session.send(alice.peerId, frame({ type: "USER_INFO", profile: newer }));
    b.session.send(alice.peerId, frame({ type: "USER_INFO", profile: old }));
    b.session.send(
      alice.peerId,
      frame({ type: "USER_INFO", profile: { ...newer, name: "Forged", updatedAt: Date.now() } }),
    );
    await vi.waitFor(() => expect(a.session.policy.score(bob.peerId)).toBeGreaterThan(0));
    expect((await a.store.getProfile(carol.peerId))?.name).toBe("Carol v2");
  });
});
