// Drives a peer's inbound path (createPeer over a hand-driven Link, on a real IndexedDB store)
// with hostile frames, then checks the store and that an honest peer is still served.

import fc from "fast-check";
import { generateIdentity, type Identity, type PeerId } from "../../src/core/crypto.ts";
import { createListing } from "../../src/core/listings/draft.ts";
import { type Listing, verifyListing } from "../../src/core/listings/records.ts";
import { challengeFrame, newNonce, proofFrame } from "../../src/core/session/handshake.ts";
import { frame } from "../../src/core/wire.ts";
import { openIdbStore } from "../../src/worker/idb-store.ts";
import { type FuzzMaterial, hostileFrames } from "./hostile-frames.ts";
import { InjectLink, isChallenge } from "./inject-link.ts";
import { MemoryNetwork } from "./memory-link.ts";
import { buildPeer, post } from "./peers.ts";

export interface FuzzReport {
  frames: number;
  ms: number;
  /** Times the hostile peer was disconnected by policy and had to handshake again. */
  disconnects: number;
  /** Hostile identities banned along the way (the attacker then makes a new one). */
  bans: number;
  storedInvalid: number;
  honestServed: boolean;
}

const draft = (title: string) => ({ title, description: "fuzz", price: "1", currency: "EUR" });

async function until(check: () => boolean | Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`fuzz: timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

export async function fuzzInbound(options: { frames: number; seed: number }): Promise<FuzzReport> {
  const now = Date.now();
  const [victim, firstAttacker, honest, author, stranger] = await Promise.all(
    Array.from({ length: 5 }, () => generateIdentity(now)),
  );
  if (!victim || !firstAttacker || !honest || !author || !stranger) throw new Error("identities");
  let attacker = firstAttacker;
  const store = await openIdbStore(`fuzz-${options.seed}-${Math.random().toString(36).slice(2)}`);
  const link = new InjectLink();
  const peer = await buildPeer(new MemoryNetwork(), {
    identity: victim,
    store,
    helloTimeoutMs: 60_000,
    ports: { link },
  });
  const protocol = peer.session;
  const own = await post(peer, draft("The victim's own listing"));

  const listings: Listing[] = [];
  for (let i = 0; i < 5; i++) listings.push(await createListing(author, draft(`Valid ${i}`), now - i));
  const material: FuzzMaterial = { author, stranger, listings };

  const ready = (peer: PeerId) => protocol.connectedPeers().some((p) => p.id === peer && p.stage === "ready");
  const handshake = async (peer: Identity) => {
    const mark = link.sent.length;
    link.up(peer.peerId);
    const challenge = await link.nextTo(peer.peerId, mark, isChallenge);
    link.inject(peer.peerId, challengeFrame(peer, newNonce()));
    link.inject(peer.peerId, await proofFrame(peer, victim.peerId, challenge.nonce));
    await until(() => ready(peer.peerId), "HELLO");
  };
  const samples = fc.sample(hostileFrames(material), { numRuns: options.frames, seed: options.seed });
  let disconnects = 0;
  const started = performance.now();
  await handshake(attacker);
  // One frame at a time, each handled before the next: every generated frame reaches the
  // handlers, none is discarded with a session the policy has just closed.
  let bans = 0;
  for (const raw of samples) {
    if (!link.isOpen(attacker.peerId)) {
      disconnects += 1;
      if (protocol.policy.isBanned(attacker.peerId)) {
        bans += 1;
        attacker = await generateIdentity(Date.now());
      }
      await handshake(attacker);
    }
    link.inject(attacker.peerId, raw);
    await protocol.whenIdle(attacker.peerId);
  }
  const ms = performance.now() - started;

  let storedInvalid = 0;
  for (const listing of await store.listListings()) {
    if (!(await verifyListing(listing, Date.now())).ok) storedInvalid += 1;
  }

  // An honest newcomer is still served: its listings are accepted, and it gets ours on request.
  const mark = link.sent.length;
  await handshake(honest);
  const mine = await createListing(honest, draft("Honest listing"), Date.now());
  link.inject(honest.peerId, frame({ type: "LISTING_BROADCAST", listings: [mine] }));
  link.inject(honest.peerId, frame({ type: "LISTING_REQUEST", ids: [own.id] }));
  await until(async () => (await store.getListing(mine.id)) !== undefined, "honest listing");
  await protocol.whenIdle(honest.peerId);
  const served = link
    .sentTo(honest.peerId, mark)
    .some((f) => (f as { type?: string; listings?: Listing[] }).listings?.some((l) => l.id === own.id));
  await peer.close();
  return { frames: samples.length, ms, disconnects, bans, storedInvalid, honestServed: served };
}
