// The identity as the SQLite store keeps it: CryptoKeys cannot be written to a file, so each key
// goes in as JWK with what importKey needs to make the same key again (algorithm, usages,
// extractability). The private keys are in the clear: the database file is mode 0600.

import type { Identity } from "../core/crypto.ts";
import { PeerboardError } from "../core/errors.ts";

interface StoredKey {
  jwk: JsonWebKey;
  algorithm: EcKeyImportParams;
  usages: KeyUsage[];
  extractable: boolean;
}

interface StoredIdentity {
  peerId: string;
  publicKey: string;
  createdAt: number;
  signing: { publicKey: StoredKey; privateKey: StoredKey };
  agreement: { publicKey: StoredKey; privateKey: StoredKey };
}

export class IdentityKeysError extends PeerboardError {
  override name = "IdentityKeysError";
}

async function exportStoredKey(key: CryptoKey): Promise<StoredKey> {
  if (!key.extractable) {
    throw new IdentityKeysError(
      "This identity's keys were made non-extractable, so the SQLite store cannot save them; make them with generateIdentity or importIdentity.",
    );
  }
  const { name, namedCurve } = key.algorithm as EcKeyAlgorithm;
  return {
    jwk: await crypto.subtle.exportKey("jwk", key),
    algorithm: { name, namedCurve },
    usages: [...key.usages],
    extractable: key.extractable,
  };
}

function importStoredKey(stored: StoredKey): Promise<CryptoKey> {
  return crypto.subtle.importKey("jwk", stored.jwk, stored.algorithm, stored.extractable, stored.usages);
}

/** The identity as JSON text for the identity table. */
export async function encodeIdentity(identity: Identity): Promise<string> {
  const stored: StoredIdentity = {
    peerId: identity.peerId,
    publicKey: identity.publicKey,
    createdAt: identity.createdAt,
    signing: {
      publicKey: await exportStoredKey(identity.signing.publicKey),
      privateKey: await exportStoredKey(identity.signing.privateKey),
    },
    agreement: {
      publicKey: await exportStoredKey(identity.agreement.publicKey),
      privateKey: await exportStoredKey(identity.agreement.privateKey),
    },
  };
  return JSON.stringify(stored);
}

export async function decodeIdentity(text: string): Promise<Identity> {
  const stored = JSON.parse(text) as StoredIdentity;
  return {
    peerId: stored.peerId,
    publicKey: stored.publicKey,
    createdAt: stored.createdAt,
    signing: {
      publicKey: await importStoredKey(stored.signing.publicKey),
      privateKey: await importStoredKey(stored.signing.privateKey),
    },
    agreement: {
      publicKey: await importStoredKey(stored.agreement.publicKey),
      privateKey: await importStoredKey(stored.agreement.privateKey),
    },
  };
}
