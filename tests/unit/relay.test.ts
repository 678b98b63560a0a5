import "fake-indexeddb/auto";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { generateIdentity } from "../../src/core/crypto.ts";
import { createListing } from "../../src/core/listings/draft.ts";
import { readAck, signAck } from "../../src/core/mail/ack.ts";
import type { RelayFrame } from "../../src/core/mail/relay.ts";
import { relayedAck } from "../../src/core/mail/relay-frames.ts";
import { agreementCard } from "../../src/core/mail/seal.ts";
import { MAX_RELAYED_CIPHERTEXT, parseFrame } from "../../src/core/wire.ts";
import type { MemoryNetwork } from "../support/memory-link.ts";
import { draft } from "./fixtures.ts";
import { knows, type MailNode, untilStatus, useMailNodes, WAIT } from "./mail-nodes.ts";

// A, R and B where A and B are never connected; A knows B's signed ECDH card (mail-nodes.ts).
const { node, connect, disconnect, network: useNetwork, triangle } = useMailNodes();
let network: MemoryNetwork;
beforeEach(() => {
  network = useNetwork();
});

const framesOf = (type: string) => network.sent.filter((s) => (s.frame as { type: string }).type === type);
const between = (x: MailNode, y: MailNode) =>
  network.sent.filter((s) => (s.from === x.id && s.to === y.id) || (s.from === y.id && s.to === x.id));

/** Rewrites frames of `type` on their way from `from` to `to`. */
function intercept(
  from: MailNode,
  to: MailNode,
  type: string,
  change: (frame: Record<string, unknown>) => unknown,
): void {
  const deliver = network.deliver.bind(network);
  network.deliver = (f, t, frame) => {
    const typed = frame as Record<string, unknown>;
    if (f === from.id && t === to.id && typed.type === type) {
      const changed = change(structuredClone(typed));
      if (changed === undefined) return;
      return deliver(f, t, changed);
    }
    deliver(f, t, frame);
  };
}

function flip(text: string): string {
  return (text[0] === "A" ? "B" : "A") + text.slice(1);
}

describe("relay through a third peer", () => {
  it("a chat message reaches B through R, and B's ACK back through R retires A's entry", async () => {
    const [a, r, b] = await triangle();
    const sent = await a.chat.send(b.id, "listing-topic-1", "relay-secret-words");
    await vi.waitFor(
      async () => expect((await b.store.getMessage(sent.author, sent.id))?.text).toBe("relay-secret-words"),
      WAIT,
    );
    await untilStatus(a, sent, "delivered");
    expect(await a.store.listOutbox()).toEqual([]);
    expect(between(a, b)).toEqual([]);
    // R carried ciphertext only, and forwarded both ways.
    expect(JSON.stringify(network.sent)).not.toContain("relay-secret-words");
    expect(r.mailbox.relayStats()).toMatchObject({ held: 0, forwarded: 2, refused: 0 });
  });

  it("carries a deal both ways: the seller answers a buyer it never met, by the keys the offer carried", async () => {
    const [buyer, r, seller] = await triangle({ connected: false });
    const listing = await createListing(seller.identity, draft(), Date.now());
    await buyer.store.putListingIf(listing, () => true);
    await seller.store.putListingIf(listing, () => true);
    await connect(buyer, r);
    await connect(r, seller);
    const deal = await buyer.deals.propose(listing.id, { amount: "30", currency: "EUR", swap: "", message: "" });
    await vi.waitFor(async () => expect((await seller.store.getDeal(deal.id))?.steps).toHaveLength(1), WAIT);
    await seller.deals.respond(deal.id, "accept");
    await vi.waitFor(async () => expect((await buyer.store.getDeal(deal.id))?.steps).toHaveLength(2), WAIT);
    await vi.waitFor(async () => {
      expect(await buyer.store.listOutbox()).toEqual([]);
      expect(await seller.store.listOutbox()).toEqual([]);
    }, WAIT);
    expect(between(buyer, seller)).toEqual([]);
  });

  it("mail written before the recipient's profile arrived goes by relay as soon as it does", async () => {
    const [a, r, b] = [await node(), await node(), await node()];
    await connect(a, r);
    // A knows nothing of B yet: the message waits in the outbox, with nothing to seal it to.
    const sent = await a.chat.send(b.id, "listing-topic-1", "Waiting for your key");
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(framesOf("RELAY")).toEqual([]);
    // B meets R only; its profile (with its ECDH card) reaches A through R, and the mail follows
    // at once, not at the next retry.
    await connect(r, b);
    await vi.waitFor(
      async () => expect((await b.store.getMessage(sent.author, sent.id))?.text).toBe("Waiting for your key"),
      WAIT,
    );
    await untilStatus(a, sent, "delivered");
    expect(between(a, b)).toEqual([]);
  });

  it("R holds the mail until B connects, and B's ACK until A is back", async () => {
    const [a, r, b] = await triangle({ connected: false });
    await connect(a, r);
    const sent = await a.chat.send(b.id, "listing-topic-1", "Held for you");
    await vi.waitFor(() => expect(r.mailbox.relayStats().held).toBe(1), WAIT);
    await disconnect(a, r);
    await connect(r, b);
    await vi.waitFor(
      async () => expect((await b.store.getMessage(sent.author, sent.id))?.text).toBe("Held for you"),
      WAIT,
    );
    // The ACK now waits at R for A.
    await vi.waitFor(() => expect(r.mailbox.relayStats().held).toBe(1), WAIT);
    expect((await a.store.getMessage(sent.author, sent.id))?.status).toBe("sent");
    await connect(a, r);
    await untilStatus(a, sent, "delivered");
    expect(await a.store.listOutbox()).toEqual([]);
    expect(r.mailbox.relayStats().held).toBe(0);
    expect(between(a, b)).toEqual([]);
  });

  it("a read receipt travels by relay too", async () => {
    const [a, _r, b] = await triangle();
    const sent = await a.chat.send(b.id, "listing-topic-1", "Read me");
    await untilStatus(a, sent, "delivered");
    await b.chat.markRead(a.id, "listing-topic-1");
    await untilStatus(a, sent, "read");
    // Kept for a direct meeting as well: a relay may not reach the author.
    expect((await b.store.getMessage(sent.author, sent.id))?.receiptPending).toBe(true);
  });

  it("prefers direct delivery when the recipient is connected", async () => {
    const [a, _r, b] = await triangle();
    await connect(a, b);
    const sent = await a.chat.send(b.id, "listing-topic-1", "Straight to you");
    await untilStatus(a, sent, "delivered");
    expect(framesOf("RELAY")).toEqual([]);
  });

  it("waits for a direct meeting when the recipient's keys are unknown", async () => {
    const [a, r, b] = [await node(), await node(), await node()];
    await connect(a, r);
    await connect(r, b);
    const sent = await a.chat.send(b.id, "listing-topic-1", "Who are you?");
    await a.mailbox.retry(0);
    expect(framesOf("RELAY")).toEqual([]);
    expect((await a.store.listOutbox()).map((e) => e.msgId)).toEqual([sent.id]);
  });

  it("hands an entry to at most three relays, once per connection, and again on the retry timer", async () => {
    const a = await node();
    const relays = [await node(), await node(), await node(), await node()];
    const b = await node();
    await knows(a, b);
    for (const relay of relays) await connect(a, relay);
    await a.chat.send(b.id, "listing-topic-1", "Spread a little");
    await vi.waitFor(() => expect(framesOf("RELAY")).toHaveLength(3), WAIT);
    // A new peer does not get it while three relays hold it; the retry timer repeats to those three.
    await connect(a, await node());
    await a.mailbox.retry(0);
    await vi.waitFor(() => expect(framesOf("RELAY")).toHaveLength(6), WAIT);
    expect(new Set(framesOf("RELAY").map((s) => s.to)).size).toBe(3);
  });

  it("R refuses and counts a tampered envelope; B gets nothing", async () => {
    const [a, r, b] = await triangle();
    intercept(a, r, "RELAY", (f) => {
      const mail = (f as unknown as RelayFrame).mail;
      if (mail.type !== "ACK") mail.sealed.ciphertext = flip(mail.sealed.ciphertext);
      return f;
    });
    const sent = await a.chat.send(b.id, "listing-topic-1", "Tampered");
    await vi.waitFor(() => expect(r.session.policy.score(a.id)).toBeGreaterThan(0), WAIT);
    expect(r.mailbox.relayStats()).toMatchObject({ held: 0, forwarded: 0, refused: 1 });
    expect(between(r, b).filter((s) => (s.frame as { type: string }).type === "RELAY")).toEqual([]);
    expect(await b.store.getMessage(sent.author, sent.id)).toBeUndefined();
    expect(await a.store.listOutbox()).toHaveLength(1);
  });

  it("R refuses a forgery: a key that is not the author's, or a frame relayed twice", async () => {
    const [a, r, b] = await triangle({ connected: false });
    const mallory = await node();
    await knows(mallory, b);
    await connect(a, r);
    await connect(mallory, r);
    // Mallory signs mail in A's name with her own key.
    intercept(mallory, r, "RELAY", (f) => {
      const mail = (f as unknown as RelayFrame).mail;
      if (mail.type !== "ACK") mail.sealed.from = a.id;
      return f;
    });
    await mallory.chat.send(b.id, "listing-topic-1", "I am A, honest");
    await vi.waitFor(() => expect(r.session.policy.score(mallory.id)).toBe(5), WAIT);
    // Mallory passes on a genuine frame of A's that she got somehow: one hop only.
    const genuine = await a.chat.send(b.id, "listing-topic-1", "Only via my own hands");
    await vi.waitFor(() => expect(r.mailbox.relayStats().held).toBe(1), WAIT);
    const captured = framesOf("RELAY").find((s) => s.from === a.id)?.frame;
    network.deliver(mallory.id, r.id, captured);
    await vi.waitFor(() => expect(r.session.policy.score(mallory.id)).toBe(10), WAIT);
    expect(r.mailbox.relayStats()).toMatchObject({ held: 1, refused: 2 });
    await connect(r, b);
    await vi.waitFor(
      async () => expect((await b.store.getMessage(genuine.author, genuine.id))?.text).toBe("Only via my own hands"),
      WAIT,
    );
    expect((await b.store.listMessages()).map((m) => m.id)).toEqual([genuine.id]);
  });

  it("B refuses and counts what a dishonest relay changed on the way", async () => {
    const [a, r, b] = await triangle();
    const other = await node();
    const otherCard = await agreementCard(other.identity);
    let n = 0;
    intercept(r, b, "RELAY", (f) => {
      const mail = (f as unknown as RelayFrame).mail;
      if (mail.type === "ACK") return f;
      n += 1;
      // First the ciphertext, then a card that is signed, but not by the author.
      if (n === 1) mail.sealed.ciphertext = flip(mail.sealed.ciphertext);
      else Object.assign(mail, otherCard);
      return f;
    });
    const first = await a.chat.send(b.id, "listing-topic-1", "Changed on the way");
    await vi.waitFor(() => expect(b.session.policy.score(r.id)).toBe(5), WAIT);
    const second = await a.chat.send(b.id, "listing-topic-1", "Wrong card");
    await vi.waitFor(() => expect(b.session.policy.score(r.id)).toBe(10), WAIT);
    expect(await b.store.getMessage(first.author, first.id)).toBeUndefined();
    expect(await b.store.getMessage(second.author, second.id)).toBeUndefined();
    expect(await a.store.listOutbox()).toHaveLength(2);
  });

  it("A does not retire an entry on an ACK that is not signed by the recipient", async () => {
    const [a, r, b] = await triangle();
    intercept(r, a, "RELAY", (f) => {
      const mail = (f as unknown as RelayFrame).mail;
      if (mail.type === "ACK") mail.ack.signature = flip(mail.ack.signature);
      return f;
    });
    const sent = await a.chat.send(b.id, "listing-topic-1", "Did you get it?");
    await vi.waitFor(() => expect(a.session.policy.score(r.id)).toBe(5), WAIT);
    expect(await b.store.getMessage(sent.author, sent.id)).toBeDefined();
    expect((await a.store.getMessage(sent.author, sent.id))?.status).toBe("sent");
    expect(await a.store.listOutbox()).toHaveLength(1);
  });

  it("ignores a replay of relayed mail: nothing applied twice, ACKed again", async () => {
    const [a, r, b] = await triangle();
    const sent = await a.chat.send(b.id, "listing-topic-1", "Once only");
    await untilStatus(a, sent, "delivered");
    const relayed = between(r, b).filter((s) => s.from === r.id && (s.frame as { type: string }).type === "RELAY");
    expect(relayed).toHaveLength(1);
    const acks = () => framesOf("RELAY").filter((s) => s.from === b.id);
    network.deliver(r.id, b.id, relayed[0]?.frame);
    await vi.waitFor(() => expect(acks()).toHaveLength(2), WAIT);
    expect(b.messageEvents.filter((m) => m.id === sent.id)).toHaveLength(1);
    expect((await b.store.listMessages()).filter((m) => m.id === sent.id)).toHaveLength(1);
  });

  it("a peer that learnt a message's id cannot make R drop its author's copy, by a receipt or by mail of its own", async () => {
    const [a, r, b] = await triangle({ connected: false });
    const mallory = await node();
    await knows(mallory, b);
    await connect(a, r);
    await connect(mallory, r);
    // A's frame is held back until Mallory has used its id (she carried it too, as another relay).
    let captured: unknown;
    intercept(a, r, "RELAY", (f) => {
      if (captured) return f;
      captured = f;
      return undefined;
    });
    const sent = await a.chat.send(b.id, "listing-topic-1", "From A, truly");
    await vi.waitFor(() => expect(captured).toBeDefined(), WAIT);
    // A receipt of her own for that id, as if she were its recipient…
    network.deliver(
      mallory.id,
      r.id,
      relayedAck(mallory.identity.publicKey, await signAck(mallory.identity, a.id, sent.id, "delivered")),
    );
    // …and mail of her own to B under the same id.
    await mallory.mailbox.post(b.id, "CHAT_MESSAGE", sent.id, {
      topic: "listing-topic-1",
      text: "From Mallory",
      createdAt: Date.now(),
    });
    await vi.waitFor(() => expect(r.mailbox.relayStats().held).toBe(1), WAIT);
    network.deliver(a.id, r.id, captured);
    await vi.waitFor(() => expect(r.mailbox.relayStats().held).toBe(2), WAIT);
    await connect(r, b);
    await vi.waitFor(async () => {
      expect((await b.store.getMessage(a.id, sent.id))?.text).toBe("From A, truly");
      expect((await b.store.getMessage(mallory.id, sent.id))?.text).toBe("From Mallory");
    }, WAIT);
    await untilStatus(a, sent, "delivered");
  });

  it("R does not carry a message again once its recipient answered: it repeats the answer", async () => {
    const [a, r, b] = await triangle();
    const sent = await a.chat.send(b.id, "listing-topic-1", "Answered already");
    await untilStatus(a, sent, "delivered");
    const toA = () => framesOf("RELAY").filter((s) => s.from === r.id && s.to === a.id);
    expect(toA()).toHaveLength(1);
    // A hands it again, as it would had the ACK been lost on the way.
    network.deliver(a.id, r.id, framesOf("RELAY").find((s) => s.from === a.id)?.frame);
    await vi.waitFor(() => expect(toA()).toHaveLength(2), WAIT);
    expect(framesOf("RELAY").filter((s) => s.from === r.id && s.to === b.id)).toHaveLength(1);
    const repeated = (toA()[1]?.frame as RelayFrame | undefined)?.mail;
    expect(repeated).toMatchObject({ type: "ACK", ack: { msgId: sent.id } });
    const bKey = (await agreementCard(b.identity)).agreementKey;
    if (repeated?.type === "ACK") expect(await readAck(a.identity, repeated.ack, bKey)).toBe("delivered");
  });

  it("R passes on again at the next HELLO what went out on a connection that was already dead", async () => {
    const [a, r, b] = await triangle();
    // A's end is gone but R has not noticed yet: what R sends A is lost.
    let dead = true;
    intercept(r, a, "RELAY", (f) => (dead ? undefined : f));
    const sent = await a.chat.send(b.id, "listing-topic-1", "Lost receipt");
    await vi.waitFor(() => expect(r.mailbox.relayStats().forwarded).toBe(2), WAIT);
    await disconnect(a, r);
    // B is gone too by the time A is back: only R's copy of the receipt can tell A.
    await disconnect(r, b);
    dead = false;
    expect((await a.store.getMessage(sent.author, sent.id))?.status).toBe("sent");
    await connect(a, r);
    await untilStatus(a, sent, "delivered");
  });

  it("two copies arriving at once by different peers are applied once", async () => {
    const [a, r, b] = await triangle({ connected: false });
    const r2 = await node();
    await connect(a, r);
    await connect(r, b);
    await connect(r2, b);
    let captured: unknown;
    intercept(r, b, "RELAY", (f) => {
      if (captured) return f;
      captured = f;
      return undefined;
    });
    const sent = await a.chat.send(b.id, "listing-topic-1", "Twice over");
    await vi.waitFor(() => expect(captured).toBeDefined(), WAIT);
    // The same envelope by two paths in the same tick: B's per-peer queues run side by side.
    network.deliver(r.id, b.id, captured);
    network.deliver(r2.id, b.id, captured);
    await untilStatus(a, sent, "delivered");
    await b.session.whenIdle(r.id);
    await b.session.whenIdle(r2.id);
    expect(b.messageEvents.filter((m) => m.id === sent.id)).toHaveLength(1);
  });

  it("R's hold is bounded: per author, in total, and in time", async () => {
    const [a, r, b] = await triangle({
      connected: false,
      relayLimits: { maxHeld: 3, maxHeldPerAuthor: 2, maxHeldPerRecipient: 3, newcomerShare: 1, ttlMs: 60_000 },
    });
    const c = await node();
    await knows(c, b);
    await connect(a, r);
    await connect(c, r);
    for (let i = 0; i < 3; i++) await a.chat.send(b.id, "listing-topic-1", `From A ${i}`);
    await vi.waitFor(() => expect(r.mailbox.relayStats()).toMatchObject({ held: 2, refused: 1 }), WAIT);
    for (let i = 0; i < 2; i++) await c.chat.send(b.id, "listing-topic-1", `From C ${i}`);
    await vi.waitFor(() => expect(r.mailbox.relayStats()).toMatchObject({ held: 3, refused: 2 }), WAIT);
    // Full is not misbehaviour.
    expect(r.session.policy.score(a.id)).toBe(0);
    expect(r.session.policy.score(c.id)).toBe(0);
    r.clock.now += 60_000;
    expect(r.mailbox.relayStats().held).toBe(0);
    await connect(r, b);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await b.store.listMessages()).toEqual([]);
  });

  it("does not relay for blocked users", async () => {
    const [a, r, b] = await triangle({ connected: false });
    await r.blocked.add(b.id);
    await connect(a, r);
    await a.chat.send(b.id, "listing-topic-1", "Not through R");
    await vi.waitFor(() => expect(framesOf("RELAY")).toHaveLength(1), WAIT);
    await r.session.whenIdle(a.id);
    expect(r.mailbox.relayStats()).toMatchObject({ held: 0, forwarded: 0, refused: 0 });
  });

  it("the recipient drops relayed mail from a user it blocked, unanswered", async () => {
    const [a, r, b] = await triangle({ connected: false });
    await b.blocked.add(a.id);
    await connect(a, r);
    await connect(r, b);
    const sent = await a.chat.send(b.id, "listing-topic-1", "Blocked sender");
    await vi.waitFor(() => expect(r.mailbox.relayStats().forwarded).toBe(1), WAIT);
    await b.session.whenIdle(r.id);
    expect(await b.store.getMessage(sent.author, sent.id)).toBeUndefined();
    expect(framesOf("RELAY").filter((s) => s.from === b.id)).toEqual([]);
    expect(b.session.policy.score(r.id)).toBe(0);
  });
});

describe("the RELAY frame", () => {
  const base = async () => {
    const [a, b] = [await generateIdentity(0), await generateIdentity(0)];
    const card = await agreementCard(a);
    return {
      v: 1,
      type: "RELAY",
      id: "r1",
      publicKey: a.publicKey,
      mail: {
        type: "CHAT_MESSAGE",
        sealed: {
          from: a.peerId,
          to: b.peerId,
          msgId: "m".repeat(22),
          iv: "aXZpdml2aXZpdml2",
          ciphertext: "Y2lwaGVy",
          signature: "s".repeat(86),
        },
        ...card,
      },
    };
  };

  it("parses mail and ACKs, and nothing else", async () => {
    const raw = await base();
    expect(parseFrame(raw).ok).toBe(true);
    const ack = {
      ...raw,
      mail: {
        type: "ACK",
        ack: {
          msgId: "m".repeat(22),
          from: raw.mail.sealed.to,
          to: raw.mail.sealed.from,
          status: "read",
          signature: "s".repeat(86),
        },
      },
    };
    expect(parseFrame(ack).ok).toBe(true);
    expect(parseFrame({ ...raw, mail: { ...raw.mail, type: "LISTING_BROADCAST" } })).toEqual({
      ok: false,
      reason: "malformed",
    });
    const { agreementKey: _, ...withoutCard } = raw.mail;
    expect(parseFrame({ ...raw, mail: withoutCard }).ok).toBe(false);
    expect(parseFrame({ ...raw, mail: { ...raw.mail, extra: 1 } }).ok).toBe(false);
  });

  it("caps the ciphertext a relay is asked to carry below the frame cap", async () => {
    const raw = await base();
    const at = (length: number) => ({
      ...raw,
      mail: { ...raw.mail, sealed: { ...raw.mail.sealed, ciphertext: "A".repeat(length) } },
    });
    expect(parseFrame(at(MAX_RELAYED_CIPHERTEXT)).ok).toBe(true);
    expect(parseFrame(at(MAX_RELAYED_CIPHERTEXT + 1))).toEqual({ ok: false, reason: "malformed" });
  });
});
