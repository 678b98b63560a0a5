// Mail against a peer that stays inside the rate limits. Message ids are chosen by their senders
// and seen by relays, so Mallory may know any of them: her copy under someone else's id must not
// make the real message be dropped, her receipts must not change anyone else's message, and her
// message must not overwrite one we sent. Deal steps travel the same way and are checked too.

import { describe, expect, it, vi } from "vitest";
import { createListing } from "../../src/core/listings/draft.ts";
import { draft } from "./fixtures.ts";
import { type MailNode, useMailNodes, WAIT } from "./mail-nodes.ts";

const { node, connect } = useMailNodes();

const chatBody = (text: string) => ({ topic: "listing-topic-1", text, createdAt: Date.now() });

async function settle(...nodes: MailNode[]) {
  await new Promise((resolve) => setTimeout(resolve, 50));
  for (const n of nodes) for (const peer of n.session.readyPeers()) await n.session.whenIdle(peer);
}

describe("message ids against a hostile peer", () => {
  it("a copy sent first under a chat message's id does not make the real message be dropped", async () => {
    const [alice, bob, mallory] = [await node(), await node(), await node()];
    const sent = await alice.chat.send(bob.id, "listing-topic-1", "The real message");
    await connect(mallory, bob);
    await mallory.mailbox.post(bob.id, "CHAT_MESSAGE", sent.id, chatBody("A copy under the same id"));
    await vi.waitFor(async () => expect(await mallory.store.listOutbox()).toEqual([]), WAIT);
    await connect(alice, bob);
    await vi.waitFor(async () => {
      const atBob = await bob.store.listMessages();
      expect(atBob.find((m) => m.author === alice.id)?.text).toBe("The real message");
      expect(atBob.find((m) => m.author === mallory.id)?.text).toBe("A copy under the same id");
    }, WAIT);
  });

  it("a step sent first under a deal step's id does not make the real step be dropped", async () => {
    const [seller, buyer, mallory] = [await node(), await node(), await node()];
    const listing = await createListing(seller.identity, draft(), Date.now());
    await seller.store.putListingIf(listing, () => true);
    await buyer.store.putListingIf(listing, () => true);
    const proposed = await buyer.deals.propose(listing.id, { amount: "30", currency: "EUR", swap: "", message: "" });
    const [waiting] = await buyer.store.listOutbox();
    await connect(mallory, seller);
    await mallory.mailbox.post(seller.id, "DEAL_PROPOSAL", waiting?.msgId as string, { receipt: "not a receipt" });
    await vi.waitFor(async () => expect(await mallory.store.listOutbox()).toEqual([]), WAIT);
    await connect(buyer, seller);
    await vi.waitFor(async () => expect((await seller.store.getDeal(proposed.id))?.steps).toHaveLength(1), WAIT);
  });

  it("a receipt from someone who is not the recipient changes nothing", async () => {
    const [alice, bob, mallory] = [await node(), await node(), await node()];
    await connect(alice, bob);
    const sent = await alice.chat.send(bob.id, "listing-topic-1", "For Bob only");
    const mine = async () => (await alice.store.listMessages()).find((m) => m.id === sent.id && m.author === alice.id);
    await vi.waitFor(async () => expect((await mine())?.status).toBe("delivered"), WAIT);
    await connect(mallory, alice);
    await mallory.mailbox.receipt(alice.id, sent.id, "read");
    await mallory.mailbox.receipt(alice.id, sent.id, "refused");
    await settle(alice);
    expect((await mine())?.status).toBe("delivered");
  });

  it("a message under the id of one we sent does not overwrite ours", async () => {
    const [alice, bob, mallory] = [await node(), await node(), await node()];
    await connect(alice, bob);
    const sent = await alice.chat.send(bob.id, "listing-topic-1", "What I wrote");
    await connect(mallory, alice);
    await mallory.mailbox.post(alice.id, "CHAT_MESSAGE", sent.id, chatBody("What Mallory wrote"));
    await vi.waitFor(async () => expect(await mallory.store.listOutbox()).toEqual([]), WAIT);
    const atAlice = await alice.store.listMessages();
    expect(atAlice.find((m) => m.author === alice.id && m.id === sent.id)?.text).toBe("What I wrote");
  });
});
