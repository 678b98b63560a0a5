// Proof of key at registration (server/proof.js): the p1 token format, signed here with WebCrypto
// as a browser would, and the server refusing every registration it does not prove.

import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkRegistrationProof, PROOF_TOKEN_LENGTH, peerIdFromPublicKey } from "../../server/proof.js";
import { startServer } from "../../server/server.js";
import { generateIdentity } from "../../src/core/crypto.ts";
import { registrationToken } from "../../src/core/session/registration.ts";
import { connect, nextMessage, openSocket, register, serve, describe as show } from "./fixture.ts";
import { base32, makeProof, newSigner, peerIdOf } from "./signer.ts";

describe("the p1 token", () => {
  it("base32 and the id derivation follow RFC 4648 and src/core/crypto.ts", async () => {
    // RFC 4648 §10 vectors, lowercase and unpadded.
    expect(base32(new TextEncoder().encode("foobar"))).toBe("mzxw6ytboi");
    expect(base32(new TextEncoder().encode("fo"))).toBe("mzxq");
    const { publicKey, peerId } = await newSigner();
    expect(peerId).toMatch(/^pb-[a-z2-7]{26}$/);
    expect(peerIdFromPublicKey(publicKey)).toBe(await peerIdOf(publicKey));
    // Computed by peerIdFromPublicKey in src/core/crypto.ts (main at 5f762f3): 0x04, then 64 × 0x07.
    const fixed = new Uint8Array(65).fill(7);
    fixed[0] = 4;
    expect(peerIdFromPublicKey(fixed)).toBe("pb-5zoigagnc4yit26ubcgatzk4aa");
  });

  it("a token signed with WebCrypto has the fixed length and verifies", async () => {
    const { peerId, token } = await newSigner();
    expect(token).toHaveLength(PROOF_TOKEN_LENGTH);
    expect(token.split(".").map((part) => part.length)).toEqual([2, 87, 22, 86]);
    expect(await checkRegistrationProof(peerId, token)).toBeNull();
  });

  it("every way of getting it wrong is refused with a reason", async () => {
    const alice = await newSigner();
    const bob = await newSigner();
    const [version, key, nonce, signature] = alice.token.split(".") as [string, string, string, string];
    const flip = (text: string, at: number) => text.slice(0, at) + (text[at] === "A" ? "B" : "A") + text.slice(at + 1);
    const cases: [string, string | null, string][] = [
      ["no token", null, alice.peerId],
      ["an ordinary PeerJS token", "4mnxq6s2kbd", alice.peerId],
      ["another version", ["p2", key, nonce, signature].join("."), alice.peerId],
      ["a signature altered", [version, key, nonce, flip(signature, 10)].join("."), alice.peerId],
      ["the nonce altered", [version, key, flip(nonce, 3), signature].join("."), alice.peerId],
      ["a key altered", [version, flip(key, 40), nonce, signature].join("."), alice.peerId],
      ["someone else's id", alice.token, bob.peerId],
      ["bob's key with alice's signature", [version, bob.token.split(".")[1], nonce, signature].join("."), bob.peerId],
      ["a non-canonical spelling", [version, key, nonce, `${signature.slice(0, 85)}B`].join("."), alice.peerId],
      ["far too long", `${alice.token}${"A".repeat(5000)}`, alice.peerId],
      [
        "a proof made for bob's id with alice's key",
        (await makeProof(alice.keys, { claimedId: bob.peerId })).token,
        bob.peerId,
      ],
    ];
    for (const [name, token, id] of cases) {
      expect(await checkRegistrationProof(id, token), name).toEqual(expect.any(String));
    }
  });
});

describe("registration with requireProof", () => {
  it("without a token, with a malformed one, or with a valid proof for another id: refused with PeerJS's ERROR", async () => {
    const server = await serve({ requireProof: true });
    const alice = await newSigner();
    const mallory = await newSigner();
    for (const [id, token] of [
      [alice.peerId, undefined],
      [alice.peerId, "not-a-proof"],
      [alice.peerId, `p1.${"A".repeat(87)}.${"A".repeat(22)}.${"A".repeat(86)}`],
      [alice.peerId, mallory.token],
    ] as const) {
      const answer = await connect(server, { id, token });
      expect(show(answer)).toMatchObject({
        kind: "message",
        message: { type: "ERROR", payload: { msg: expect.any(String) } },
      });
      if (answer.kind === "message") await expect.poll(() => answer.ws.readyState).toBe(3);
    }
    // None of those took the id.
    await register(server, { id: alice.peerId, token: alice.token });
  });

  it("a valid proof registers and relays", async () => {
    const server = await serve({ requireProof: true });
    const alice = await newSigner();
    const bob = await newSigner();
    const aliceSocket = await register(server, { id: alice.peerId, token: alice.token });
    const bobSocket = await register(server, { id: bob.peerId, token: bob.token });
    const relayed = nextMessage(bobSocket);
    aliceSocket.send(JSON.stringify({ type: "OFFER", dst: bob.peerId, payload: { sdp: "v=0" } }));
    expect(await relayed).toMatchObject({ type: "OFFER", src: alice.peerId, dst: bob.peerId });
  });

  it("a second tab with the same token takes the id over at once while the first socket still lingers", async () => {
    const server = await serve({ requireProof: true });
    const alice = await newSigner();
    const bob = await newSigner();
    const first = await register(server, { id: alice.peerId, token: alice.token });
    const second = await openSocket(server, { id: alice.peerId, token: alice.token });
    const bobSocket = await register(server, { id: bob.peerId, token: bob.token });
    expect(first.readyState).toBe(1);
    // Signaling for alice now reaches the tab that took over, not the lingering one.
    let toFirst = 0;
    first.on("message", () => toFirst++);
    const toSecond = nextMessage(second);
    bobSocket.send(JSON.stringify({ type: "OFFER", dst: alice.peerId, payload: {} }));
    expect(await toSecond).toMatchObject({ type: "OFFER", src: bob.peerId });
    expect(toFirst).toBe(0);
  });

  it("a different valid proof for a registered id is refused as ID-TAKEN", async () => {
    const server = await serve({ requireProof: true });
    const alice = await newSigner();
    await register(server, { id: alice.peerId, token: alice.token });
    const otherTab = await makeProof(alice.keys);
    expect(otherTab.token).not.toBe(alice.token);
    const answer = await connect(server, { id: alice.peerId, token: otherTab.token });
    expect(show(answer)).toMatchObject({ kind: "message", message: { type: "ID-TAKEN" } });
  });

  it("is on by default: a plain PeerJS token is refused, the hub's own proof registers", async () => {
    const dist = mkdtempSync(join(tmpdir(), "peerboard-proof-"));
    writeFileSync(join(dist, "index.html"), "<!doctype html><title>proof</title>");
    const server = await startServer({ port: 0, host: "127.0.0.1", dist });
    try {
      const plain = await connect(server, { id: "pb-anything", token: "4mnxq6s2kbd" });
      expect(show(plain)).toMatchObject({ kind: "message", message: { type: "ERROR" } });
      // The token the browser hub and the Node peer make (src/core/session/registration.ts).
      const identity = await generateIdentity(Date.now());
      await register(server, { id: identity.peerId, token: await registrationToken(identity) });
    } finally {
      await server.close();
    }
  });

  it("accepts the core's registration token and refuses it for another identity", async () => {
    const [alice, bob] = await Promise.all([generateIdentity(Date.now()), generateIdentity(Date.now())]);
    const token = await registrationToken(alice);
    expect(await checkRegistrationProof(alice.peerId, token)).toBeNull();
    expect(await checkRegistrationProof(bob.peerId, token)).toEqual(expect.any(String));
  });
});
