// Sealing as Peerboard did before bodies were padded, for tests of what a peer still on that
// version sends and reads. The key derivation and the signed text are seal.ts's, written out
// again on purpose: this is the older peer's code, not a call into the current one.

import { type Identity, type PeerId, sign } from "../../src/core/crypto.ts";
import { base64urlDecode, base64urlEncode, utf8 } from "../../src/core/encoding.ts";
import type { Sealed } from "../../src/core/mail/seal.ts";

async function sharedKey(me: Identity, them: PeerId, theirAgreementKey: string): Promise<CryptoKey> {
  const raw = base64urlDecode(theirAgreementKey) as Uint8Array;
  const publicKey = await crypto.subtle.importKey(
    "raw",
    raw as BufferSource,
    { name: "ECDH", namedCurve: "P-256" },
    false,
    [],
  );
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
}

const header = (kind: string, from: PeerId, to: PeerId, msgId: string) =>
  `peerboard-sealed-v1\n${kind}\n${from}\n${to}\n${msgId}`;

/** The older seal(): JSON as it is, no padding. */
export async function sealUnpadded(
  me: Identity,
  kind: string,
  to: PeerId,
  theirAgreementKey: string,
  msgId: string,
  body: unknown,
): Promise<Sealed> {
  const key = await sharedKey(me, to, theirAgreementKey);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const additionalData = utf8(header(kind, me.peerId, to, msgId)) as BufferSource;
  const plain = utf8(JSON.stringify(body)) as BufferSource;
  const ciphertext = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData }, key, plain));
  const unsigned = { from: me.peerId, to, msgId, iv: base64urlEncode(iv), ciphertext: base64urlEncode(ciphertext) };
  const text = `${header(kind, me.peerId, to, msgId)}\n${unsigned.iv}\n${unsigned.ciphertext}`;
  return { ...unsigned, signature: await sign(me.signing.privateKey, text) };
}

/** The older open(): decrypt and JSON.parse, whatever the length. */
export async function openAsOlder(
  me: Identity,
  kind: string,
  sealed: Sealed,
  theirAgreementKey: string,
): Promise<unknown> {
  const key = await sharedKey(me, sealed.from, theirAgreementKey);
  const plain = await crypto.subtle.decrypt(
    {
      name: "AES-GCM",
      iv: base64urlDecode(sealed.iv) as BufferSource,
      additionalData: utf8(header(kind, sealed.from, sealed.to, sealed.msgId)) as BufferSource,
    },
    key,
    base64urlDecode(sealed.ciphertext) as BufferSource,
  );
  return JSON.parse(new TextDecoder().decode(plain));
}
