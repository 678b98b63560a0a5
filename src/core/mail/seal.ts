// End-to-end encryption between two users (docs/architecture.md, "Identity and trust"): ECDH P-256
// → HKDF-SHA-256 → AES-GCM with a fresh 96-bit nonce, then the author signs the envelope so a relay
// can check who wrote it without being able to read it. WebCrypto only; runs in the hub and in
// Node.

import { type Identity, keyMatchesPeerId, type PeerId, sign, verify } from "../crypto.ts";
import { base64urlDecode, base64urlEncode, utf8 } from "../encoding.ts";
import { PeerboardError } from "../errors.ts";

const AGREE_ALGORITHM = { name: "ECDH", namedCurve: "P-256" } as const;

/** A peer's ECDH public key, signed by its identity key so nobody in between can swap it. */
export interface AgreementCard {
  agreementKey: string;
  agreementSignature: string;
}

/** The envelope as it travels: header in clear (for routing and ACKs), body encrypted. */
export interface Sealed {
  from: PeerId;
  to: PeerId;
  /** Unique per message; the recipient ignores a second copy (replay). */
  msgId: string;
  iv: string;
  ciphertext: string;
  signature: string;
}

export class SealError extends PeerboardError {
  override name = "SealError";
}

/**
 * A message that opened but was not padded: its author runs a Peerboard from before padding, so
 * every relay on the way could read its length. Refused (its author hears "refused" and stops
 * resending), not held against whoever carried it.
 */
export class UnpaddedError extends SealError {
  override name = "UnpaddedError";
}

/**
 * The plaintext sizes a body is padded to (with spaces, which JSON.parse ignores, so peers from
 * before padding still read padded mail): a relay sees which bucket, not the length. Powers of two
 * up to the largest chat message, then the largest a relay carries (MAX_RELAYED_CIPHERTEXT as bytes,
 * less AES-GCM's tag) and the largest a frame carries (60,000 base64url characters).
 */
export const PAD_BUCKETS = [256, 512, 1024, 2048, 4096, 8192, 16_384, 18_416, 32_768, 44_984] as const;
const SPACE = 0x20;

/** `body` as JSON, padded with spaces to the smallest bucket that holds it. */
export function padBody(body: unknown): Uint8Array {
  const json = utf8(JSON.stringify(body));
  const size = PAD_BUCKETS.find((bucket) => bucket >= json.byteLength);
  if (size === undefined) throw new SealError("This message is too long to send: shorten it.");
  const padded = new Uint8Array(size).fill(SPACE);
  padded.set(json);
  return padded;
}

function cardText(peerId: PeerId, agreementKey: string): string {
  return `peerboard-agreement-v1\n${peerId}\n${agreementKey}`;
}

const cards = new WeakMap<Identity, Promise<AgreementCard>>();

/** Our own card, computed once per identity. */
export function agreementCard(me: Identity): Promise<AgreementCard> {
  let card = cards.get(me);
  if (!card) {
    card = (async () => {
      const raw = new Uint8Array(await crypto.subtle.exportKey("raw", me.agreement.publicKey));
      const agreementKey = base64urlEncode(raw);
      return { agreementKey, agreementSignature: await sign(me.signing.privateKey, cardText(me.peerId, agreementKey)) };
    })();
    cards.set(me, card);
  }
  return card;
}

/** Whether `card` was signed by the identity key `publicKey`, which must hash to `peerId`. */
export async function checkAgreementCard(peerId: PeerId, publicKey: string, card: AgreementCard): Promise<boolean> {
  if (base64urlDecode(card.agreementKey)?.length !== 65) return false;
  if (!(await keyMatchesPeerId(publicKey, peerId))) return false;
  return verify(publicKey, card.agreementSignature, cardText(peerId, card.agreementKey));
}

const sharedKeys = new Map<string, Promise<CryptoKey>>();
const SHARED_KEY_CACHE = 256;

/** The AES-GCM key two peers share; the same on both sides because the info sorts the ids. */
export function sharedKey(me: Identity, them: PeerId, theirAgreementKey: string): Promise<CryptoKey> {
  const cacheKey = `${me.peerId}|${them}|${theirAgreementKey}`;
  let key = sharedKeys.get(cacheKey);
  if (!key) {
    key = (async () => {
      const raw = base64urlDecode(theirAgreementKey);
      if (raw?.length !== 65) throw new SealError(`The encryption key of ${them} is malformed.`);
      const publicKey = await crypto.subtle.importKey("raw", raw as BufferSource, AGREE_ALGORITHM, false, []);
      const bits = await crypto.subtle.deriveBits({ name: "ECDH", public: publicKey }, me.agreement.privateKey, 256);
      const hkdf = await crypto.subtle.importKey("raw", bits, "HKDF", false, ["deriveKey"]);
      const pair = [me.peerId, them].sort().join("\n");
      return crypto.subtle.deriveKey(
        {
          name: "HKDF",
          hash: "SHA-256",
          salt: new Uint8Array(32),
          info: utf8(`peerboard-seal-v1\n${pair}`) as BufferSource,
        },
        hkdf,
        { name: "AES-GCM", length: 256 },
        false,
        ["encrypt", "decrypt"],
      );
    })();
    key.catch(() => sharedKeys.delete(cacheKey));
    if (sharedKeys.size >= SHARED_KEY_CACHE) sharedKeys.delete(sharedKeys.keys().next().value as string);
    sharedKeys.set(cacheKey, key);
  }
  return key;
}

/** Binds the header and the frame type into both the AEAD tag and the signature. */
export function headerText(kind: string, from: PeerId, to: PeerId, msgId: string): string {
  return `peerboard-sealed-v1\n${kind}\n${from}\n${to}\n${msgId}`;
}

export function signedText(kind: string, sealed: Omit<Sealed, "signature">): string {
  return `${headerText(kind, sealed.from, sealed.to, sealed.msgId)}\n${sealed.iv}\n${sealed.ciphertext}`;
}

/** Encrypts `body` (JSON) for `to` and signs the result. `kind` is the frame type it travels in. */
export async function seal(
  me: Identity,
  kind: string,
  to: PeerId,
  theirAgreementKey: string,
  msgId: string,
  body: unknown,
): Promise<Sealed> {
  const key = await sharedKey(me, to, theirAgreementKey);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ciphertext = await crypto.subtle.encrypt(
    {
      name: "AES-GCM",
      iv: iv as BufferSource,
      additionalData: utf8(headerText(kind, me.peerId, to, msgId)) as BufferSource,
    },
    key,
    padBody(body) as BufferSource,
  );
  const unsigned = {
    from: me.peerId,
    to,
    msgId,
    iv: base64urlEncode(iv),
    ciphertext: base64urlEncode(new Uint8Array(ciphertext)),
  };
  return { ...unsigned, signature: await sign(me.signing.privateKey, signedText(kind, unsigned)) };
}

/** Checks only the author's signature: what a relay can do without the keys. */
export function verifySealed(kind: string, sealed: Sealed, authorKey: string): Promise<boolean> {
  const { signature, ...unsigned } = sealed;
  return verify(authorKey, signature, signedText(kind, unsigned));
}

/**
 * Verifies the author's signature and decrypts a message addressed to us. Throws SealError when
 * it is not for us, not signed by `from`, or was changed on the way.
 */
export async function open(
  me: Identity,
  kind: string,
  sealed: Sealed,
  authorKey: string,
  authorAgreementKey: string,
): Promise<unknown> {
  if (sealed.to !== me.peerId) throw new SealError(`A message for ${sealed.to} reached ${me.peerId}.`);
  if (!(await verifySealed(kind, sealed, authorKey)))
    throw new SealError(`A message claiming to be from ${sealed.from} is not signed by them.`);
  const iv = base64urlDecode(sealed.iv);
  const ciphertext = base64urlDecode(sealed.ciphertext);
  if (iv?.length !== 12 || !ciphertext) throw new SealError("A sealed message is malformed.");
  const key = await sharedKey(me, sealed.from, authorAgreementKey);
  let plain: ArrayBuffer;
  try {
    plain = await crypto.subtle.decrypt(
      {
        name: "AES-GCM",
        iv: iv as BufferSource,
        additionalData: utf8(headerText(kind, sealed.from, sealed.to, sealed.msgId)) as BufferSource,
      },
      key,
      ciphertext as BufferSource,
    );
  } catch {
    // AES-GCM's tag check failed: the ciphertext, nonce or header was altered, or the key is wrong.
    throw new SealError(`A message from ${sealed.from} could not be decrypted: it was altered or not meant for us.`);
  }
  // JSON.stringify never ends in a space: an unpadded body almost never lands on a bucket.
  if (!(PAD_BUCKETS as readonly number[]).includes(plain.byteLength))
    throw new UnpaddedError(
      `A message from ${sealed.from} was refused: their Peerboard is older and does not pad messages, so relays could read its length. They need to update.`,
    );
  try {
    return JSON.parse(new TextDecoder().decode(plain));
  } catch {
    // Signed and decrypted but not JSON: the author's software is broken, refuse the message.
    throw new SealError(`A message from ${sealed.from} is not readable.`);
  }
}

export function newMessageId(): string {
  return base64urlEncode(crypto.getRandomValues(new Uint8Array(16)));
}

/** A receipt's status is padded to this before sealing, so all three seal to the same length. */
const STATUS_BYTES = 16;

function statusHeader(msgId: string, from: PeerId, to: PeerId): string {
  return `peerboard-ack-status-v1\n${msgId}\n${from}\n${to}`;
}

/** Seals a receipt's status for `to` (the message's author): base64url of nonce and ciphertext. */
export async function sealStatus(
  me: Identity,
  to: PeerId,
  theirAgreementKey: string,
  msgId: string,
  status: string,
): Promise<string> {
  const key = await sharedKey(me, to, theirAgreementKey);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const plain = new Uint8Array(STATUS_BYTES).fill(SPACE);
  plain.set(utf8(status));
  const additionalData = utf8(statusHeader(msgId, me.peerId, to)) as BufferSource;
  const ciphertext = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData }, key, plain));
  const out = new Uint8Array(iv.length + ciphertext.length);
  out.set(iv);
  out.set(ciphertext, iv.length);
  return base64urlEncode(out);
}

/** The status `from` sealed for us about message `msgId`, or undefined if it does not open. */
export async function openStatus(
  me: Identity,
  from: PeerId,
  theirAgreementKey: string,
  msgId: string,
  sealedStatus: string,
): Promise<string | undefined> {
  const bytes = base64urlDecode(sealedStatus);
  if (bytes?.length !== 12 + STATUS_BYTES + 16) return undefined;
  try {
    const key = await sharedKey(me, from, theirAgreementKey);
    const additionalData = utf8(statusHeader(msgId, from, me.peerId)) as BufferSource;
    const plain = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: bytes.subarray(0, 12) as BufferSource, additionalData },
      key,
      bytes.subarray(12) as BufferSource,
    );
    return new TextDecoder().decode(plain).trimEnd();
  } catch {
    // Altered on the way, sealed for someone else, or a malformed key: not a status we can read.
    return undefined;
  }
}
