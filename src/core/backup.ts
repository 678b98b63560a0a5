// Identity backup (docs/architecture.md, "Identity and trust"): the key pairs sealed with a
// passphrase (PBKDF2-SHA-256 → AES-GCM), as a JSON file the user keeps and imports on another
// device.

import * as v from "valibot";
import { type Identity, peerIdFromPublicKey } from "./crypto.ts";
import { base64urlDecode, base64urlEncode, utf8 } from "./encoding.ts";
import { PeerboardError } from "./errors.ts";

/** OWASP's 2023 figure for PBKDF2-HMAC-SHA256; ~0.5 s in a browser, once per export or import. */
export const PBKDF2_ITERATIONS = 600_000;
export const MIN_PASSPHRASE_LENGTH = 10;
const FORMAT = "peerboard-identity";

/** The file was unreadable, or the passphrase wrong: one message, since AES-GCM cannot tell which. */
export class BackupError extends PeerboardError {
  override name = "BackupError";
}

const B64 = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]+$/));
const BackupFileSchema = v.strictObject({
  format: v.literal(FORMAT),
  version: v.literal(1),
  peerId: v.string(),
  kdf: v.strictObject({
    name: v.literal("PBKDF2"),
    hash: v.literal("SHA-256"),
    iterations: v.pipe(v.number(), v.integer(), v.minValue(PBKDF2_ITERATIONS), v.maxValue(10_000_000)),
    salt: B64,
  }),
  cipher: v.strictObject({ name: v.literal("AES-GCM"), iv: B64 }),
  data: v.pipe(B64, v.maxLength(20_000)),
});

const JwkSchema = v.looseObject({ kty: v.literal("EC"), crv: v.literal("P-256"), x: B64, y: B64, d: v.optional(B64) });
const SecretSchema = v.strictObject({
  signing: v.strictObject({ publicKey: JwkSchema, privateKey: JwkSchema }),
  agreement: v.strictObject({ publicKey: JwkSchema, privateKey: JwkSchema }),
  createdAt: v.pipe(v.number(), v.integer(), v.minValue(0)),
});

async function deriveKey(passphrase: string, salt: Uint8Array, iterations: number): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey("raw", utf8(passphrase) as BufferSource, "PBKDF2", false, [
    "deriveKey",
  ]);
  return crypto.subtle.deriveKey(
    { name: "PBKDF2", hash: "SHA-256", salt: salt as BufferSource, iterations },
    material,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt"],
  );
}

export async function exportIdentity(identity: Identity, passphrase: string): Promise<string> {
  if (passphrase.length < MIN_PASSPHRASE_LENGTH) {
    throw new BackupError(`Use a passphrase of at least ${MIN_PASSPHRASE_LENGTH} characters.`);
  }
  const jwk = (key: CryptoKey) => crypto.subtle.exportKey("jwk", key);
  const secret = {
    signing: { publicKey: await jwk(identity.signing.publicKey), privateKey: await jwk(identity.signing.privateKey) },
    agreement: {
      publicKey: await jwk(identity.agreement.publicKey),
      privateKey: await jwk(identity.agreement.privateKey),
    },
    createdAt: identity.createdAt,
  };
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const key = await deriveKey(passphrase, salt, PBKDF2_ITERATIONS);
  // The peer id is bound as associated data: a file whose visible id was edited will not open.
  const sealed = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv: iv as BufferSource, additionalData: utf8(identity.peerId) as BufferSource },
    key,
    utf8(JSON.stringify(secret)) as BufferSource,
  );
  const file: v.InferOutput<typeof BackupFileSchema> = {
    format: FORMAT,
    version: 1,
    peerId: identity.peerId,
    kdf: { name: "PBKDF2", hash: "SHA-256", iterations: PBKDF2_ITERATIONS, salt: base64urlEncode(salt) },
    cipher: { name: "AES-GCM", iv: base64urlEncode(iv) },
    data: base64urlEncode(new Uint8Array(sealed)),
  };
  return JSON.stringify(file, null, 2);
}

export async function importIdentity(fileText: string, passphrase: string): Promise<Identity> {
  let json: unknown;
  try {
    json = JSON.parse(fileText);
  } catch {
    // Not JSON at all: the same answer as any other unreadable file.
    throw new BackupError("This is not a Peerboard identity file.");
  }
  const file = v.safeParse(BackupFileSchema, json);
  if (!file.success) throw new BackupError("This is not a Peerboard identity file, or it is damaged.");
  const { kdf, cipher, data, peerId } = file.output;
  const salt = base64urlDecode(kdf.salt);
  const iv = base64urlDecode(cipher.iv);
  const sealed = base64urlDecode(data);
  if (!salt || !iv || !sealed) throw new BackupError("This identity file is damaged.");
  let plain: ArrayBuffer;
  try {
    const key = await deriveKey(passphrase, salt, kdf.iterations);
    plain = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: iv as BufferSource, additionalData: utf8(peerId) as BufferSource },
      key,
      sealed as BufferSource,
    );
  } catch {
    // AES-GCM cannot tell a wrong passphrase from a damaged file.
    throw new BackupError("Wrong passphrase, or the file is damaged.");
  }
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder().decode(plain));
  } catch {
    // It opened with this passphrase, so whoever made it knew it: damaged, or not ours.
    throw new BackupError("This identity file is damaged.");
  }
  const secret = v.safeParse(SecretSchema, body);
  if (!secret.success) throw new BackupError("This identity file is damaged.");
  const identity = await restoreKeys(peerId, secret.output).catch(() => undefined);
  if (!identity) throw new BackupError("This identity file is damaged.");
  return identity;
}

/** Imports the key pairs and checks they belong together and to `peerId`; throws when not. */
async function restoreKeys(peerId: string, secret: v.InferOutput<typeof SecretSchema>): Promise<Identity> {
  const sign = { name: "ECDSA", namedCurve: "P-256" };
  const agree = { name: "ECDH", namedCurve: "P-256" };
  const identity: Identity = {
    peerId,
    publicKey: "",
    signing: {
      publicKey: await crypto.subtle.importKey("jwk", secret.signing.publicKey, sign, true, ["verify"]),
      privateKey: await crypto.subtle.importKey("jwk", secret.signing.privateKey, sign, true, ["sign"]),
    },
    agreement: {
      publicKey: await crypto.subtle.importKey("jwk", secret.agreement.publicKey, agree, true, []),
      privateKey: await crypto.subtle.importKey("jwk", secret.agreement.privateKey, agree, true, [
        "deriveKey",
        "deriveBits",
      ]),
    },
    createdAt: secret.createdAt,
  };
  const raw = new Uint8Array(await crypto.subtle.exportKey("raw", identity.signing.publicKey));
  if ((await peerIdFromPublicKey(raw)) !== peerId) throw new BackupError("key does not match the id");
  identity.publicKey = base64urlEncode(raw);
  // The private key must be the public key's partner, or everything signed with it would fail.
  const probe = utf8(`peerboard-backup-probe ${peerId}`) as BufferSource;
  const params = { name: "ECDSA", hash: "SHA-256" };
  const signature = await crypto.subtle.sign(params, identity.signing.privateKey, probe);
  if (!(await crypto.subtle.verify(params, identity.signing.publicKey, signature, probe))) {
    throw new BackupError("private key does not match");
  }
  return identity;
}
