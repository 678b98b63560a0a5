// What the session layer keeps per connected peer, and what it shows of it.

import type { PeerId } from "../crypto.ts";
import type { AgreementCard } from "../mail/seal.ts";
import type { Clock, TimerId } from "../ports.ts";
import type { PeerRecord } from "../store.ts";
import { newNonce } from "./handshake.ts";

export type PeerStage = "handshake" | "ready";

export interface ConnectedPeer {
  id: PeerId;
  stage: PeerStage;
  name?: string;
  since: number;
  framesIn: number;
  bytesIn: number;
  bytesOut: number;
  /** Misbehaviour score in this session (see policy.ts). */
  score: number;
}

export interface PeerSession {
  peer: PeerId;
  since: number;
  myNonce: string;
  theirKey?: string;
  /** The nonce of their last challenge we answered. */
  theirNonce?: string;
  theirName?: string;
  /** Their ECDH key for end-to-end encryption, when their HELLO carried a valid signed one. */
  theirCard?: AgreementCard;
  /** We sent our challenge a second time, after a proof of our previous nonce (handshake.ts). */
  challengeRepeated?: boolean;
  /** We checked their proof: they hold the key for their id. */
  verified: boolean;
  /** Frames of one peer are handled strictly in order, one at a time. */
  queue: Promise<void>;
  framesIn: number;
  bytesIn: number;
  bytesOut: number;
  timer: TimerId;
}

/** What the Network view and the dialer see of a session. */
export function describeSession(s: PeerSession, score: number): ConnectedPeer {
  return {
    id: s.peer,
    stage: s.verified ? "ready" : "handshake",
    since: s.since,
    framesIn: s.framesIn,
    bytesIn: s.bytesIn,
    bytesOut: s.bytesOut,
    score,
    ...(s.theirName ? { name: s.theirName } : {}),
  };
}

/** What a verified session proved of the peer, as the record the store keeps. */
export function provenPeer(s: PeerSession, publicKey: string, lastSeen: number): PeerRecord {
  return {
    id: s.peer,
    publicKey,
    lastSeen,
    ...(s.theirName ? { name: s.theirName } : {}),
    ...(s.theirCard ?? {}),
  };
}

/** The record a session proved, once its HELLO is done (undefined before, or with no session). */
export function provedRecord(s: PeerSession | undefined, lastSeen: number): PeerRecord | undefined {
  return s?.verified && s.theirKey ? provenPeer(s, s.theirKey, lastSeen) : undefined;
}

/** A session just opened: nothing proven yet, and `timedOut` called if HELLO is not done in time. */
export function newSession(peer: PeerId, clock: Clock, helloTimeoutMs: number, timedOut: () => void): PeerSession {
  return {
    peer,
    since: clock.now(),
    myNonce: newNonce(),
    verified: false,
    queue: Promise.resolve(),
    framesIn: 0,
    bytesIn: 0,
    bytesOut: 0,
    timer: clock.setTimeout(timedOut, helloTimeoutMs),
  };
}
