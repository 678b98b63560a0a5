import { describe, expect, it } from "vitest";
import { generateIdentity, type Identity } from "../../src/core/crypto.ts";
import { base64urlDecode, base64urlEncode } from "../../src/core/encoding.ts";
import {
  agreementCard,
  checkAgreementCard,
  newMessageId,
  open,
  SealError,
  type Sealed,
  seal,
  verifySealed,
} from "../../src/core/mail/seal.ts";

const [alice, bob, carol] = (await Promise.all([generateIdentity(1), generateIdentity(2), generateIdentity(3)])) as [
  Identity,
  Identity,
  Identity,
];
const aliceCard = await agreementCard(alice);
const bobCard = await agreementCard(bob);
const carolCard = await agreementCard(carol);

const body = { text: "Would you take 30 €?", n: 1 };

const toBob = () => seal(alice, "CHAT_MESSAGE", bob.peerId, bobCard.agreementKey, newMessageId(), body);
const openAsBob = (sealed: Sealed, kind = "CHAT_MESSAGE") =>
  open(bob, kind, sealed, alice.publicKey, aliceCard.agreementKey);

/** Flips one bit in a base64url field. */
function flip(text: string): string {
  const bytes = base64urlDecode(text) as Uint8Array;
  bytes[bytes.length - 1] = (bytes[bytes.length - 1] as number) ^ 1;
  return base64urlEncode(bytes);
}

describe("seal and open", () => {
  it("round-trips a message between two users", async () => {
    const sealed = await toBob();
    // The plaintext does not travel: neither as text nor in the base64url of its bytes. (A check
    // for "30" alone failed on 1.7 % of random ciphertexts, which contain it by chance.)
    const bytes = new TextDecoder("latin1").decode(base64urlDecode(sealed.ciphertext));
    expect(bytes).not.toContain("Would you take");
    expect(sealed.ciphertext).not.toContain(base64urlEncode(new TextEncoder().encode("Would you take")).slice(0, 16));
    expect(await openAsBob(sealed)).toEqual(body);
  });

  it("uses a fresh nonce for every message", async () => {
    const [one, two] = await Promise.all([toBob(), toBob()]);
    expect(one.iv).not.toBe(two.iv);
    expect(one.ciphertext).not.toBe(two.ciphertext);
  });

  it("lets a relay check the author without being able to read", async () => {
    const sealed = await toBob();
    expect(await verifySealed("CHAT_MESSAGE", sealed, alice.publicKey)).toBe(true);
    expect(await verifySealed("CHAT_MESSAGE", sealed, carol.publicKey)).toBe(false);
  });

  it.each([
    ["ciphertext", (s: Sealed) => ({ ...s, ciphertext: flip(s.ciphertext) })],
    ["iv", (s: Sealed) => ({ ...s, iv: flip(s.iv) })],
    ["signature", (s: Sealed) => ({ ...s, signature: flip(s.signature) })],
    ["msgId", (s: Sealed) => ({ ...s, msgId: newMessageId() })],
  ])("refuses a message whose %s was changed", async (_field, tamper) => {
    const sealed = tamper(await toBob());
    await expect(openAsBob(sealed)).rejects.toBeInstanceOf(SealError);
  });

  it("refuses a message moved to another frame type", async () => {
    await expect(openAsBob(await toBob(), "DEAL_RESPONSE")).rejects.toBeInstanceOf(SealError);
  });

  it("refuses a message claiming another author", async () => {
    const sealed = await toBob();
    await expect(open(bob, "CHAT_MESSAGE", sealed, carol.publicKey, carolCard.agreementKey)).rejects.toThrow(
      /not signed by them/,
    );
  });

  it("cannot be opened by anyone but the recipient", async () => {
    const sealed = await toBob();
    await expect(open(carol, "CHAT_MESSAGE", sealed, alice.publicKey, aliceCard.agreementKey)).rejects.toThrow(
      SealError,
    );
    // Even readdressed to carol, her key does not decrypt it (and the signature no longer holds).
    const readdressed = { ...sealed, to: carol.peerId };
    await expect(open(carol, "CHAT_MESSAGE", readdressed, alice.publicKey, aliceCard.agreementKey)).rejects.toThrow(
      SealError,
    );
  });
});

describe("agreement cards", () => {
  it("verify against the identity that signed them", async () => {
    expect(await checkAgreementCard(alice.peerId, alice.publicKey, aliceCard)).toBe(true);
  });

  it("refuse a card swapped in by someone else", async () => {
    const swapped = { ...aliceCard, agreementKey: carolCard.agreementKey };
    expect(await checkAgreementCard(alice.peerId, alice.publicKey, swapped)).toBe(false);
    expect(await checkAgreementCard(alice.peerId, carol.publicKey, carolCard)).toBe(false);
  });
});
