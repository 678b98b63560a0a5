// A receipt whose way back is a relay from before sealed receipts: that relay is handed nothing
// (it would refuse a sealed receipt, and must not see a status in clear), the receipt goes sealed
// through a relay that reads it, and with none it waits for a direct meeting. A receipt in clear,
// for an author from before, goes only directly (docs/architecture.md, "What a relay sees").

import { describe, expect, it, vi } from "vitest";
import type { Ack } from "../../src/core/mail/ack.ts";
import { relayFrame } from "../../src/core/mail/relay-frames.ts";
import { agreementCard, newMessageId } from "../../src/core/mail/seal.ts";
import type { FrameOf } from "../../src/core/wire.ts";
import { sealUnpadded } from "../support/older-seal.ts";
import { type MailNode, useMailNodes, WAIT } from "./mail-nodes.ts";

const { node, connect, network } = useMailNodes();

async function knows(who: MailNode, other: MailNode): Promise<void> {
  await who.store.rememberPeer({
    id: other.id,
    publicKey: other.identity.publicKey,
    lastSeen: 0,
    ...(await agreementCard(other.identity)),
  });
}

/** Receipts `from` sent `to`, direct (ACK) or in RELAY frames. */
function receipts(from: MailNode, to: MailNode): Ack[] {
  return network()
    .sent.filter((s) => s.from === from.id && s.to === to.id)
    .map((s) => s.frame as FrameOf<"ACK"> | FrameOf<"RELAY">)
    .flatMap((f) => (f.type === "ACK" ? [f.ack] : f.type === "RELAY" && f.mail.type === "ACK" ? [f.mail.ack] : []));
}

describe("receipts whose way back is an older relay", () => {
  it("go sealed through another relay that reads them, and the author learns it was delivered without meeting the recipient", async () => {
    // A reaches B only through `older`; B also has `current`, which meets A later.
    const [a, older, b, current] = [await node(), await node(), await node(), await node()];
    await knows(a, b);
    await connect(a, older);
    await connect(older, b);
    await connect(b, current);
    vi.spyOn(b.session, "readsSealedReceipts").mockImplementation((peer) => peer !== older.id);
    const sent = await a.chat.send(b.id, "listing-topic-1", "Through an older relay");
    await vi.waitFor(async () => expect((await b.store.getMessage(sent.author, sent.id))?.text).toBeDefined(), WAIT);
    await vi.waitFor(() => expect(receipts(b, current)).toHaveLength(1), WAIT);
    // The older relay got nothing; the one that carries it cannot read the status.
    expect(receipts(b, older)).toEqual([]);
    expect(receipts(b, current)[0]).not.toHaveProperty("status");
    await connect(a, current);
    await vi.waitFor(
      async () => expect((await a.store.getMessage(sent.author, sent.id))?.status).toBe("delivered"),
      WAIT,
    );
    expect(a.session.readyPeers()).not.toContain(b.id);
  });

  it("copies the older relay brings again are not answered again", async () => {
    const [a, older, b, current] = [await node(), await node(), await node(), await node()];
    await knows(a, b);
    await connect(a, older);
    await connect(older, b);
    await connect(b, current);
    vi.spyOn(b.session, "readsSealedReceipts").mockImplementation((peer) => peer !== older.id);
    await a.chat.send(b.id, "listing-topic-1", "Once");
    await vi.waitFor(() => expect(receipts(b, current)).toHaveLength(1), WAIT);
    // The author hands it out again (its relays may have lost it): B has answered already.
    await a.mailbox.retry(0);
    await a.mailbox.retry(0);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(receipts(b, current)).toHaveLength(1);
  });

  it("a clear receipt for an author from before goes only directly, never through a relay", async () => {
    const [author, relay, me] = [await node(), await node(), await node()];
    await connect(author, relay);
    await connect(relay, me);
    // Unpadded mail from a peer on the version before padding, handed to the relay for `me`.
    const myCard = await agreementCard(me.identity);
    const msgId = newMessageId();
    const body = { topic: "listing-topic-1", text: "hi", createdAt: Date.now() };
    const sealed = await sealUnpadded(author.identity, "CHAT_MESSAGE", me.id, myCard.agreementKey, msgId, body);
    const card = await agreementCard(author.identity);
    author.session.send(relay.id, relayFrame(author.identity.publicKey, { type: "CHAT_MESSAGE", sealed, ...card }));
    await vi.waitFor(
      () =>
        expect(
          network().sent.some(
            (s) => s.from === relay.id && s.to === me.id && (s.frame as { type: string }).type === "RELAY",
          ),
        ).toBe(true),
      WAIT,
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(receipts(me, relay)).toEqual([]);
    expect(await me.store.listMessages()).toEqual([]);
    // Met directly, the same mail is answered "refused", in clear, as that version reads it.
    await connect(author, me);
    const acks: unknown[] = [];
    author.mailbox.onAck((_entry, id, status) => void acks.push({ id, status }));
    author.session.send(me.id, { type: "CHAT_MESSAGE", v: 1, id: "again", sealed });
    await vi.waitFor(() => expect(acks).toEqual([{ id: msgId, status: "refused" }]), WAIT);
  });
});
