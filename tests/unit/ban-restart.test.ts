// A ban and the score behind it outlive a restart of the peer that imposed it (the tab closed, the
// Node peer restarted): they are kept in the banned peer's record and read back at start, written
// once per change of standing rather than once per frame of a flood.

import { describe, expect, it, vi } from "vitest";
import { generateIdentity, type Identity } from "../../src/core/crypto.ts";
import { challengeFrame, newNonce, proofFrame } from "../../src/core/session/handshake.ts";
import { DEFAULT_POLICY, Policy, type PolicySettings } from "../../src/core/session/policy.ts";
import { STANDING_WRITE_MS } from "../../src/core/session/standings.ts";
import type { PeerRecord } from "../../src/core/store.ts";
import { frame } from "../../src/core/wire.ts";
import { InjectLink, isChallenge } from "../support/inject-link.ts";
import { ManualClock } from "../support/manual-clock.ts";
import { MemoryNetwork } from "../support/memory-link.ts";
import { MemoryStore } from "../support/memory-store.ts";
import { buildPeer, type TestPeer } from "../support/peers.ts";

/** A MemoryStore that counts the writes of peer records. */
class CountingStore extends MemoryStore {
  peerWrites = 0;
  override async rememberPeer(peer: PeerRecord): Promise<void> {
    this.peerWrites += 1;
    return super.rememberPeer(peer);
  }
}

/** A MemoryStore whose first listPeers (the session's read of kept standings) waits for release(). */
class GatedStore extends MemoryStore {
  release: () => void = () => undefined;
  private readonly gate = new Promise<void>((resolve) => {
    this.release = resolve;
  });
  private first = true;
  override async listPeers(): Promise<PeerRecord[]> {
    if (this.first) {
      this.first = false;
      await this.gate;
    }
    return super.listPeers();
  }
}

interface Host {
  peer: TestPeer;
  link: InjectLink;
}

/** Starts (or starts again) a peer on `store`, its frames injected by the test. */
async function start(store: MemoryStore, clock: ManualClock, policy: Partial<PolicySettings>): Promise<Host> {
  const link = new InjectLink();
  const peer = await buildPeer(new MemoryNetwork(), { store, clock, policy, ports: { link } });
  return { peer, link };
}

/** Opens a channel from `other` and completes HELLO as an honest peer would. */
async function handshake({ peer, link }: Host, other: Identity): Promise<void> {
  const mark = link.sent.length;
  link.up(other.peerId);
  const challenge = await link.nextTo(other.peerId, mark, isChallenge);
  link.inject(other.peerId, challengeFrame(other, newNonce()));
  link.inject(other.peerId, await proofFrame(other, peer.identity.peerId, challenge.nonce));
  await peer.session.whenIdle(other.peerId);
}

const junk = (i: number) => ({ v: 1, type: "LISTING_BROADCAST", id: `x${i}`, junk: 1 });

describe("a ban across a restart", () => {
  it("still refuses the banned peer after the peer that banned it starts again, until the ban ends", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const clock = new ManualClock();
    const store = new MemoryStore();
    const settings = { banScore: 10, banMs: 60_000 };
    const bad = await generateIdentity(Date.now());
    const first = await start(store, clock, settings);
    await handshake(first, bad);
    for (let i = 0; i < 6; i++) first.link.inject(bad.peerId, junk(i));
    await first.peer.session.whenIdle(bad.peerId);
    expect(first.peer.session.policy.isBanned(bad.peerId)).toBe(true);
    first.peer.dispose();

    const again = await start(store, clock, settings);
    expect(again.peer.session.policy.isBanned(bad.peerId)).toBe(true);
    again.link.up(bad.peerId);
    // Hung up at once: no challenge goes out, nothing of a HELLO is answered.
    expect(again.link.hungUp).toEqual([bad.peerId]);
    again.link.inject(bad.peerId, challengeFrame(bad, newNonce()));
    expect(again.link.sentTo(bad.peerId)).toEqual([]);
    expect(again.peer.session.readyPeers()).toEqual([]);

    clock.advance(60_001);
    await handshake(again, bad);
    expect(again.peer.session.readyPeers()).toEqual([bad.peerId]);
    again.peer.dispose();
    vi.restoreAllMocks();
  });

  it("refuses at HELLO a banned peer that connects before the kept bans are read", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const clock = new ManualClock();
    const bad = await generateIdentity(Date.now());
    const store = new GatedStore();
    await store.rememberPeer({
      id: bad.peerId,
      publicKey: "k".repeat(87),
      lastSeen: clock.now(),
      misbehaviour: { total: 200, totalSince: clock.now(), bannedUntil: clock.now() + 60_000 },
    });
    const host = await start(store, clock, {});
    // The session's first read of the peers (the kept standings) is held back: not banned yet.
    expect(host.peer.session.policy.isBanned(bad.peerId)).toBe(false);
    host.link.up(bad.peerId);
    const challenge = await host.link.nextTo(bad.peerId, 0, isChallenge);
    host.link.inject(bad.peerId, challengeFrame(bad, newNonce()));
    host.link.inject(bad.peerId, await proofFrame(bad, host.peer.identity.peerId, challenge.nonce));
    store.release();
    await vi.waitFor(() => expect(host.link.hungUp).toEqual([bad.peerId]));
    // Its challenge was never answered, and it never became a ready peer.
    expect(host.link.sentTo(bad.peerId)).toEqual([challenge]);
    expect(host.peer.session.readyPeers()).toEqual([]);
    host.peer.dispose();
    vi.restoreAllMocks();
  });

  it("writes a flood's score to the store together, not once a frame, and keeps it across a restart", async () => {
    const clock = new ManualClock();
    const store = new CountingStore();
    // A flood that is throttled but neither disconnected nor banned: every dropped frame scores.
    const settings = { burstFrames: 5, framesPerSecond: 0.001, disconnectScore: 10_000, banScore: 10_000 };
    const flooder = await generateIdentity(Date.now());
    const host = await start(store, clock, settings);
    await handshake(host, flooder);
    const before = store.peerWrites;
    for (let i = 0; i < 300; i++) host.link.inject(flooder.peerId, frame({ type: "PEER_LIST", peers: [] }));
    const { total } = host.peer.session.policy.standing(flooder.peerId);
    expect(total).toBeGreaterThan(290);
    clock.advance(STANDING_WRITE_MS);
    await host.peer.session.whenIdle(flooder.peerId);
    expect(store.peerWrites - before).toBe(1);
    expect((await store.getPeer(flooder.peerId))?.misbehaviour).toEqual({
      total,
      totalSince: expect.any(Number),
      bannedUntil: 0,
    });
    host.peer.dispose();

    const again = await start(store, clock, settings);
    expect(again.peer.session.policy.standing(flooder.peerId).total).toBe(total);
    again.peer.dispose();
  });

  it("stores nothing of an id that never proved it holds its key", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const clock = new ManualClock();
    const store = new CountingStore();
    const host = await start(store, clock, { banScore: 10 });
    const squatter = "pb-squattersquattersquatter";
    host.link.up(squatter);
    for (let i = 0; i < 50; i++) host.link.inject(squatter, junk(i));
    await host.peer.session.whenIdle(squatter);
    clock.advance(STANDING_WRITE_MS);
    await host.peer.session.whenIdle(squatter);
    expect(store.peerWrites).toBe(0);
    expect(await store.getPeer(squatter)).toBeUndefined();
    expect(host.peer.session.policy.isBanned(squatter)).toBe(false);
    host.peer.dispose();
    vi.restoreAllMocks();
  });
});

describe("Policy standings", () => {
  const PEER = "pb-aaaaaaaaaaaaaaaaaaaaaaaaaa";
  const banMs = DEFAULT_POLICY.banMs;

  it("takes back a kept ban and score, and skips what ran out while it was stopped", () => {
    let now = 10 * banMs;
    const policy = new Policy(
      () => undefined,
      {},
      () => now,
    );
    policy.restore(PEER, { total: 250, totalSince: now - 1_000, bannedUntil: now + 5_000 });
    expect(policy.isBanned(PEER)).toBe(true);
    expect(policy.misbehaviour(PEER)).toEqual({ total: 250, totalSince: now - 1_000, bannedUntil: now + 5_000 });
    const gone = "pb-bbbbbbbbbbbbbbbbbbbbbbbbbb";
    policy.restore(gone, { total: 150, totalSince: now - banMs - 1, bannedUntil: now - 1 });
    expect(policy.standing(gone)).toEqual({ score: 0, total: 0, bannedUntil: 0 });
    now += banMs + 1;
    expect(policy.isBanned(PEER)).toBe(false);
    expect(policy.misbehaviour(PEER)).toBeUndefined();
  });

  it("tells its hook of proven offences only, and which of them started a ban", () => {
    const heard: [string, boolean][] = [];
    const policy = new Policy(
      () => undefined,
      { banScore: 10 },
      () => 1_000_000,
      (peer, banned) => heard.push([peer, banned]),
    );
    policy.strike(PEER, "malformed", false);
    expect(heard).toEqual([]);
    for (let i = 0; i < 5; i++) policy.strike(PEER, "malformed", true);
    expect(heard).toEqual([
      [PEER, false],
      [PEER, false],
      [PEER, false],
      [PEER, false],
      [PEER, true],
    ]);
  });
});
