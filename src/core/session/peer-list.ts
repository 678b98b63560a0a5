// The peers we met (PeerRecord): kept bounded, since identities are free and each that completes
// HELLO is remembered; and PEER_LIST (docs/architecture.md, "Frames"), the most recent of them,
// sent to every peer after HELLO so it has more to dial than the signaling server's list.

import type { PeerId } from "../crypto.ts";
import type { PeerRecord, Store } from "../store.ts";
import { type Frame, frame } from "../wire.ts";

/** Peers per PEER_LIST (the schema's cap). */
const PEER_LIST_MAX = 100;

/**
 * Peer records kept: the least recently seen go first past this. Mail needs a peer's ECDH card,
 * and for people with a deal or a conversation their profile keeps it too (profile-quota.ts).
 */
export const PEERS_KEPT_MAX = 2_000;

/**
 * Remembers a peer that proved its id; returns the peers kept, the most recently seen first. Past
 * the cap the least recently seen go, but never the one just met, and peers under a ban last:
 * forgetting a banned peer's record would forgive it at the next restart (standings.ts).
 */
export async function rememberProven(store: Store, proven: PeerRecord, max = PEERS_KEPT_MAX): Promise<PeerRecord[]> {
  await store.rememberPeer(proven);
  const byLastSeen = (a: PeerRecord, b: PeerRecord) => b.lastSeen - a.lastSeen;
  const peers = (await store.listPeers()).sort(byLastSeen);
  if (peers.length <= max) return peers;
  // It was met just now: `lastSeen` is the time of its HELLO.
  const now = proven.lastSeen;
  const bannedUntil = (p: PeerRecord) => p.misbehaviour?.bannedUntil ?? 0;
  const banned = peers.filter((p) => p.id !== proven.id && bannedUntil(p) > now);
  const others = peers.filter((p) => p.id !== proven.id && bannedUntil(p) <= now);
  // Of the banned, those whose ban ends soonest go first (only when they alone pass the cap).
  banned.sort((a, b) => bannedUntil(b) - bannedUntil(a));
  const kept = [...peers.filter((p) => p.id === proven.id), ...banned, ...others].slice(0, max);
  const keep = new Set(kept.map((p) => p.id));
  await store.forgetPeers(peers.filter((p) => !keep.has(p.id)).map((p) => p.id));
  return kept.sort(byLastSeen);
}

/**
 * The newest of `known` (most recently seen first), leaving out the one it goes to and those
 * `withheld` says we would not talk to ourselves (blocked or banned): we do not introduce anyone
 * to them.
 */
export function peerListFrame(
  known: PeerRecord[],
  to: PeerId,
  withheld: (peer: PeerId) => boolean = () => false,
): Frame {
  const peers = known
    .filter((p) => p.id !== to && !withheld(p.id))
    .slice(0, PEER_LIST_MAX)
    .map((p) => ({ id: p.id, lastSeen: p.lastSeen }));
  return frame({ type: "PEER_LIST", peers });
}
