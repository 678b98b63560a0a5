// Which peers' sessions ended a moment ago. A new channel to the same peer (glare, a re-dial, a
// radio tab taking over) starts a new session while the other side may still be on the old one:
// its frames and its answer to our old nonce then arrive early, and are not held against it.

import type { PeerId } from "../crypto.ts";
import type { Clock } from "../ports.ts";

/** How long after a session ended such leftovers are expected. */
const GRACE_MS = 10_000;

export class RecentCloses {
  private readonly closedAt = new Map<PeerId, number>();

  constructor(private readonly clock: Clock) {}

  closed(peer: PeerId): void {
    const now = this.clock.now();
    // Bounded by the peers that closed within the grace period.
    for (const [other, at] of this.closedAt) if (now - at >= GRACE_MS) this.closedAt.delete(other);
    this.closedAt.set(peer, now);
  }

  recently(peer: PeerId): boolean {
    return this.clock.now() - (this.closedAt.get(peer) ?? Number.NEGATIVE_INFINITY) < GRACE_MS;
  }
}
