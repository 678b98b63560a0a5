// A reference signer for the p1 registration proof (server/proof.js), written with WebCrypto as a
// browser hub would, so the token format is fixed by the tests and not by the verifier alone.

import { PROOF_MESSAGE_PREFIX, PROOF_NONCE_BYTES, PROOF_VERSION } from "../../server/proof.js";

const { subtle } = globalThis.crypto;

export interface Signer {
  peerId: string;
  token: string;
  keys: CryptoKeyPair;
  publicKey: Uint8Array;
}

const b64url = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64url");

/**
 * RFC 4648 base32, lowercase, no padding — written independently of the server's, bit by bit, so a
 * shared mistake cannot hide.
 */
export function base32(bytes: Uint8Array): string {
  const bits = [...bytes].map((byte) => byte.toString(2).padStart(8, "0")).join("");
  const padded = bits.padEnd(Math.ceil(bits.length / 5) * 5, "0");
  return (padded.match(/.{5}/g) ?? [])
    .map((chunk) => "abcdefghijklmnopqrstuvwxyz234567"[Number.parseInt(chunk, 2)])
    .join("");
}

export async function peerIdOf(publicKey: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await subtle.digest("SHA-256", publicKey as BufferSource));
  return `pb-${base32(digest.subarray(0, 16))}`;
}

/** Signs "peerboard-register\n<id>\n<nonce>" for `claimedId` (default: the key's own id). */
export async function makeProof(
  keys: CryptoKeyPair,
  options: { claimedId?: string; nonce?: string } = {},
): Promise<{ peerId: string; token: string }> {
  const publicKey = new Uint8Array(await subtle.exportKey("raw", keys.publicKey));
  const peerId = options.claimedId ?? (await peerIdOf(publicKey));
  const nonce = options.nonce ?? b64url(globalThis.crypto.getRandomValues(new Uint8Array(PROOF_NONCE_BYTES)));
  const message = new TextEncoder().encode(`${PROOF_MESSAGE_PREFIX}${peerId}\n${nonce}`);
  const signature = new Uint8Array(await subtle.sign({ name: "ECDSA", hash: "SHA-256" }, keys.privateKey, message));
  return { peerId, token: [PROOF_VERSION, b64url(publicKey), nonce, b64url(signature)].join(".") };
}

export async function newSigner(): Promise<Signer> {
  const keys = await subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"]);
  const publicKey = new Uint8Array(await subtle.exportKey("raw", keys.publicKey));
  const { peerId, token } = await makeProof(keys);
  return { peerId, token, keys, publicKey };
}
