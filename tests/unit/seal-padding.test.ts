// Relays see a sealed message's length: bodies are padded to buckets, so "ok" and a paragraph
// look the same to them. Older peers (no padding) still read padded mail; theirs is refused with
// a message that says why, answered "refused" so they stop resending, and nobody is struck.

import { describe, expect, it, vi } from "vitest";
import { generateIdentity, type Identity } from "../../src/core/crypto.ts";
import { base64urlDecode } from "../../src/core/encoding.ts";
import { agreementCard, newMessageId, open, PAD_BUCKETS, seal, UnpaddedError } from "../../src/core/mail/seal.ts";
import { frame } from "../../src/core/wire.ts";
import { openAsOlder, sealUnpadded } from "../support/older-seal.ts";
import { useMailNodes, WAIT } from "./mail-nodes.ts";

const [alice, bob] = (await Promise.all([generateIdentity(1), generateIdentity(2)])) as [Identity, Identity];
const aliceCard = await agreementCard(alice);
const bobCard = await agreementCard(bob);
const chat = (text: string) => ({ topic: "listing-topic-1", text, createdAt: 1 });
const toBob = (body: unknown) => seal(alice, "CHAT_MESSAGE", bob.peerId, bobCard.agreementKey, newMessageId(), body);
const bytes = (ciphertext: string) => (base64urlDecode(ciphertext) as Uint8Array).byteLength;

describe("padding sealed bodies", () => {
  it("a short and a longer message seal to the same length; a long one to the next bucket", async () => {
    const [short, longer, long] = await Promise.all([
      toBob(chat("ok")),
      toBob(chat("x".repeat(150))),
      toBob(chat("y".repeat(300))),
    ]);
    expect(bytes(short.ciphertext)).toBe(bytes(longer.ciphertext));
    // AES-GCM adds its 16-byte tag to the bucket.
    expect(bytes(short.ciphertext)).toBe(256 + 16);
    expect(bytes(long.ciphertext)).toBe(512 + 16);
    expect(await open(bob, "CHAT_MESSAGE", long, alice.publicKey, aliceCard.agreementKey)).toEqual(
      chat("y".repeat(300)),
    );
  });

  it("every bucket up to the largest is used, and a body over the largest is refused before sending", async () => {
    const sizes = new Set<number>();
    for (const length of [10, 300, 700, 1500, 3000, 6000, 12_000, 17_000, 30_000, 44_000])
      sizes.add(bytes((await toBob(chat("z".repeat(length)))).ciphertext) - 16);
    expect([...sizes]).toEqual([...PAD_BUCKETS]);
    await expect(toBob(chat("z".repeat(50_000)))).rejects.toThrow(/too long/);
  });

  it("a peer from before padding reads padded mail", async () => {
    const sealed = await toBob(chat("Still 30 €?"));
    expect(await openAsOlder(bob, "CHAT_MESSAGE", sealed, aliceCard.agreementKey)).toEqual(chat("Still 30 €?"));
  });

  it("mail from a peer without padding is refused with an UnpaddedError that says why", async () => {
    const sealed = await sealUnpadded(
      alice,
      "CHAT_MESSAGE",
      bob.peerId,
      bobCard.agreementKey,
      newMessageId(),
      chat("hi"),
    );
    const opening = open(bob, "CHAT_MESSAGE", sealed, alice.publicKey, aliceCard.agreementKey);
    await expect(opening).rejects.toThrow(UnpaddedError);
    await expect(opening).rejects.toThrow(/older and does not pad/);
  });
});

describe("an older peer's mail at the inbox", () => {
  const { node, connect } = useMailNodes();

  it('is answered "refused", stores nothing and strikes nobody', async () => {
    const [older, me] = [await node(), await node()];
    await connect(older, me);
    const myCard = await agreementCard(me.identity);
    const msgId = newMessageId();
    const sealed = await sealUnpadded(older.identity, "CHAT_MESSAGE", me.id, myCard.agreementKey, msgId, chat("hi"));
    const acks: unknown[] = [];
    older.mailbox.onAck((_entry, id, status) => void acks.push({ id, status }));
    const strike = vi.spyOn(me.session.policy, "strike");
    older.session.send(me.id, frame({ type: "CHAT_MESSAGE", sealed }));
    await vi.waitFor(() => expect(acks).toEqual([{ id: msgId, status: "refused" }]), WAIT);
    expect(await me.store.listMessages()).toEqual([]);
    expect(strike).not.toHaveBeenCalled();
  });
});
