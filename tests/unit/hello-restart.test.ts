// HELLO just after a session started again (a reload, a radio's new channel): the other side's
// answer to our previous nonce can arrive on the new session while our new challenge was lost
// with the old channel. The session says its current challenge again instead of waiting out the
// HELLO timeout, and still accepts only a proof of its current nonce.

import { describe, expect, it, vi } from "vitest";
import { generateIdentity, type Identity } from "../../src/core/crypto.ts";
import { challengeFrame, newNonce, proofFrame } from "../../src/core/session/handshake.ts";
import type { HelloChallengeFrame } from "../../src/core/wire.ts";
import { InjectLink, isChallenge } from "../support/inject-link.ts";
import { ManualClock } from "../support/manual-clock.ts";
import { MemoryNetwork } from "../support/memory-link.ts";
import { buildPeer, type TestPeer } from "../support/peers.ts";

interface Host {
  peer: TestPeer;
  link: InjectLink;
}

async function start(): Promise<Host> {
  const link = new InjectLink();
  const peer = await buildPeer(new MemoryNetwork(), { clock: new ManualClock(), ports: { link } });
  return { peer, link };
}

/** Opens a channel from `other` and returns the host's challenge on it. */
async function open({ link }: Host, other: Identity): Promise<HelloChallengeFrame> {
  const mark = link.sent.length;
  link.up(other.peerId);
  return link.nextTo(other.peerId, mark, isChallenge);
}

const challengesTo = ({ link }: Host, other: Identity, from: number) =>
  link.sentTo(other.peerId, from).filter(isChallenge);

describe("a stale HELLO proof just after a new session", () => {
  it("gets our current challenge again, whose proof completes HELLO at once", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const host = await start();
    const bob = await generateIdentity(Date.now());
    const old = await open(host, bob);
    // The channel is replaced before Bob's answer came back: a new session, a new nonce, and its
    // challenge never reaches Bob (it went out on the channel that was closing).
    host.link.down(bob.peerId);
    const current = await open(host, bob);
    expect(current.nonce).not.toBe(old.nonce);
    const mark = host.link.sent.length;
    host.link.inject(bob.peerId, challengeFrame(bob, newNonce()));
    host.link.inject(bob.peerId, await proofFrame(bob, host.peer.identity.peerId, old.nonce));
    await host.peer.session.whenIdle(bob.peerId);
    // Not accepted, not punished: asked again.
    expect(host.peer.session.readyPeers()).toEqual([]);
    expect(host.peer.session.policy.score(bob.peerId)).toBe(0);
    expect(challengesTo(host, bob, mark).map((c) => c.nonce)).toEqual([current.nonce]);
    host.link.inject(bob.peerId, await proofFrame(bob, host.peer.identity.peerId, current.nonce));
    await host.peer.session.whenIdle(bob.peerId);
    expect(host.peer.session.readyPeers()).toEqual([bob.peerId]);
    host.peer.dispose();
    vi.restoreAllMocks();
  });

  it("never accepts the old nonce's proof, and asks again once a session, not once a proof", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const host = await start();
    const bob = await generateIdentity(Date.now());
    const old = await open(host, bob);
    host.link.down(bob.peerId);
    await open(host, bob);
    const mark = host.link.sent.length;
    host.link.inject(bob.peerId, challengeFrame(bob, newNonce()));
    const stale = await proofFrame(bob, host.peer.identity.peerId, old.nonce);
    for (let i = 0; i < 5; i++) host.link.inject(bob.peerId, stale);
    await host.peer.session.whenIdle(bob.peerId);
    expect(host.peer.session.readyPeers()).toEqual([]);
    expect(challengesTo(host, bob, mark)).toHaveLength(1);
    host.peer.dispose();
    vi.restoreAllMocks();
  });
});
