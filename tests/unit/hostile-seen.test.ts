// The seen message ids (the inbox's replay guard) are bounded in count, so a flood inside the rate
// limits cannot grow them for 30 days; and what the flood pushes out, replayed or resent later,
// stores nothing twice and takes nothing back.

import { describe, expect, it, vi } from "vitest";
import type { PeerId } from "../../src/core/crypto.ts";
import { SEEN_MAX } from "../../src/core/mail/inbox.ts";
import type { Frame } from "../../src/core/wire.ts";
import { post, type TestPeer } from "../support/peers.ts";
import { usePeers } from "../support/use-peers.ts";
import { draft } from "./fixtures.ts";

const WAIT = { timeout: 10_000, interval: 10 };
const SEEN = 20;
const { node, connect } = usePeers({ defaults: { memory: true }, quiet: true });

/** `from` writes `n` chat messages to `to` and waits until every one is answered. */
async function flood(from: TestPeer, to: TestPeer, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push((await from.chat.send(to.id, "listing-topic-1", `Flood ${i}`)).id);
  await vi.waitFor(async () => expect(await from.store.listOutbox()).toEqual([]), WAIT);
  return ids;
}

/** Drops `hub`'s receipts to `peer` while `dropping.on`: an ACK lost on the way. */
function loseAcks(hub: TestPeer, peer: PeerId): { on: boolean } {
  const dropping = { on: true };
  const send = hub.link.send.bind(hub.link);
  hub.link.send = (to, frame) => {
    if (dropping.on && to === peer && (frame as Frame).type === "ACK") return;
    send(to, frame);
  };
  return dropping;
}

describe("the seen message ids are bounded", () => {
  it("the default is months of a busy user's mail, and finite", () => {
    expect(SEEN_MAX).toBeGreaterThanOrEqual(10_000);
    expect(SEEN_MAX).toBeLessThanOrEqual(1_000_000);
  });

  it("a flood of messages inside the rate limits leaves at most the cap of ids seen", async () => {
    // Most of the flood is refused (5 a person), and refused ids are remembered too.
    const hub = await node({ seenMax: SEEN, perPerson: { messages: 5 } });
    const mallory = await node();
    await connect(mallory, hub);
    const ids = await flood(mallory, hub, 60);
    const seen = await Promise.all(ids.map((id) => hub.store.wasSeen(mallory.id, id)));
    expect(seen.filter(Boolean).length).toBeLessThanOrEqual(SEEN);
    // The newest are the ones kept.
    expect(seen.at(-1)).toBe(true);
  }, 30_000);

  it("a deal step resent after its seen id was pushed out changes nothing and is not refused", async () => {
    const seller = await node({ seenMax: SEEN });
    const buyer = await node();
    const mallory = await node();
    const lamp = await post(seller, draft({ title: "Lamp" }));
    await connect(buyer, seller);
    await vi.waitFor(async () => expect(await buyer.store.getListing(lamp.id)).toEqual(lamp), WAIT);
    const offer = { amount: "30", currency: "EUR", swap: "", message: "" };
    const deal = await buyer.deals.propose(lamp.id, offer);
    await vi.waitFor(async () => expect((await seller.store.getDeal(deal.id))?.steps).toHaveLength(1), WAIT);
    await seller.deals.respond(deal.id, "counter", { ...offer, amount: "35" });
    await vi.waitFor(async () => expect((await buyer.store.getDeal(deal.id))?.steps).toHaveLength(2), WAIT);
    // The buyer accepts; the seller stores it, and its receipt is lost on the way back.
    const dropping = loseAcks(seller, buyer.id);
    await buyer.deals.respond(deal.id, "accept");
    await vi.waitFor(async () => expect((await seller.store.getDeal(deal.id))?.steps).toHaveLength(3), WAIT);
    const [waiting] = await buyer.store.listOutbox();
    if (!waiting) throw new Error("the accept should still wait for its receipt");
    expect(await seller.store.wasSeen(buyer.id, waiting.msgId)).toBe(true);
    // A flood pushes the accept's id out of the seen ids.
    await connect(mallory, seller);
    await flood(mallory, seller, SEEN + 5);
    expect(await seller.store.wasSeen(buyer.id, waiting.msgId)).toBe(false);
    const before = await seller.store.getDeal(deal.id);

    // The buyer resends it, as the outbox does until a receipt comes.
    dropping.on = false;
    await buyer.mailbox.retry(0);
    await vi.waitFor(async () => expect(await buyer.store.listOutbox()).toEqual([]), WAIT);
    expect(await seller.store.getDeal(deal.id)).toEqual(before);
    // Not refused: the buyer keeps its accept, and both sides hold the same three steps.
    const mine = await buyer.store.getDeal(deal.id);
    expect(mine?.steps.map((s) => s.signature)).toEqual(before?.steps.map((s) => s.signature));
  }, 30_000);

  it("a chat message resent after its seen id was pushed out is not stored twice and stays read", async () => {
    const hub = await node({ seenMax: SEEN });
    const bob = await node();
    const mallory = await node();
    await connect(bob, hub);
    const dropping = loseAcks(hub, bob.id);
    const hello = await bob.chat.send(hub.id, "listing-topic-1", "Is the lamp still there?");
    await vi.waitFor(async () => expect(await hub.store.getMessage(bob.id, hello.id)).toBeDefined(), WAIT);
    await hub.chat.markRead(bob.id, "listing-topic-1");
    await connect(mallory, hub);
    await flood(mallory, hub, SEEN + 5);
    expect(await hub.store.wasSeen(bob.id, hello.id)).toBe(false);
    const before = (await hub.store.listMessages()).filter((m) => m.author === bob.id);
    expect(before.map((m) => m.status)).toEqual(["read"]);

    dropping.on = false;
    await bob.mailbox.retry(0);
    await vi.waitFor(async () => expect(await bob.store.listOutbox()).toEqual([]), WAIT);
    expect((await hub.store.listMessages()).filter((m) => m.author === bob.id)).toEqual(before);
    expect((await bob.store.getMessage(bob.id, hello.id))?.status).not.toBe("refused");
  }, 30_000);
});
