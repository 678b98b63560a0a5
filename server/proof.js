// @ts-check
// Proof of key at registration: only the holder of a peer id's private key can register that id
// at the signaling server.
//
// The PeerJS `token` query parameter carries the proof, so it stays one stable string per browser
// profile and PeerServer's same-token takeover keeps working (docs/architecture.md, "Facts checked
// in the libraries"):
//
//   p1.<public key>.<nonce>.<signature>
//
//   public key  base64url (no padding) of the raw, uncompressed 65-byte ECDSA P-256 key: 87 chars
//   nonce       base64url of 16 random bytes, chosen once per profile: 22 chars
//   signature   base64url of the 64-byte IEEE P1363 ECDSA P-256/SHA-256 signature (what WebCrypto's
//               sign() returns) over the UTF-8 bytes of "peerboard-register\n<peer id>\n<nonce>",
//               <nonce> being the 22 characters as they appear in the token: 86 chars
//
// and the peer id must be `pb-` + lowercase base32 (RFC 4648, no padding) of the first 16 bytes of
// SHA-256 of that public key, as src/core/crypto.ts derives it. The client mirrors the constants
// below; tests/server/proof.test.ts signs with WebCrypto to pin the format.

import { createHash, webcrypto } from "node:crypto";

export const PROOF_VERSION = "p1";
export const PROOF_SEPARATOR = ".";
export const PROOF_MESSAGE_PREFIX = "peerboard-register\n";
export const PROOF_PUBLIC_KEY_BYTES = 65;
export const PROOF_NONCE_BYTES = 16;
export const PROOF_SIGNATURE_BYTES = 64;
/** 2 + 1 + 87 + 1 + 22 + 1 + 86: the only length a well-formed token has. */
export const PROOF_TOKEN_LENGTH = 200;

const TOKEN_PATTERN = /^p1\.([A-Za-z0-9_-]{87})\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{86})$/;
const BASE32_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";
const SIGN_ALGORITHM = { name: "ECDSA", namedCurve: "P-256" };
const SIGN_PARAMS = { name: "ECDSA", hash: "SHA-256" };

/** The bytes a registration proof signs. @param {string} peerId @param {string} nonce */
export function proofMessage(peerId, nonce) {
  return new TextEncoder().encode(`${PROOF_MESSAGE_PREFIX}${peerId}\n${nonce}`);
}

/** `pb-` + base32 of the first 16 bytes of SHA-256 of the raw public key. @param {Uint8Array} raw */
export function peerIdFromPublicKey(raw) {
  const digest = createHash("sha256").update(raw).digest().subarray(0, 16);
  let out = "pb-";
  let buffer = 0;
  let bits = 0;
  for (const byte of digest) {
    buffer = ((buffer << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      out += BASE32_ALPHABET[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32_ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}

/**
 * Why a token does not prove the id, or null when it does. Reasons are for the client's error
 * message; none of them leaks anything the client did not send.
 * @param {string} peerId the `id` query parameter
 * @param {string | null} token the `token` query parameter
 * @returns {Promise<string | null>}
 */
export async function checkRegistrationProof(peerId, token) {
  if (!token) return "Registration needs a proof of key in the token (this server requires it).";
  if (token.length !== PROOF_TOKEN_LENGTH) return "The registration token is not a p1 proof of key.";
  const match = TOKEN_PATTERN.exec(token);
  if (!match) return "The registration token is not a p1 proof of key.";
  const [keyText = "", nonce = "", signatureText = ""] = match.slice(1);
  const key = canonicalBase64url(keyText);
  const signature = canonicalBase64url(signatureText);
  if (!key || key.length !== PROOF_PUBLIC_KEY_BYTES || key[0] !== 0x04 || !canonicalBase64url(nonce)) {
    return "The registration token is malformed.";
  }
  if (!signature || signature.length !== PROOF_SIGNATURE_BYTES) return "The registration token is malformed.";
  if (peerIdFromPublicKey(key) !== peerId) return "The registration token's key does not match the peer id.";
  let publicKey;
  try {
    publicKey = await webcrypto.subtle.importKey("raw", key, SIGN_ALGORITHM, false, ["verify"]);
  } catch (error) {
    // importKey refuses a point that is not on the curve: that key proves nothing.
    return `The registration token's key is not a P-256 public key (${error instanceof Error ? error.name : error}).`;
  }
  const valid = await webcrypto.subtle.verify(SIGN_PARAMS, publicKey, signature, proofMessage(peerId, nonce));
  return valid ? null : "The registration token's signature is not valid.";
}

/**
 * Decodes base64url only when it is the one canonical spelling of its bytes, so a token cannot be
 * respelled (non-zero padding bits) into a different string with the same proof.
 * @param {string} text
 */
function canonicalBase64url(text) {
  const bytes = Buffer.from(text, "base64url");
  return bytes.toString("base64url") === text ? new Uint8Array(bytes) : null;
}
