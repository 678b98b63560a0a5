// Rate limits, scores, disconnects and bans (issue 8).

import "fake-indexeddb/auto";
import { describe, expect, it, vi } from "vitest";
import { generateIdentity, type Identity } from "../../src/core/crypto.ts";
import { createListing } from "../../src/core/listings/draft.ts";
import { challengeFrame, newNonce, proofFrame } from "../../src/core/session/handshake.ts";
import { ACCOUNTS_MAX, DEFAULT_POLICY, Policy, type PolicySettings } from "../../src/core/session/policy.ts";
import { frame } from "../../src/core/wire.ts";
import { InjectLink, isChallenge } from "../support/inject-link.ts";
import { MemoryNetwork } from "../support/memory-link.ts";
import { buildPeer } from "../support/peers.ts";
import { draft } from "./fixtures.ts";

const PEER = "pb-aaaaaaaaaaaaaaaaaaaaaaaaaa";

function policy(settings: Partial<PolicySettings> = {}) {
  let now = 1_000_000;
  const disconnected: string[] = [];
  const p = new Policy(
    (peer) => disconnected.push(peer),
    settings,
    () => now,
  );
  return { p, disconnected, advance: (ms: number) => (now += ms) };
}

describe("Policy", () => {
  it("admits a burst, then throttles until the bucket refills", () => {
    const { p, advance } = policy({ burstFrames: 5, framesPerSecond: 2 });
    const admitted = Array.from({ length: 8 }, () => p.admit(PEER, 10, true)).filter(Boolean).length;
    expect(admitted).toBe(5);
    advance(1_000);
    expect([p.admit(PEER, 10, true), p.admit(PEER, 10, true), p.admit(PEER, 10, true)]).toEqual([true, true, false]);
  });

  it("limits bytes as well as frames", () => {
    const { p, advance } = policy({ burstBytes: 1_000, bytesPerSecond: 100 });
    expect(p.admit(PEER, 800, true)).toBe(true);
    expect(p.admit(PEER, 300, true)).toBe(false);
    advance(1_000);
    expect(p.admit(PEER, 300, true)).toBe(true);
  });

  it("a flood is throttled, then disconnected once the score passes the limit", () => {
    const { p, disconnected } = policy({ burstFrames: 1, framesPerSecond: 0.001 });
    p.admit(PEER, 1, true);
    for (let i = 0; i < DEFAULT_POLICY.disconnectScore - 1; i++) p.admit(PEER, 1, true);
    expect(disconnected).toEqual([]);
    p.admit(PEER, 1, true);
    expect(disconnected).toEqual([PEER]);
  });

  it("bans an identity whose proven offences pass banScore, for banMs", () => {
    const { p, disconnected, advance } = policy({ banScore: 30, banMs: 60_000 });
    for (let i = 0; i < 6; i++) p.strike(PEER, "bad-record", true);
    expect(p.isBanned(PEER)).toBe(true);
    expect(p.banned()).toEqual([{ peer: PEER, until: expect.any(Number) }]);
    expect(disconnected.length).toBeGreaterThan(0);
    advance(60_001);
    expect(p.isBanned(PEER)).toBe(false);
  });

  it("never bans for offences before the peer proved its id (an impostor must not get the owner banned)", () => {
    const { p } = policy({ banScore: 30 });
    for (let i = 0; i < 50; i++) p.strike(PEER, "hello-failed", false);
    expect(p.isBanned(PEER)).toBe(false);
  });
});

async function victim(settings: Partial<PolicySettings>) {
  const link = new InjectLink();
  const peer = await buildPeer(new MemoryNetwork(), { policy: settings, ports: { link } });
  const { identity, store, session: protocol } = peer;
  const handshake = async (peer: Identity) => {
    const mark = link.sent.length;
    link.up(peer.peerId);
    const challenge = await link.nextTo(peer.peerId, mark, isChallenge);
    link.inject(peer.peerId, challengeFrame(peer, newNonce()));
    link.inject(peer.peerId, await proofFrame(peer, identity.peerId, challenge.nonce));
    await protocol.whenIdle(peer.peerId);
  };
  return { identity, store, link, protocol, handshake };
}

describe("Protocol with limits", () => {
  it("drops a flooding peer's excess frames unhandled, then disconnects it", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const v = await victim({ burstFrames: 10, framesPerSecond: 0.001 });
    const flooder = await generateIdentity(Date.now());
    await v.handshake(flooder);
    const listings = await Promise.all(
      Array.from({ length: 40 }, (_, i) => createListing(flooder, draft({ title: `Flood ${i}` }), Date.now())),
    );
    // One at a time, each handled before the next: a disconnect discards frames still queued.
    for (const listing of listings) {
      v.link.inject(flooder.peerId, frame({ type: "LISTING_BROADCAST", listings: [listing] }));
      await v.protocol.whenIdle(flooder.peerId);
    }
    const stored = (await v.store.listListings()).filter((l) => l.author === flooder.peerId);
    // HELLO took two of the ten; the rest of the burst got through, everything after was dropped.
    expect(stored.length).toBe(8);
    expect(v.link.isOpen(flooder.peerId)).toBe(false);
    v.store.close();
    vi.restoreAllMocks();
  });

  it("hangs up at once on a banned identity", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const v = await victim({ banScore: 10 });
    const bad = await generateIdentity(Date.now());
    await v.handshake(bad);
    for (let i = 0; i < 6; i++) v.link.inject(bad.peerId, { v: 1, type: "LISTING_BROADCAST", id: `x${i}`, junk: 1 });
    await v.protocol.whenIdle(bad.peerId);
    expect(v.protocol.policy.isBanned(bad.peerId)).toBe(true);
    const hangUps = v.link.hungUp.length;
    v.link.up(bad.peerId);
    expect(v.link.hungUp.length).toBe(hangUps + 1);
    expect(v.protocol.isConnected(bad.peerId)).toBe(false);
    v.store.close();
    vi.restoreAllMocks();
  });
});

describe("accounts", () => {
  it("are bounded: ids tried once and never again are forgotten, a banned one is kept", () => {
    const policy = new Policy(
      () => undefined,
      {},
      () => 1_000_000,
    );
    const banned = "pb-bannedbannedbannedbannedb";
    for (let i = 0; i < 20; i++) policy.strike(banned, "hello-failed", true);
    expect(policy.isBanned(banned)).toBe(true);
    for (let i = 0; i < ACCOUNTS_MAX * 2; i++) policy.admit(`pb-${String(i).padStart(26, "q")}`, 100, false);
    expect(policy.accountCount()).toBeLessThanOrEqual(ACCOUNTS_MAX);
    expect(policy.isBanned(banned)).toBe(true);
  });
});
