import { describe, expect, it } from "vitest";
import { generateIdentity, type Identity } from "../../src/core/crypto.ts";
import {
  acceptProof,
  challengeFrame,
  checkChallenge,
  checkProof,
  newNonce,
  proofFrame,
  readsCodedSync,
  readsSealedReceipts,
} from "../../src/core/session/handshake.ts";
import { parseFrame } from "../../src/core/wire.ts";

const [alice, bob, mallory] = (await Promise.all([generateIdentity(1), generateIdentity(2), generateIdentity(3)])) as [
  Identity,
  Identity,
  Identity,
];

describe("HELLO frames", () => {
  it("challenge and proof frames pass the wire schema", async () => {
    const challenge = challengeFrame(alice, newNonce(), "Alice");
    expect(parseFrame(challenge)).toEqual({ ok: true, frame: challenge });
    expect(challenge).toMatchObject({ peerId: alice.peerId, publicKey: alice.publicKey, name: "Alice" });
    expect(challengeFrame(alice, newNonce())).not.toHaveProperty("name");
    const proof = await proofFrame(alice, bob.peerId, newNonce());
    expect(parseFrame(proof)).toEqual({ ok: true, frame: proof });
  });

  it("nonces are fresh and long enough to be unguessable", () => {
    const nonces = new Set(Array.from({ length: 100 }, newNonce));
    expect(nonces.size).toBe(100);
    // 43 random characters (256 bits), then what this version reads that older ones do not.
    for (const nonce of nonces) expect(nonce).toMatch(/^[A-Za-z0-9_-]{43}_r2$/);
  });

  it("a nonce says whether its peer reads sealed receipts; an older peer's never does", () => {
    expect(readsSealedReceipts(newNonce())).toBe(true);
    // Older peers' nonces: 32 random bytes, 43 characters, whatever they end with.
    expect(readsSealedReceipts(`${"A".repeat(40)}_r2`)).toBe(false);
    expect(readsSealedReceipts("A".repeat(43))).toBe(false);
    expect(readsSealedReceipts(undefined)).toBe(false);
  });

  it("a nonce says whether its peer reconciles with coded symbols, and older peers still read it as before", () => {
    const nonce = newNonce();
    expect(readsCodedSync(nonce)).toBe(true);
    // An older peer checks only the length and the end: it still sees a peer reading sealed receipts.
    expect(nonce.length === 46 && nonce.endsWith("_r2")).toBe(true);
    // Older peers' nonces: 43 random characters, then the receipts mark.
    expect(readsCodedSync(`${"A".repeat(43)}_r2`)).toBe(false);
    expect(readsCodedSync(`RIBLTv1_${"A".repeat(35)}`)).toBe(false);
    expect(readsCodedSync(undefined)).toBe(false);
  });
});

describe("checkChallenge", () => {
  it("accepts a challenge whose id is the link's and whose key hashes to it", async () => {
    expect(await checkChallenge(alice.peerId, challengeFrame(alice, newNonce()))).toBeUndefined();
  });

  it("refuses a challenge claiming another id than the link's as id-mismatch", async () => {
    expect(await checkChallenge(alice.peerId, challengeFrame(mallory, newNonce()))).toBe("id-mismatch");
  });

  it("refuses a challenge whose key does not hash to its id as key-mismatch", async () => {
    const forged = { ...challengeFrame(alice, newNonce()), publicKey: mallory.publicKey };
    expect(await checkChallenge(alice.peerId, forged)).toBe("key-mismatch");
  });
});

describe("acceptProof", () => {
  it("accepts a proof of the key the challenge brought", async () => {
    const nonce = newNonce();
    const proof = await proofFrame(bob, alice.peerId, nonce);
    const session = { peer: bob.peerId, theirKey: bob.publicKey, myNonce: nonce };
    expect(await acceptProof(alice, session, proof, false)).toBe(true);
  });

  it("refuses a proof before any challenge, unless the session with that peer just started again", async () => {
    const nonce = newNonce();
    const proof = await proofFrame(bob, alice.peerId, nonce);
    const session = { peer: bob.peerId, myNonce: nonce };
    expect(await acceptProof(alice, session, proof, false)).toBe(false);
    expect(await acceptProof(alice, session, proof, true)).toBe("early");
  });

  it("takes a proof of our previous nonce, after their new challenge, as early just after a restart", async () => {
    // The old channel's answer to our old nonce reaches the new session after their challenge.
    const proof = await proofFrame(bob, alice.peerId, newNonce());
    const session = { peer: bob.peerId, theirKey: bob.publicKey, myNonce: newNonce() };
    expect(await acceptProof(alice, session, proof, true)).toBe("early");
    expect(await acceptProof(alice, session, proof, false)).toBe(false);
  });

  it("a forged proof just after a restart is not accepted either: it is only not punished", async () => {
    const nonce = newNonce();
    const forged = await proofFrame(mallory, alice.peerId, nonce);
    const session = { peer: bob.peerId, theirKey: bob.publicKey, myNonce: nonce };
    expect(await acceptProof(alice, session, forged, true)).toBe("early");
    expect(await acceptProof(alice, session, forged, false)).toBe(false);
  });
});

describe("checkProof", () => {
  it("accepts the other side's signature over our nonce", async () => {
    const nonce = newNonce();
    const proof = await proofFrame(bob, alice.peerId, nonce);
    expect(await checkProof(alice, bob.peerId, bob.publicKey, nonce, proof)).toBe(true);
  });

  it("refuses a proof over another nonce (a replay)", async () => {
    const proof = await proofFrame(bob, alice.peerId, newNonce());
    expect(await checkProof(alice, bob.peerId, bob.publicKey, newNonce(), proof)).toBe(false);
  });

  it("refuses a proof made for another verifier (relayed by a man in the middle)", async () => {
    const nonce = newNonce();
    const proofForMallory = await proofFrame(bob, mallory.peerId, nonce);
    expect(await checkProof(alice, bob.peerId, bob.publicKey, nonce, proofForMallory)).toBe(false);
  });

  it("refuses a proof signed by another key than the challenge's", async () => {
    const nonce = newNonce();
    const proof = await proofFrame(mallory, alice.peerId, nonce);
    expect(await checkProof(alice, bob.peerId, bob.publicKey, nonce, proof)).toBe(false);
  });

  it("refuses a garbage signature without throwing", async () => {
    const nonce = newNonce();
    const proof = { ...(await proofFrame(bob, alice.peerId, nonce)), signature: "A".repeat(86) };
    expect(await checkProof(alice, bob.peerId, bob.publicKey, nonce, proof)).toBe(false);
  });
});
