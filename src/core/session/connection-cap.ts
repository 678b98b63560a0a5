// Bounded connections (docs/architecture.md, "Frames"): the dialer keeps ~6 peers by dialling out,
// but anyone may dial us; past `max` channels a new one is hung up at once, so no hub becomes a hot
// spot and gossip duplicates stay bounded by the degree. Churn now and then swaps the oldest peer
// for a new one, so groups that met early do not stay closed off from the rest of the mesh.

import type { PeerId } from "../crypto.ts";
import type { Link } from "../ports.ts";

export const MAX_CONNECTIONS = 8;
/** How often a hub with a full set of peers lets its oldest one go. */
export const CHURN_INTERVAL_MS = 5 * 60_000;

export function capConnections(link: Link, connected: () => PeerId[], max = MAX_CONNECTIONS): void {
  link.onPeer((peer, up) => {
    // The protocol hears of the channel first (it subscribed first) and counts it already.
    if (up && connected().length > max) link.hangUp(peer);
  });
}

/**
 * The peer to let go for churn: the longest connected, once we have at least `target` ready
 * peers (below that the dialer is still filling slots and nothing should be dropped).
 */
export function churnCandidate(
  peers: { id: PeerId; stage: string; since: number }[],
  target: number,
): PeerId | undefined {
  const ready = peers.filter((p) => p.stage === "ready");
  if (ready.length < target) return undefined;
  return ready.reduce((oldest, p) => (p.since < oldest.since ? p : oldest)).id;
}
