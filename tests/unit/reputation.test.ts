// Reputation (issue 5): completed deals carry a receipt both parties sign; a profile lists its
// owner's countersigned deals, and anyone who receives the profile can check every entry.

import "fake-indexeddb/auto";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { generateIdentity, type Identity, sign } from "../../src/core/crypto.ts";
import { signStep } from "../../src/core/deals/deal.ts";
import { canonicalJson } from "../../src/core/encoding.ts";
import { createListing } from "../../src/core/listings/draft.ts";
import { agreementCard } from "../../src/core/mail/seal.ts";
import { signProfile, verifyProfile } from "../../src/core/profiles/profile.ts";
import type { Profiles } from "../../src/core/profiles/profiles.ts";
import { checkReceipts, countReceipts, type Receipt, signReceipt } from "../../src/core/profiles/receipt.ts";
import type { OfferInput } from "../../src/shared/api.ts";
import { draft } from "./fixtures.ts";
import { type MailNode, useMailNodes, WAIT } from "./mail-nodes.ts";

const NOW = 1_700_000_000_000;
let alice: Identity;
let bob: Identity;
let carol: Identity;

beforeAll(async () => {
  [alice, bob, carol] = await Promise.all([generateIdentity(NOW), generateIdentity(NOW), generateIdentity(NOW)]);
});

/** A receipt in `owner`'s profile for a deal with `other`, signed by `signer` (normally `other`). */
async function receipt(owner: Identity, other: Identity, role: Receipt["role"], signer = other): Promise<Receipt> {
  const dealId = `deal-${Math.random().toString(36).slice(2)}-0123456789`;
  const [buyer, seller] = role === "buyer" ? [owner.peerId, other.peerId] : [other.peerId, owner.peerId];
  // A listing the seller posted: its id carries the seller's.
  const terms = { dealId, listingId: `${seller.slice(3)}-listing1`, buyer, seller, completedAt: NOW };
  return {
    dealId,
    listingId: terms.listingId,
    role,
    other: other.peerId,
    otherKey: other.publicKey,
    completedAt: NOW,
    otherSignature: await signReceipt(signer, terms),
  };
}

describe("deal receipts", () => {
  it("a hundred receipts one sybil signed count as one person, and none for listings the seller never posted", async () => {
    const forged: Receipt[] = [];
    for (let i = 0; i < 100; i++) {
      const real = await receipt(alice, bob, "seller");
      forged.push({ ...real, listingId: `made-up-listing-${i}`, otherSignature: real.otherSignature });
    }
    // Signed over the made-up ids, so they pass the signature check: the count must refuse them.
    for (const [i, r] of forged.entries())
      r.otherSignature = await signReceipt(bob, {
        dealId: r.dealId,
        listingId: `made-up-listing-${i}`,
        buyer: bob.peerId,
        seller: alice.peerId,
        completedAt: NOW,
      });
    expect(await checkReceipts(alice.peerId, forged)).toBe(true);
    expect(countReceipts(alice.peerId, forged)).toEqual({ asBuyer: 0, asSeller: 0, people: 0 });
    const repeated = await Promise.all(Array.from({ length: 100 }, () => receipt(alice, bob, "seller")));
    expect(countReceipts(alice.peerId, repeated)).toEqual({ asBuyer: 0, asSeller: 1, people: 1 });
  });

  it("a receipt countersigned by the other party checks; forged, misattributed or repeated ones do not", async () => {
    const sold = await receipt(alice, bob, "seller");
    const bought = await receipt(alice, carol, "buyer");
    expect(await checkReceipts(alice.peerId, [sold, bought])).toBe(true);
    expect(countReceipts(alice.peerId, [sold, bought])).toEqual({ asBuyer: 1, asSeller: 1, people: 2 });
    // Alice signing for Bob, claiming the other role, another key, herself as counterparty, twice.
    expect(await checkReceipts(alice.peerId, [await receipt(alice, bob, "seller", alice)])).toBe(false);
    expect(await checkReceipts(alice.peerId, [{ ...sold, role: "buyer" }])).toBe(false);
    expect(await checkReceipts(alice.peerId, [{ ...sold, otherKey: carol.publicKey }])).toBe(false);
    expect(await checkReceipts(alice.peerId, [await receipt(alice, alice, "seller")])).toBe(false);
    expect(await checkReceipts(alice.peerId, [sold, sold])).toBe(false);
    // Bob's receipt is for Alice's profile: in Carol's it names the wrong parties.
    expect(await checkReceipts(carol.peerId, [sold])).toBe(false);
  });

  it("a profile carries its owner's ECDH card and receipts; a bad card or a forged receipt is refused", async () => {
    const completed = [await receipt(alice, bob, "seller")];
    // No display name yet is fine: the profile exists for its card.
    const profile = await signProfile(alice, { name: "", about: "", completed }, NOW);
    expect(profile.agreementKey).toBe((await agreementCard(alice)).agreementKey);
    expect(await verifyProfile(profile, NOW)).toEqual({ ok: true });

    const bobCard = await agreementCard(bob);
    const swapped = await resign(alice, { ...profile, ...bobCard });
    expect(await verifyProfile(swapped, NOW)).toEqual({ ok: false, reason: "bad-card" });
    // Alice signs her profile, but the receipt's countersignature is hers too: refused.
    const forged = await resign(alice, { ...profile, completed: [await receipt(alice, bob, "seller", alice)] });
    expect(await verifyProfile(forged, NOW)).toEqual({ ok: false, reason: "bad-receipt" });
  });
});

/** Signs a hand-made profile with `who`'s key, as a dishonest owner would. */
async function resign<T extends { signature: string }>(who: Identity, profile: T): Promise<T> {
  const { signature: _, ...unsigned } = profile;
  return {
    ...profile,
    signature: await sign(who.signing.privateKey, `peerboard-profile-v1\n${canonicalJson(unsigned)}`),
  };
}

// ---- Over the protocol: two parties complete a deal, a third checks the seller's profile. ----

const { node: mailNode, connect } = useMailNodes();
type Node = MailNode & { profiles: Profiles };

/** A hub with profiles, wired as hub.ts wires them. */
async function node(identity?: Identity): Promise<Node> {
  return (await mailNode(identity ? { identity } : {})) as Node;
}

const money = (amount: string): OfferInput => ({ amount, currency: "EUR", swap: "", message: "" });

async function acceptedDeal(seller: Node, buyer: Node): Promise<string> {
  const listing = await createListing(seller.identity, draft(), Date.now());
  await seller.store.putListingIf(listing, () => true);
  await buyer.store.putListingIf(listing, () => true);
  const { id } = await buyer.deals.propose(listing.id, money("30"));
  await vi.waitFor(async () => expect((await seller.store.getDeal(id))?.steps).toHaveLength(1), WAIT);
  await seller.deals.respond(id, "accept");
  await vi.waitFor(async () => expect((await buyer.store.getDeal(id))?.steps).toHaveLength(2), WAIT);
  return id;
}

describe("reputation over the protocol", () => {
  it("completing a deal countersigns it on both sides; a third user sees it on the seller's profile", async () => {
    const [seller, buyer, carolNode] = [await node(), await node(), await node()];
    await connect(buyer, seller);
    await connect(carolNode, seller);
    const dealId = await acceptedDeal(seller, buyer);
    await buyer.deals.respond(dealId, "complete");

    await vi.waitFor(async () => {
      expect((await seller.store.getDeal(dealId))?.countersignature).toBeDefined();
      expect((await buyer.store.getDeal(dealId))?.countersignature).toBeDefined();
    }, WAIT);
    await vi.waitFor(async () => {
      expect(countReceipts(seller.id, (await seller.profiles.mine())?.completed)).toEqual({
        asBuyer: 0,
        asSeller: 1,
        people: 1,
      });
      expect(countReceipts(buyer.id, (await buyer.profiles.mine())?.completed)).toEqual({
        asBuyer: 1,
        asSeller: 0,
        people: 1,
      });
    }, WAIT);
    // Carol never took part; the seller's profile reaches her and verifies, receipts included.
    await vi.waitFor(async () => {
      const seen = await carolNode.store.getProfile(seller.id);
      expect(countReceipts(seller.id, seen?.completed)).toEqual({ asBuyer: 0, asSeller: 1, people: 1 });
    }, WAIT);
    expect((await carolNode.store.getProfile(seller.id))?.completed?.[0]).toMatchObject({
      dealId,
      role: "seller",
      other: buyer.id,
    });
  });

  it("an identity imported on a new device gets its profile and reputation back from peers", async () => {
    const [seller, buyer, rita] = [await node(), await node(), await node()];
    await connect(buyer, seller);
    await connect(seller, rita);
    expect(await seller.profiles.save({ name: "Sam", about: "Sells desks" })).toMatchObject({ ok: true });
    const dealId = await acceptedDeal(seller, buyer);
    await seller.deals.respond(dealId, "complete");
    await vi.waitFor(async () => {
      const atRita = await rita.store.getProfile(seller.id);
      expect(atRita?.name).toBe("Sam");
      expect(countReceipts(seller.id, atRita?.completed)).toEqual({ asBuyer: 0, asSeller: 1, people: 1 });
    }, WAIT);
    for (const other of seller.session.connectedPeers()) seller.link.hangUp(other.id);

    // The same identity on a fresh device: no deals, no profile; its first, nameless profile
    // must not replace the real one, which comes back from Rita.
    const restored = await node(seller.identity);
    expect((await restored.profiles.mine())?.name).toBe("");
    await connect(restored, rita);
    await vi.waitFor(async () => expect((await restored.profiles.mine())?.name).toBe("Sam"), WAIT);
    // Its own deals list is empty, and the receipts stay anyway.
    await restored.profiles.setCompleted(await restored.deals.receipts());
    expect(countReceipts(restored.id, (await restored.profiles.mine())?.completed)).toEqual({
      asBuyer: 0,
      asSeller: 1,
      people: 1,
    });
    expect((await rita.store.getProfile(seller.id))?.name).toBe("Sam");
  });

  it("refuses a completion that comes without the receipt signature: the deal stays accepted", async () => {
    const [seller, buyer] = [await node(), await node()];
    await connect(buyer, seller);
    const dealId = await acceptedDeal(seller, buyer);
    const deal = await buyer.store.getDeal(dealId);
    if (!deal) throw new Error("no deal");
    const step = await signStep(buyer.identity, {
      dealId,
      listingId: deal.listingId,
      seq: 2,
      action: "complete",
      buyer: deal.buyer,
      seller: deal.seller,
      createdAt: Date.now(),
      message: "",
    });
    await buyer.mailbox.post(seller.id, "DEAL_RESPONSE", "no-receipt-message-0001", { step });
    await vi.waitFor(async () => expect(await buyer.store.listOutbox()).toEqual([]), WAIT);
    expect((await seller.store.getDeal(dealId))?.steps).toHaveLength(2);
    expect((await seller.profiles.mine())?.completed).toBeUndefined();
  });

  it("refuses a countersignature that does not verify or names a deal that is not completed", async () => {
    const [seller, buyer] = [await node(), await node()];
    await connect(buyer, seller);
    const dealId = await acceptedDeal(seller, buyer);
    // Not completed yet: a "receipt" for it is refused and changes nothing.
    const signature = "A".repeat(86);
    await buyer.mailbox.post(seller.id, "DEAL_RESPONSE", "early-receipt-00001", { receipt: { dealId, signature } });
    await vi.waitFor(async () => expect(await buyer.store.listOutbox()).toEqual([]), WAIT);
    expect((await seller.store.getDeal(dealId))?.countersignature).toBeUndefined();

    await seller.deals.respond(dealId, "complete");
    await vi.waitFor(async () => expect((await seller.store.getDeal(dealId))?.countersignature).toBeDefined(), WAIT);
    const genuine = (await seller.store.getDeal(dealId))?.countersignature;
    await buyer.mailbox.post(seller.id, "DEAL_RESPONSE", "forged-receipt-0001", { receipt: { dealId, signature } });
    await vi.waitFor(async () => expect(await buyer.store.listOutbox()).toEqual([]), WAIT);
    expect((await seller.store.getDeal(dealId))?.countersignature).toBe(genuine);
    expect(countReceipts(seller.id, (await seller.profiles.mine())?.completed)).toEqual({
      asBuyer: 0,
      asSeller: 1,
      people: 1,
    });
  });
});
