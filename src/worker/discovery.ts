// The Discovery port in the browser: PeerServer's list of registered ids, from the same origin.

import { PEER_ID_PATTERN, type PeerId } from "../core/crypto.ts";
import { PeerboardError } from "../core/errors.ts";

export async function discoverPeers(origin: string): Promise<PeerId[]> {
  const response = await fetch(new URL("/peerjs/peerjs/peers", origin));
  if (!response.ok) throw new PeerboardError(`Peer discovery answered ${response.status}`);
  const ids: unknown = await response.json();
  return Array.isArray(ids) ? ids.filter((id): id is PeerId => typeof id === "string" && PEER_ID_PATTERN.test(id)) : [];
}
