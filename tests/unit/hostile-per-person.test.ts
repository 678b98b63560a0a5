// One free identity writing to the user inside the rate limits: its chat messages and deals are
// capped per person, so it cannot fill the user's storage, and everyone else's still arrive.

import { describe, expect, it, vi } from "vitest";
import { createListing } from "../../src/core/listings/draft.ts";
import { DEALS_PER_PERSON, MESSAGES_PER_PERSON } from "../../src/core/mail/counterparty-quota.ts";
import type { ChatRecord } from "../../src/core/ports.ts";
import { draft } from "./fixtures.ts";
import { useMailNodes, WAIT } from "./mail-nodes.ts";

const { node, connect } = useMailNodes();

const perPerson = { messages: 5, deals: 3 };

describe("what one person may leave with the user", () => {
  it("the caps are generous for people and finite", () => {
    expect(MESSAGES_PER_PERSON).toBeGreaterThanOrEqual(1_000);
    expect(DEALS_PER_PERSON).toBeGreaterThanOrEqual(50);
  });

  it("chat messages past the cap are refused, and another person's still arrive", async () => {
    const me = await node({ perPerson });
    const [mallory, honest] = [await node(), await node()];
    await connect(mallory, me);
    await connect(honest, me);
    const sent: ChatRecord[] = [];
    for (let i = 0; i < 8; i++) sent.push(await mallory.chat.send(me.id, "listing-topic-1", `Flood ${i}`));
    await vi.waitFor(async () => {
      const states = await Promise.all(sent.map(async (m) => (await mallory.store.getMessage(m.author, m.id))?.status));
      expect(states).toEqual([...Array(5).fill("delivered"), ...Array(3).fill("refused")]);
    }, WAIT);
    expect((await me.store.listMessages()).filter((m) => m.author === mallory.id)).toHaveLength(5);
    const fair = await honest.chat.send(me.id, "listing-topic-1", "Still here?");
    await vi.waitFor(
      async () => expect((await me.store.getMessage(honest.id, fair.id))?.text).toBe("Still here?"),
      WAIT,
    );
  });

  it("deals past the cap are refused, and another person's still open", async () => {
    const me = await node({ perPerson });
    const [mallory, honest] = [await node(), await node()];
    const listing = await createListing(me.identity, draft(), Date.now());
    await me.store.putListingIf(listing, () => true);
    for (const other of [mallory, honest]) await other.store.putListingIf(listing, () => true);
    await connect(mallory, me);
    await connect(honest, me);
    const offer = { amount: "30", currency: "EUR", swap: "", message: "" };
    for (let i = 0; i < 5; i++) await mallory.deals.propose(listing.id, offer);
    await vi.waitFor(async () => expect(await mallory.store.listOutbox()).toEqual([]), WAIT);
    expect((await me.store.listDeals()).filter((d) => d.buyer === mallory.id)).toHaveLength(3);
    const fair = await honest.deals.propose(listing.id, offer);
    await vi.waitFor(async () => expect((await me.store.getDeal(fair.id))?.steps).toHaveLength(1), WAIT);
  });
});
