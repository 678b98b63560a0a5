// Identity keys, peer id derivation and signatures. WebCrypto only: the same code runs in the
// SharedWorker, a dedicated Worker and Node (globalThis.crypto).

import { base32Encode, base64urlDecode, base64urlEncode, utf8 } from "./encoding.ts";
import { PeerIdError } from "./errors.ts";

const SIGN_ALGORITHM = { name: "ECDSA", namedCurve: "P-256" } as const;
const SIGN_PARAMS = { name: "ECDSA", hash: "SHA-256" } as const;
const AGREE_ALGORITHM = { name: "ECDH", namedCurve: "P-256" } as const;

export const PEER_ID_PREFIX = "pb-";
/** `pb-` + base32 of 16 bytes = 26 characters. */
export const PEER_ID_PATTERN = /^pb-[a-z2-7]{26}$/;

export type PeerId = string;

/** A user: an ECDSA key pair for signatures and an ECDH key pair for end-to-end encryption. */
export interface Identity {
  peerId: PeerId;
  /** Raw (uncompressed, 65-byte) ECDSA public key, base64url. */
  publicKey: string;
  signing: CryptoKeyPair;
  agreement: CryptoKeyPair;
  createdAt: number;
}

export async function generateIdentity(now: number): Promise<Identity> {
  // Private keys are extractable so that "Export identity" (passphrase-encrypted backup) can
  // carry them to another device; they never leave the hub otherwise.
  const signing = await crypto.subtle.generateKey(SIGN_ALGORITHM, true, ["sign", "verify"]);
  const agreement = await crypto.subtle.generateKey(AGREE_ALGORITHM, true, ["deriveKey", "deriveBits"]);
  const raw = new Uint8Array(await crypto.subtle.exportKey("raw", signing.publicKey));
  return {
    peerId: await peerIdFromPublicKey(raw),
    publicKey: base64urlEncode(raw),
    signing,
    agreement,
    createdAt: now,
  };
}

/**
 * `pb-` + base32 of the first 16 bytes of SHA-256 of the raw public key (docs/architecture.md,
 * "Identity and trust").
 */
export async function peerIdFromPublicKey(raw: Uint8Array): Promise<PeerId> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", raw as BufferSource));
  return PEER_ID_PREFIX + base32Encode(digest.subarray(0, 16));
}

/** True when `publicKey` (base64url raw key) is the key that `peerId` names. */
export async function keyMatchesPeerId(publicKey: string, peerId: PeerId): Promise<boolean> {
  const raw = base64urlDecode(publicKey);
  if (raw?.length !== 65) return false;
  return (await peerIdFromPublicKey(raw)) === peerId;
}

export function parsePeerId(text: string): PeerId {
  const id = text.trim().toLowerCase();
  if (!PEER_ID_PATTERN.test(id)) {
    throw new PeerIdError(
      `"${text.trim()}" is not a Peerboard peer id: it looks like pb- followed by 26 letters and digits.`,
    );
  }
  return id;
}

export async function sign(privateKey: CryptoKey, message: string): Promise<string> {
  const signature = await crypto.subtle.sign(SIGN_PARAMS, privateKey, utf8(message) as BufferSource);
  return base64urlEncode(new Uint8Array(signature));
}

/** Verifies a signature made by `sign`; any malformed key or signature is simply invalid. */
export async function verify(publicKey: string, signature: string, message: string): Promise<boolean> {
  const raw = base64urlDecode(publicKey);
  const sig = base64urlDecode(signature);
  if (raw?.length !== 65 || !sig || sig.length !== 64) return false;
  try {
    const key = await importVerifyKey(raw);
    return await crypto.subtle.verify(SIGN_PARAMS, key, sig as BufferSource, utf8(message) as BufferSource);
  } catch {
    // A point not on the curve makes importKey throw: that key verifies nothing.
    return false;
  }
}

const verifyKeys = new Map<string, Promise<CryptoKey>>();
const VERIFY_KEY_CACHE = 512;

/** Imported keys are cached: a sync of thousands of listings from a few authors imports each once. */
function importVerifyKey(raw: Uint8Array): Promise<CryptoKey> {
  const cacheKey = base64urlEncode(raw);
  let key = verifyKeys.get(cacheKey);
  if (!key) {
    key = crypto.subtle.importKey("raw", raw as BufferSource, SIGN_ALGORITHM, true, ["verify"]);
    key.catch(() => verifyKeys.delete(cacheKey));
    if (verifyKeys.size >= VERIFY_KEY_CACHE) verifyKeys.delete(verifyKeys.keys().next().value as string);
    verifyKeys.set(cacheKey, key);
  }
  return key;
}

export function randomToken(bytes = 16): string {
  return base64urlEncode(crypto.getRandomValues(new Uint8Array(bytes)));
}
