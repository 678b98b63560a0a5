// Proof of key at the signaling server: the PeerJS token a peer registers with carries its public
// key, a nonce and its signature over the id, so the server (server/proof.js) lets only the holder
// of an id's private key register that id. Anyone who knows an id could otherwise take it and
// lock its owner out with ID-TAKEN.
//
// The token is made once per browser profile (or Node data directory) and kept: every tab that
// becomes the radio presents the same one, which PeerServer requires to take over a registered
// id at once. Another device with the same identity makes its own nonce, so its token differs
// and the server refuses it while this one is online.

import { type Identity, sign } from "../crypto.ts";
import { base64urlEncode } from "../encoding.ts";

/** Must match PROOF_VERSION, PROOF_MESSAGE_PREFIX and the field order in server/proof.js. */
const TOKEN_VERSION = "p1";
const MESSAGE_PREFIX = "peerboard-register\n";
const NONCE_BYTES = 16;

export async function registrationToken(identity: Identity): Promise<string> {
  const nonce = base64urlEncode(crypto.getRandomValues(new Uint8Array(NONCE_BYTES)));
  const signature = await sign(identity.signing.privateKey, `${MESSAGE_PREFIX}${identity.peerId}\n${nonce}`);
  return [TOKEN_VERSION, identity.publicKey, nonce, signature].join(".");
}

/** Whether a kept token was made for this identity (an imported identity needs a new one). */
export function tokenBelongsTo(token: string, identity: Identity): boolean {
  const [version, publicKey] = token.split(".");
  return version === TOKEN_VERSION && publicKey === identity.publicKey;
}
