// Misbehaviour accounting (DESIGN.md §5): every dropped frame or record counts against the peer
// that sent it; past a threshold the peer is disconnected. Rate limits and bans come later.

import type { PeerId } from "../shared/crypto.ts";

export type Offence = "oversized" | "malformed" | "unauthenticated" | "hello-failed" | "hello-timeout" | "bad-record";

const WEIGHT: Record<Offence, number> = {
  oversized: 5,
  malformed: 2,
  unauthenticated: 1,
  "hello-failed": 100,
  "hello-timeout": 100,
  "bad-record": 5,
};

export const DISCONNECT_SCORE = 20;

export class Policy {
  private readonly scores = new Map<PeerId, number>();

  constructor(private readonly disconnect: (peer: PeerId, offence: Offence) => void) {}

  /** Counts an offence; returns true when the peer was disconnected for it. */
  strike(peer: PeerId, offence: Offence): boolean {
    const score = (this.scores.get(peer) ?? 0) + WEIGHT[offence];
    this.scores.set(peer, score);
    if (score < DISCONNECT_SCORE) return false;
    this.scores.delete(peer);
    this.disconnect(peer, offence);
    return true;
  }

  score(peer: PeerId): number {
    return this.scores.get(peer) ?? 0;
  }
}
