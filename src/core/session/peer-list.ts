// PEER_LIST (docs/architecture.md, "Frames"): the peers we met most recently, sent to every peer
// after HELLO so it has more to dial than the signaling server's list.

import type { PeerId } from "../crypto.ts";
import type { Store } from "../store.ts";
import { type Frame, frame } from "../wire.ts";

/** Peers per PEER_LIST (the schema's cap). */
const PEER_LIST_MAX = 100;

/**
 * The newest peers we met, leaving out the one it goes to and those `withheld` says we would not
 * talk to ourselves (blocked or banned): we do not introduce anyone to them.
 */
export async function peerListFrame(
  store: Store,
  to: PeerId,
  withheld: (peer: PeerId) => boolean = () => false,
): Promise<Frame> {
  const known = (await store.listPeers())
    .filter((p) => p.id !== to && !withheld(p.id))
    .sort((a, b) => b.lastSeen - a.lastSeen)
    .slice(0, PEER_LIST_MAX)
    .map((p) => ({ id: p.id, lastSeen: p.lastSeen }));
  return frame({ type: "PEER_LIST", peers: known });
}
