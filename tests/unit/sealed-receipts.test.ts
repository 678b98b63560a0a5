// Receipts carry their status sealed to the message's author: a relay sees that B answered A,
// not whether B read the message or refused it. Peers from before sealed receipts still get
// theirs in clear when they talk to us directly, and a relay from before is never handed one it
// would refuse.

import { describe, expect, it, vi } from "vitest";
import { type Ack, isSealedAck } from "../../src/core/mail/ack.ts";
import type { FrameOf } from "../../src/core/wire.ts";
import { type MailNode, untilStatus, useMailNodes, WAIT } from "./mail-nodes.ts";

const { node, connect, network, triangle } = useMailNodes();

/** Receipts as they went over the wire, direct (ACK) or in RELAY frames. */
function receipts(from: MailNode, to: MailNode): Ack[] {
  return network()
    .sent.filter((s) => s.from === from.id && s.to === to.id)
    .map((s) => s.frame as FrameOf<"ACK"> | FrameOf<"RELAY">)
    .flatMap((f) => (f.type === "ACK" ? [f.ack] : f.type === "RELAY" && f.mail.type === "ACK" ? [f.mail.ack] : []));
}

describe("sealed receipts", () => {
  it("a relay carries 'delivered' and 'read' without telling them apart, and the author learns both", async () => {
    const [a, r, b] = await triangle();
    const sent = await a.chat.send(b.id, "listing-topic-1", "Read me");
    await untilStatus(a, sent, "delivered");
    await b.chat.markRead(a.id, "listing-topic-1");
    await untilStatus(a, sent, "read");
    const carried = receipts(b, r);
    expect(carried.length).toBeGreaterThanOrEqual(2);
    for (const ack of carried) {
      expect(ack).not.toHaveProperty("status");
      expect(isSealedAck(ack)).toBe(true);
      expect(JSON.stringify(ack).length).toBe(JSON.stringify(carried[0]).length);
    }
  });

  it("a peer from before sealed receipts gets its receipt in clear, directly", async () => {
    const [older, me] = [await node(), await node()];
    await connect(older, me);
    // What its HELLO said (handshake.ts readsSealedReceipts): a nonce of 43 characters only.
    vi.spyOn(me.session, "readsSealedReceipts").mockImplementation((peer) => peer !== older.id);
    const sent = await older.chat.send(me.id, "listing-topic-1", "Hello from an older version");
    await untilStatus(older, sent, "delivered");
    expect(receipts(me, older).map((ack) => ("status" in ack ? ack.status : "sealed"))).toEqual(["delivered"]);
  });

  it("a relay from before sealed receipts is not handed one: the receipt waits for a direct meeting", async () => {
    const [a, r, b] = await triangle();
    vi.spyOn(b.session, "readsSealedReceipts").mockImplementation((peer) => peer !== r.id);
    const sent = await a.chat.send(b.id, "listing-topic-1", "Through an older relay");
    await vi.waitFor(async () => expect((await b.store.getMessage(sent.author, sent.id))?.text).toBeDefined(), WAIT);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(receipts(b, r)).toEqual([]);
    await connect(a, b);
    await untilStatus(a, sent, "delivered");
  });
});
