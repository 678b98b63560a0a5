import "fake-indexeddb/auto";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { generateIdentity, type Identity, type PeerId } from "../../src/core/crypto.ts";
import { dealState } from "../../src/core/deals/deal.ts";
import { createListing } from "../../src/core/listings/draft.ts";
import type { Listing } from "../../src/core/listings/records.ts";
import { readAck } from "../../src/core/mail/ack.ts";
import type { DealRecord } from "../../src/core/mail/mail-store.ts";
import { agreementCard } from "../../src/core/mail/seal.ts";
import type { FrameOf } from "../../src/core/wire.ts";
import type { OfferInput } from "../../src/shared/api.ts";
import type { MemoryNetwork } from "../support/memory-link.ts";
import { draft } from "./fixtures.ts";
import { type MailNode, untilStatus, useMailNodes, WAIT } from "./mail-nodes.ts";

const { node: mailNode, connect, network: useNetwork } = useMailNodes();
let network: MemoryNetwork;
beforeEach(() => {
  network = useNetwork();
});
type Node = MailNode;

function node(identity?: Identity, dbName?: string): Promise<Node> {
  return mailNode({ ...(identity ? { identity } : {}), ...(dbName ? { dbName } : {}) });
}

async function listingOf(seller: Node, buyer: Node): Promise<Listing> {
  const listing = await createListing(seller.identity, draft(), Date.now());
  await seller.store.putListingIf(listing, () => true);
  await buyer.store.putListingIf(listing, () => true);
  return listing;
}

const money = (amount: string, message = ""): OfferInput => ({ amount, currency: "EUR", swap: "", message });

const sealedFrames = (from: PeerId, to: PeerId) =>
  network.sent.filter(
    (s) =>
      s.from === from &&
      s.to === to &&
      ["DEAL_PROPOSAL", "DEAL_RESPONSE", "CHAT_MESSAGE"].includes((s.frame as { type: string }).type),
  );

describe("deals and chat over the mailbox", () => {
  it("delivers an offer, a counter, an accept and a completion, and both sides store the same deal", async () => {
    const [seller, buyer] = [await node(), await node()];
    const listing = await listingOf(seller, buyer);
    await connect(buyer, seller);
    const proposed = await buyer.deals.propose(listing.id, money("30", "Would you take 30?"));
    await vi.waitFor(async () => expect((await seller.store.getDeal(proposed.id))?.steps).toHaveLength(1), WAIT);
    expect((await seller.store.getDeal(proposed.id))?.unread).toBe(1);
    await seller.deals.respond(proposed.id, "counter", money("35"));
    await vi.waitFor(async () => expect((await buyer.store.getDeal(proposed.id))?.steps).toHaveLength(2), WAIT);
    await buyer.deals.respond(proposed.id, "accept");
    await vi.waitFor(async () => expect((await seller.store.getDeal(proposed.id))?.steps).toHaveLength(3), WAIT);
    await seller.deals.respond(proposed.id, "complete");
    await vi.waitFor(async () => expect((await buyer.store.getDeal(proposed.id))?.steps).toHaveLength(4), WAIT);
    const [a, b] = [await buyer.store.getDeal(proposed.id), await seller.store.getDeal(proposed.id)];
    expect(a?.steps).toEqual(b?.steps);
    expect(dealState(a?.steps ?? [], Date.now())).toBe("completed");
    // Every step was acknowledged: nothing waits in either outbox.
    await vi.waitFor(async () => {
      expect(await buyer.store.listOutbox()).toEqual([]);
      expect(await seller.store.listOutbox()).toEqual([]);
    }, WAIT);
  });

  it("sends only ciphertext: the offer text never appears on the wire", async () => {
    const [seller, buyer] = [await node(), await node()];
    const listing = await listingOf(seller, buyer);
    await connect(buyer, seller);
    await buyer.deals.propose(listing.id, money("30", "secret-handshake-words"));
    await buyer.chat.send(seller.id, listing.id, "more-secret-words");
    await vi.waitFor(async () => expect(await buyer.store.listOutbox()).toEqual([]), WAIT);
    // Each sent once, although the HELLO-time flush raced the sends.
    expect(sealedFrames(buyer.id, seller.id)).toHaveLength(2);
    expect(JSON.stringify(network.sent)).not.toMatch(/secret-handshake-words|more-secret-words/);
  });

  it("marks a chat message delivered on ACK and read on the read receipt", async () => {
    const [a, b] = [await node(), await node()];
    await connect(a, b);
    const sent = await a.chat.send(b.id, "listing-topic-1", "Is it still available?");
    await untilStatus(a, sent, "delivered");
    expect((await b.store.getMessage(sent.author, sent.id))?.text).toBe("Is it still available?");
    await b.chat.markRead(a.id, "listing-topic-1");
    await untilStatus(a, sent, "read");
  });

  it("sends a read receipt the author missed when they come back", async () => {
    const [a, b] = [await node(), await node()];
    await connect(a, b);
    const sent = await a.chat.send(b.id, "listing-topic-1", "Read me later");
    await untilStatus(a, sent, "delivered");
    a.link.hangUp(b.id);
    await vi.waitFor(() => expect(b.session.readyPeers()).toEqual([]), WAIT);
    await b.chat.markRead(a.id, "listing-topic-1");
    expect((await b.store.getMessage(sent.author, sent.id))?.receiptPending).toBe(true);
    await connect(a, b);
    await untilStatus(a, sent, "read");
    expect((await b.store.getMessage(sent.author, sent.id))?.receiptPending).toBeUndefined();
  });

  it("keeps a message for an offline peer in the outbox, dials it, and delivers once it is back", async () => {
    const [a, b] = [await node(), await node()];
    const sent = await a.chat.send(b.id, "listing-topic-1", "Are you there?");
    expect(a.dialled).toContain(b.id);
    expect((await a.store.listOutbox()).map((e) => e.msgId)).toEqual([sent.id]);
    await connect(a, b);
    await untilStatus(a, sent, "delivered");
    expect(await a.store.listOutbox()).toEqual([]);
  });

  it("retries after a reconnect when the ACK never came, and the second copy is not stored twice", async () => {
    const [a, b] = [await node(), await node()];
    await connect(a, b);
    // The recipient's ACKs get lost: drop every ACK on the way back.
    const deliver = network.deliver.bind(network);
    let dropAcks = true;
    network.deliver = (from, to, f) => {
      if (dropAcks && (f as { type: string }).type === "ACK") return;
      deliver(from, to, f);
    };
    const sent = await a.chat.send(b.id, "listing-topic-1", "Hello twice?");
    await vi.waitFor(async () => expect(await b.store.getMessage(sent.author, sent.id)).toBeDefined(), WAIT);
    expect(await a.store.listOutbox()).toHaveLength(1);
    dropAcks = false;
    a.link.hangUp(b.id);
    await vi.waitFor(() => expect(a.session.readyPeers()).toEqual([]), WAIT);
    await connect(a, b);
    await vi.waitFor(async () => expect(await a.store.listOutbox()).toEqual([]), WAIT);
    expect(sealedFrames(a.id, b.id)).toHaveLength(2);
    expect((await b.store.listMessages()).filter((m) => m.id === sent.id)).toHaveLength(1);
    expect(b.messageEvents.filter((m) => m.id === sent.id)).toHaveLength(1);
  });

  it("ignores a replayed frame: same message id, nothing applied twice, ACKed again", async () => {
    const [seller, buyer] = [await node(), await node()];
    const listing = await listingOf(seller, buyer);
    await connect(buyer, seller);
    const deal = await buyer.deals.propose(listing.id, money("30"));
    await buyer.chat.send(seller.id, deal.id, "Only once");
    await vi.waitFor(async () => expect(await buyer.store.listOutbox()).toEqual([]), WAIT);
    const captured = sealedFrames(buyer.id, seller.id).map((s) => s.frame);
    const eventsBefore = [seller.dealEvents.length, seller.messageEvents.length];
    const acksBefore = network.sent.filter((s) => s.from === seller.id && (s.frame as { type: string }).type === "ACK");
    for (const f of captured) network.deliver(buyer.id, seller.id, f);
    const acks = () => network.sent.filter((s) => s.from === seller.id && (s.frame as { type: string }).type === "ACK");
    await vi.waitFor(() => expect(acks()).toHaveLength(acksBefore.length + captured.length), WAIT);
    // Sealed for the buyer: only its keys open the status.
    const sellerKey = (await agreementCard(seller.identity)).agreementKey;
    for (const sent of acks().slice(acksBefore.length))
      expect(await readAck(buyer.identity, (sent.frame as FrameOf<"ACK">).ack, sellerKey)).toBe("delivered");
    expect([seller.dealEvents.length, seller.messageEvents.length]).toEqual(eventsBefore);
    expect((await seller.store.getDeal(deal.id))?.steps).toHaveLength(1);
    expect((await seller.store.listMessages()).filter((m) => m.text === "Only once")).toHaveLength(1);
  });

  it("sends again to a connected peer when the ACK is overdue", async () => {
    const [a, b] = [await node(), await node()];
    await connect(a, b);
    const deliver = network.deliver.bind(network);
    let dropMail = true;
    network.deliver = (from, to, f) => {
      if (dropMail && (f as { type: string }).type === "CHAT_MESSAGE") return;
      deliver(from, to, f);
    };
    const sent = await a.chat.send(b.id, "listing-topic-1", "Lost on the first try");
    await a.mailbox.retry(60_000);
    expect(await b.store.getMessage(sent.author, sent.id)).toBeUndefined();
    dropMail = false;
    await a.mailbox.retry(0);
    await untilStatus(a, sent, "delivered");
  });

  it("drops a tampered frame: not stored, not acknowledged, counted against the sender", async () => {
    const [a, b] = [await node(), await node()];
    await connect(a, b);
    const deliver = network.deliver.bind(network);
    network.deliver = (from, to, f) => {
      const typed = f as { type: string; sealed?: { ciphertext: string } };
      if (typed.type === "CHAT_MESSAGE" && typed.sealed) {
        const c = typed.sealed.ciphertext;
        typed.sealed.ciphertext = (c[0] === "A" ? "B" : "A") + c.slice(1);
      }
      deliver(from, to, f);
    };
    const sent = await a.chat.send(b.id, "listing-topic-1", "Tampered on the way");
    await vi.waitFor(() => expect(b.session.policy.score(a.id)).toBeGreaterThan(0), WAIT);
    expect(await b.store.getMessage(sent.author, sent.id)).toBeUndefined();
    expect((await a.store.getMessage(sent.author, sent.id))?.status).toBe("sent");
    expect(await a.store.listOutbox()).toHaveLength(1);
  });

  it("keeps the outbox across a reload of the sender", async () => {
    const [aIdentity, b] = [await generateIdentity(Date.now()), await node()];
    const dbName = `mail-reload-${Math.random().toString(36).slice(2)}`;
    const first = await node(aIdentity, dbName);
    const sent = await first.chat.send(b.id, "listing-topic-1", "Written before the reload");
    first.store.close();
    const again = await node(aIdentity, dbName);
    await connect(again, b);
    await vi.waitFor(
      async () => expect((await b.store.getMessage(sent.author, sent.id))?.text).toBe("Written before the reload"),
      WAIT,
    );
  });

  it("refuses an illegal step: it is not stored, and the sender's outbox entry is retired as refused", async () => {
    const [seller, buyer] = [await node(), await node()];
    const listing = await listingOf(seller, buyer);
    await connect(buyer, seller);
    const deal = await buyer.deals.propose(listing.id, money("30"));
    await vi.waitFor(async () => expect(await seller.store.getDeal(deal.id)).toBeDefined(), WAIT);
    await buyer.deals.respond(deal.id, "withdraw");
    await vi.waitFor(async () => expect((await seller.store.getDeal(deal.id))?.steps).toHaveLength(2), WAIT);
    // The seller's software ignores the withdrawal and accepts anyway: forge it past the local check.
    const stale = (await seller.store.getDeal(deal.id)) as DealRecord;
    await seller.store.updateDeal(deal.id, () => ({ ...stale, steps: stale.steps.slice(0, 1) }));
    await seller.deals.respond(deal.id, "accept");
    await vi.waitFor(async () => expect(await seller.store.listOutbox()).toEqual([]), WAIT);
    expect(dealState((await buyer.store.getDeal(deal.id))?.steps ?? [], Date.now())).toBe("withdrawn");
    // The refusal takes the seller's accept back: both sides hold the same single offer again.
    await vi.waitFor(async () => expect((await seller.store.getDeal(deal.id))?.steps).toHaveLength(1), WAIT);
  });

  it("refuses a step by a third party", async () => {
    const [seller, buyer, stranger] = [await node(), await node(), await node()];
    const listing = await listingOf(seller, buyer);
    await connect(buyer, seller);
    await connect(stranger, seller);
    const deal = await buyer.deals.propose(listing.id, money("30"));
    await vi.waitFor(async () => expect(await seller.store.getDeal(deal.id)).toBeDefined(), WAIT);
    // The stranger copies the deal into its store and tries to accept on the buyer's behalf.
    await stranger.store.updateDeal(deal.id, () => ({ ...deal, steps: [...deal.steps], unread: 0, updatedAt: 0 }));
    await expect(stranger.deals.respond(deal.id, "accept")).rejects.toThrow(/Only the buyer and the seller/);
    // Refused locally too: neither the deal nor the outbox changed.
    expect(await stranger.store.listOutbox()).toEqual([]);
    expect((await stranger.store.getDeal(deal.id))?.steps).toHaveLength(1);
    expect((await seller.store.getDeal(deal.id))?.steps).toHaveLength(1);
  });

  it("converges when both sides act at once while apart (accept vs withdraw)", async () => {
    const [seller, buyer] = [await node(), await node()];
    const listing = await listingOf(seller, buyer);
    await connect(buyer, seller);
    const deal = await buyer.deals.propose(listing.id, {
      amount: "",
      currency: "EUR",
      swap: "My old lamp",
      message: "",
    });
    await vi.waitFor(async () => expect(await seller.store.getDeal(deal.id)).toBeDefined(), WAIT);
    expect((await seller.store.getDeal(deal.id))?.steps[0]?.offer).toEqual({ kind: "swap", items: "My old lamp" });
    buyer.link.hangUp(seller.id);
    await vi.waitFor(() => expect(seller.session.readyPeers()).toEqual([]), WAIT);
    await seller.deals.respond(deal.id, "accept");
    await buyer.deals.respond(deal.id, "withdraw");
    await connect(buyer, seller);
    await vi.waitFor(async () => {
      expect(await buyer.store.listOutbox()).toEqual([]);
      expect(await seller.store.listOutbox()).toEqual([]);
      const [a, b] = [await buyer.store.getDeal(deal.id), await seller.store.getDeal(deal.id)];
      expect(a?.steps).toHaveLength(2);
      expect(a?.steps).toEqual(b?.steps);
    }, WAIT);
  });

  it("refuses an offer on your own listing with a message for the form", async () => {
    const [seller, buyer] = [await node(), await node()];
    const listing = await listingOf(seller, buyer);
    await expect(seller.deals.propose(listing.id, money("30"))).rejects.toThrow(/own listing/);
    await expect(buyer.deals.propose(listing.id, money(""))).rejects.toThrow(/Enter an amount/);
    await expect(buyer.deals.propose(listing.id, { ...money("3"), swap: "A lamp" })).rejects.toThrow(/either/);
    expect(await buyer.store.listDeals()).toEqual([]);
  });
});
