// The Discovery port in the browser and the Node peer: PeerServer's list of registered ids, from
// the origin that served the app.

import * as v from "valibot";
import { PEER_ID_PATTERN, type PeerId } from "../core/crypto.ts";
import { PeerboardError } from "../core/errors.ts";

/** A list of ids; entries that are not one of ours (another app's ids, junk) are left out. */
const PeerListSchema = v.array(v.unknown());

/** A server that does not answer by then leaves the dialer to the peers it already knows. */
const DISCOVERY_TIMEOUT_MS = 10_000;

export async function discoverPeers(origin: string): Promise<PeerId[]> {
  const response = await fetch(new URL("/peerjs/peerjs/peers", origin), {
    signal: AbortSignal.timeout(DISCOVERY_TIMEOUT_MS),
  });
  if (!response.ok) throw new PeerboardError(`Peer discovery answered ${response.status}`);
  const parsed = v.safeParse(PeerListSchema, await response.json());
  if (!parsed.success) throw new PeerboardError("Peer discovery did not answer a list of ids");
  return parsed.output.filter((id): id is PeerId => typeof id === "string" && PEER_ID_PATTERN.test(id));
}
