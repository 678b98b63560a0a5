// Identity backup: PBKDF2 → AES-GCM file, restored keys sign as the same peer.

import { beforeAll, describe, expect, it } from "vitest";
import { BackupError, exportIdentity, importIdentity, PBKDF2_ITERATIONS } from "../../src/core/backup.ts";
import { generateIdentity, type Identity, sign, verify } from "../../src/core/crypto.ts";

const PASS = "correct horse battery staple";
let alice: Identity;
let bob: Identity;
let file: string;

beforeAll(async () => {
  [alice, bob] = await Promise.all([generateIdentity(1), generateIdentity(2)]);
  file = await exportIdentity(alice, PASS);
}, 30_000);

async function rejection(promise: Promise<unknown>): Promise<BackupError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof BackupError)) throw new Error(`expected a BackupError, got ${String(error)}`);
  return error;
}

describe("identity backup", () => {
  it("round-trips: same peer id, and the restored keys sign and agree as the original", async () => {
    const restored = await importIdentity(file, PASS);
    expect(restored.peerId).toBe(alice.peerId);
    expect(restored.publicKey).toBe(alice.publicKey);
    expect(restored.createdAt).toBe(alice.createdAt);
    expect(await verify(alice.publicKey, await sign(restored.signing.privateKey, "m"), "m")).toBe(true);
    const derive = (priv: CryptoKey, pub: CryptoKey) =>
      crypto.subtle.deriveBits({ name: "ECDH", public: pub }, priv, 256).then((b) => Buffer.from(b).toString("hex"));
    expect(await derive(restored.agreement.privateKey, bob.agreement.publicKey)).toBe(
      await derive(bob.agreement.privateKey, alice.agreement.publicKey),
    );
  });

  it("uses PBKDF2 with at least 600,000 iterations and keeps no key in the clear", () => {
    const parsed = JSON.parse(file);
    expect(parsed.kdf).toMatchObject({ name: "PBKDF2", hash: "SHA-256" });
    expect(parsed.kdf.iterations).toBeGreaterThanOrEqual(PBKDF2_ITERATIONS);
    expect(PBKDF2_ITERATIONS).toBeGreaterThanOrEqual(600_000);
    expect(file).not.toMatch(/"d"\s*:/);
    expect(file).not.toContain(alice.publicKey);
  });

  it("a wrong passphrase is refused with a clear error", async () => {
    expect((await rejection(importIdentity(file, "not the passphrase"))).message).toBe(
      "Wrong passphrase, or the file is damaged.",
    );
  });

  it("a damaged or edited file is refused", async () => {
    const parsed = JSON.parse(file);
    const flipped = {
      ...parsed,
      data: `${parsed.data.slice(0, 10)}${parsed.data[10] === "A" ? "B" : "A"}${parsed.data.slice(11)}`,
    };
    await rejection(importIdentity(JSON.stringify(flipped), PASS));
    await rejection(importIdentity(JSON.stringify({ ...parsed, peerId: bob.peerId }), PASS));
    await rejection(importIdentity(JSON.stringify({ ...parsed, kdf: { ...parsed.kdf, iterations: 1000 } }), PASS));
    await rejection(importIdentity("{not json", PASS));
    await rejection(importIdentity(JSON.stringify({ hello: "world" }), PASS));
  });

  it("a short passphrase is refused at export", async () => {
    expect((await rejection(exportIdentity(alice, "short"))).message).toMatch(/at least 10 characters/);
  });

  it("a file whose sealed body is not JSON is refused as damaged, not with a SyntaxError", async () => {
    const parsed = JSON.parse(file) as {
      peerId: string;
      kdf: { salt: string; iterations: number };
      cipher: { iv: string };
      data: string;
    };
    const bytes = (text: string) => Uint8Array.from(Buffer.from(text, "base64url"));
    const material = await crypto.subtle.importKey("raw", new TextEncoder().encode(PASS), "PBKDF2", false, [
      "deriveKey",
    ]);
    const key = await crypto.subtle.deriveKey(
      { name: "PBKDF2", hash: "SHA-256", salt: bytes(parsed.kdf.salt), iterations: parsed.kdf.iterations },
      material,
      { name: "AES-GCM", length: 256 },
      false,
      ["encrypt"],
    );
    const sealed = await crypto.subtle.encrypt(
      { name: "AES-GCM", iv: bytes(parsed.cipher.iv), additionalData: new TextEncoder().encode(parsed.peerId) },
      key,
      new TextEncoder().encode("not { json"),
    );
    const forged = JSON.stringify({ ...parsed, data: Buffer.from(sealed).toString("base64url") });
    const error = await rejection(importIdentity(forged, PASS));
    expect(error.message).toBe("This identity file is damaged.");
  });
});
