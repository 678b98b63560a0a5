// A copy, on purpose, of part of src/core/mail/seal.ts: seal() and open() as Peerboard had them
// before bodies were padded (JSON as it is, any length), for the compatibility tests of what a peer
// still on that version sends and reads. Only the body handling is that older version's; the key
// derivation, the header and the signed text did not change, so they are seal.ts's own.

import { type Identity, type PeerId, sign } from "../../src/core/crypto.ts";
import { base64urlDecode, base64urlEncode, utf8 } from "../../src/core/encoding.ts";
import { headerText, type Sealed, sharedKey, signedText } from "../../src/core/mail/seal.ts";

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
  const additionalData = utf8(headerText(kind, me.peerId, to, msgId)) as BufferSource;
  const plain = utf8(JSON.stringify(body)) as BufferSource;
  const ciphertext = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData }, key, plain));
  const unsigned = { from: me.peerId, to, msgId, iv: base64urlEncode(iv), ciphertext: base64urlEncode(ciphertext) };
  return { ...unsigned, signature: await sign(me.signing.privateKey, signedText(kind, unsigned)) };
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
      additionalData: utf8(headerText(kind, sealed.from, sealed.to, sealed.msgId)) as BufferSource,
    },
    key,
    base64urlDecode(sealed.ciphertext) as BufferSource,
  );
  return JSON.parse(new TextDecoder().decode(plain));
}
