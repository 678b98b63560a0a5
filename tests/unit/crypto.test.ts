import { createHash } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import {
  generateIdentity,
  type Identity,
  keyMatchesPeerId,
  PEER_ID_PATTERN,
  parsePeerId,
  peerIdFromPublicKey,
  sign,
  verify,
} from "../../src/core/crypto.ts";
import { base64urlDecode, base64urlEncode } from "../../src/core/encoding.ts";
import { PeerIdError } from "../../src/core/errors.ts";

/** RFC 4648 base32, lowercase, unpadded, written independently of src/core/encoding.ts. */
function referenceBase32(bytes: Uint8Array): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz234567";
  const bits = [...bytes].map((b) => b.toString(2).padStart(8, "0")).join("");
  let out = "";
  for (let i = 0; i < bits.length; i += 5) out += alphabet[Number.parseInt(bits.slice(i, i + 5).padEnd(5, "0"), 2)];
  return out;
}

function rawKey(identity: Identity): Uint8Array {
  return Buffer.from(identity.publicKey, "base64url");
}

/** Flips one bit of a base64url string's decoded bytes and re-encodes it. */
function flipBit(text: string, byte: number): string {
  const bytes = base64urlDecode(text);
  if (!bytes) throw new Error(`not base64url: ${text}`);
  bytes[byte] = (bytes[byte] as number) ^ 1;
  return base64urlEncode(bytes);
}

let alice: Identity;
let bob: Identity;

beforeAll(async () => {
  [alice, bob] = await Promise.all([generateIdentity(1_000), generateIdentity(2_000)]);
});

describe("generateIdentity", () => {
  it("makes an ECDSA and an ECDH P-256 key pair", () => {
    expect(alice.signing.privateKey.algorithm).toMatchObject({ name: "ECDSA", namedCurve: "P-256" });
    expect(alice.signing.privateKey.usages).toContain("sign");
    expect(alice.signing.publicKey.usages).toContain("verify");
    expect(alice.agreement.privateKey.algorithm).toMatchObject({ name: "ECDH", namedCurve: "P-256" });
    expect(alice.agreement.privateKey.usages).toEqual(expect.arrayContaining(["deriveKey", "deriveBits"]));
    expect(alice.createdAt).toBe(1_000);
  });

  it("publishes the raw uncompressed public key as base64url", async () => {
    const raw = rawKey(alice);
    expect(raw.length).toBe(65);
    expect(raw[0]).toBe(0x04);
    expect(alice.publicKey).toMatch(/^[A-Za-z0-9_-]{87}$/);
    const exported = new Uint8Array(await crypto.subtle.exportKey("raw", alice.signing.publicKey));
    expect(raw).toEqual(Buffer.from(exported));
  });

  it("gives every identity its own key and id", () => {
    expect(alice.publicKey).not.toBe(bob.publicKey);
    expect(alice.peerId).not.toBe(bob.peerId);
  });
});

describe("peer id", () => {
  it("is pb- followed by 26 base32 characters", () => {
    expect(alice.peerId).toMatch(/^pb-[a-z2-7]{26}$/);
    expect(PEER_ID_PATTERN.test(alice.peerId)).toBe(true);
  });

  it("is base32 of the first 16 bytes of SHA-256 of the raw public key", async () => {
    for (const identity of [alice, bob]) {
      const digest = createHash("sha256").update(rawKey(identity)).digest();
      const expected = `pb-${referenceBase32(digest.subarray(0, 16))}`;
      expect(identity.peerId).toBe(expected);
      expect(await peerIdFromPublicKey(rawKey(identity))).toBe(expected);
    }
  });

  it("keyMatchesPeerId is true only for the key the id names", async () => {
    expect(await keyMatchesPeerId(alice.publicKey, alice.peerId)).toBe(true);
    expect(await keyMatchesPeerId(bob.publicKey, bob.peerId)).toBe(true);
    expect(await keyMatchesPeerId(alice.publicKey, bob.peerId)).toBe(false);
    expect(await keyMatchesPeerId(bob.publicKey, alice.peerId)).toBe(false);
  });

  it("keyMatchesPeerId is false, not an exception, for keys that are not 65 base64url bytes", async () => {
    for (const key of ["", "not a key!", alice.publicKey.slice(0, 86), `${alice.publicKey}A`, "+".repeat(87)]) {
      expect(await keyMatchesPeerId(key, alice.peerId), key).toBe(false);
    }
  });
});

describe("parsePeerId", () => {
  it("accepts an id as pasted, with spaces and capitals", () => {
    expect(parsePeerId(alice.peerId)).toBe(alice.peerId);
    expect(parsePeerId(`  ${alice.peerId.toUpperCase()}\n`)).toBe(alice.peerId);
  });

  it.each([
    ["empty", ""],
    ["no prefix", "abcdefghijklmnopqrstuvwxyz"],
    ["wrong prefix", "px-abcdefghijklmnopqrstuvwxyz"],
    ["too short", "pb-abcdefghijklmnopqrstuvwxy"],
    ["too long", "pb-abcdefghijklmnopqrstuvwxyz2"],
    ["digit outside base32", "pb-abcdefghijklmnopqrstuvwx01"],
    ["inner space", "pb-abcdefghijklm nopqrstuvwxy"],
  ])("rejects %s with a PeerIdError", (_, text) => {
    expect(() => parsePeerId(text)).toThrow(PeerIdError);
  });

  it("says in its message what a peer id looks like", () => {
    expect(() => parsePeerId("hello")).toThrow(/"hello" is not a Peerboard peer id/);
  });
});

describe("sign and verify", () => {
  it("a signature verifies with the signer's public key", async () => {
    const signature = await sign(alice.signing.privateKey, "hello, board");
    expect(signature).toMatch(/^[A-Za-z0-9_-]{86}$/);
    expect(await verify(alice.publicKey, signature, "hello, board")).toBe(true);
  });

  it("verifies non-ASCII messages byte for byte", async () => {
    const signature = await sign(alice.signing.privateKey, "vélo à vendre 🚲");
    expect(await verify(alice.publicKey, signature, "vélo à vendre 🚲")).toBe(true);
    expect(await verify(alice.publicKey, signature, "velo a vendre 🚲")).toBe(false);
  });

  it("is false for a tampered message", async () => {
    const signature = await sign(alice.signing.privateKey, "price: 10");
    expect(await verify(alice.publicKey, signature, "price: 1")).toBe(false);
    expect(await verify(alice.publicKey, signature, "price: 10 ")).toBe(false);
  });

  it("is false for another user's key", async () => {
    const signature = await sign(alice.signing.privateKey, "mine");
    expect(await verify(bob.publicKey, signature, "mine")).toBe(false);
  });

  it("is false for a tampered signature", async () => {
    const signature = await sign(alice.signing.privateKey, "mine");
    expect(await verify(alice.publicKey, flipBit(signature, 10), "mine")).toBe(false);
    expect(await verify(alice.publicKey, flipBit(signature, 50), "mine")).toBe(false);
  });

  it("is false, never an exception, for garbage signatures", async () => {
    const good = await sign(alice.signing.privateKey, "mine");
    const garbage = ["", "!!!", good.slice(0, 85), `${good}AA`, "A".repeat(86), "_".repeat(86), good.replace(/./, "+")];
    for (const signature of garbage) {
      await expect(verify(alice.publicKey, signature, "mine"), signature).resolves.toBe(false);
    }
  });

  it("is false, never an exception, for garbage keys", async () => {
    const signature = await sign(alice.signing.privateKey, "mine");
    // 65 bytes that are not a point on P-256 make importKey throw inside verify.
    const offCurve = base64urlEncode(new Uint8Array([4, ...new Uint8Array(64).fill(1)]));
    const compressedPrefix = base64urlEncode(new Uint8Array([2, ...rawKey(alice).subarray(1)]));
    const garbage = ["", "???", alice.publicKey.slice(1), offCurve, compressedPrefix, flipBit(alice.publicKey, 64)];
    for (const key of garbage) {
      await expect(verify(key, signature, "mine"), key).resolves.toBe(false);
    }
    // A bad key must not poison the cache of imported keys for the good one.
    expect(await verify(alice.publicKey, signature, "mine")).toBe(true);
  });
});
