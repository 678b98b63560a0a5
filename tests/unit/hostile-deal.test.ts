// A counterparty that backdates a deal step, within the rate limits: a step dated before ours at
// the same position replaces ours only in a real race (ours had not reached them yet), never
// once they acknowledged it.

import { describe, expect, it, vi } from "vitest";
import { signStep } from "../../src/core/deals/deal.ts";
import { createListing } from "../../src/core/listings/draft.ts";
import { newMessageId } from "../../src/core/mail/seal.ts";
import { draft } from "./fixtures.ts";
import { useMailNodes, WAIT } from "./mail-nodes.ts";

const { node, connect } = useMailNodes();

describe("a backdated deal step", () => {
  it("does not replace the other party's step once that step was delivered", async () => {
    const [seller, buyer] = [await node(), await node()];
    const listing = await createListing(seller.identity, draft(), Date.now());
    await seller.store.putListingIf(listing, () => true);
    await buyer.store.putListingIf(listing, () => true);
    await connect(buyer, seller);
    buyer.clock.now = -10_000;
    const proposed = await buyer.deals.propose(listing.id, { amount: "30", currency: "EUR", swap: "", message: "" });
    buyer.clock.now = 0;
    await vi.waitFor(async () => expect((await seller.store.getDeal(proposed.id))?.steps).toHaveLength(1), WAIT);
    const accepted = await seller.deals.respond(proposed.id, "accept");
    const accept = accepted.steps[1];
    await vi.waitFor(async () => expect((await buyer.store.getDeal(proposed.id))?.steps).toHaveLength(2), WAIT);
    await vi.waitFor(async () => expect(await seller.store.listOutbox()).toEqual([]), WAIT);
    // The buyer, having the acceptance, signs a withdrawal at its position, dated just before it.
    const withdraw = await signStep(buyer.identity, {
      dealId: proposed.id,
      listingId: listing.id,
      seq: 1,
      action: "withdraw",
      buyer: buyer.id,
      seller: seller.id,
      createdAt: (accept?.createdAt ?? 0) - 1,
      message: "",
    });
    await buyer.mailbox.post(seller.id, "DEAL_RESPONSE", newMessageId(), { step: withdraw });
    await vi.waitFor(async () => expect(await buyer.store.listOutbox()).toEqual([]), WAIT);
    expect((await seller.store.getDeal(proposed.id))?.steps.map((s) => s.action)).toEqual(["propose", "accept"]);
  });
});

describe("a malformed deal message", () => {
  it("is refused whole, whatever it carries beside a valid step, and changes nothing stored", async () => {
    const [seller, buyer] = [await node(), await node()];
    const listing = await createListing(seller.identity, draft(), Date.now());
    await seller.store.putListingIf(listing, () => true);
    await connect(buyer, seller);
    const propose = await signStep(buyer.identity, {
      dealId: newMessageId(),
      listingId: listing.id,
      seq: 0,
      action: "propose",
      buyer: buyer.id,
      seller: seller.id,
      createdAt: Date.now(),
      message: "",
      offer: { kind: "money", amount: 3000, currency: "EUR" },
    });
    for (const body of [
      { step: propose, extra: "unchecked" },
      { step: propose, receipt: 42 },
      { receipt: "x" },
      "step",
    ])
      await buyer.mailbox.post(seller.id, "DEAL_PROPOSAL", newMessageId(), body);
    await vi.waitFor(async () => expect(await buyer.store.listOutbox()).toEqual([]), WAIT);
    expect(await seller.store.listDeals()).toEqual([]);
  });
});
