// Bytes in and out since the peer started, for the minute summary. The session counts per
// connection and forgets a connection when it closes, so the last counts seen of each are kept.

import type { Session } from "../core/session/session.ts";

export class TrafficCounter {
  private closedIn = 0;
  private closedOut = 0;
  private last = new Map<string, { bytesIn: number; bytesOut: number }>();

  constructor(private readonly session: Session) {
    session.onPeersChanged(() => this.sample());
  }

  /** Reads the live counters; call it often enough that a closing connection's last bytes count. */
  sample(): void {
    const now = new Map(this.session.connectedPeers().map((p) => [p.id, { bytesIn: p.bytesIn, bytesOut: p.bytesOut }]));
    for (const [peer, seen] of this.last) {
      if (now.has(peer)) continue;
      this.closedIn += seen.bytesIn;
      this.closedOut += seen.bytesOut;
    }
    this.last = now;
  }

  totals(): { bytesIn: number; bytesOut: number } {
    this.sample();
    let bytesIn = this.closedIn;
    let bytesOut = this.closedOut;
    for (const seen of this.last.values()) {
      bytesIn += seen.bytesIn;
      bytesOut += seen.bytesOut;
    }
    return { bytesIn, bytesOut };
  }
}
