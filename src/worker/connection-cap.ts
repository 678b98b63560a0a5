// Bounded connections (DESIGN.md §3): the dialer keeps ~6 peers by dialling out, but anyone may
// dial us; past `max` channels a new one is hung up at once, so no hub becomes a hot spot and
// gossip duplicates stay bounded by the degree.

import type { PeerId } from "../shared/crypto.ts";
import type { Link } from "../shared/link.ts";

export const MAX_CONNECTIONS = 8;

export function capConnections(link: Link, connected: () => PeerId[], max = MAX_CONNECTIONS): void {
  link.onPeer((peer, up) => {
    // The protocol hears of the channel first (it subscribed first) and counts it already.
    if (up && connected().length > max) link.hangUp(peer);
  });
}
