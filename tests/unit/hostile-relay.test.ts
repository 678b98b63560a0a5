// Ten throwaway identities filling a browser relay inside the rate limits: each may keep 20
// frames waiting and together they may fill only the newcomers' share of the room, for each
// recipient and in all, so mail from an author the relay has seen deliver still gets in.

import { describe, expect, it, vi } from "vitest";
import { RELAY_LIMITS } from "../../src/core/mail/relay.ts";
import { knows, useMailNodes, WAIT } from "./mail-nodes.ts";

const { node, connect, disconnect, seenDelivering } = useMailNodes();

describe("a browser relay against sybils", () => {
  it("ten sybils do not fill the room: an author seen before still gets its mail held", async () => {
    const [r, known, b, c] = [await node(), await node(), await node(), await node()];
    await seenDelivering(known, r, b);
    await disconnect(r, b);
    await disconnect(known, r);

    // One after another: a relay takes 8 connections at a time.
    const perSybil = RELAY_LIMITS.maxHeldPerAuthor;
    for (let n = 1; n <= 10; n++) {
      const sybil = await node();
      await knows(sybil, b);
      await knows(sybil, c);
      await connect(sybil, r);
      for (let i = 0; i < perSybil; i++) await sybil.chat.send(i % 2 ? b.id : c.id, "listing-topic-1", `spam ${i}`);
      await vi.waitFor(() => {
        const { held, refused } = r.mailbox.relayStats();
        expect(held + refused).toBe(n * perSybil);
      }, WAIT);
      await disconnect(sybil, r);
    }
    const { held } = r.mailbox.relayStats();
    expect(held).toBeLessThanOrEqual(2 * RELAY_LIMITS.maxHeldPerRecipient * RELAY_LIMITS.newcomerShare);

    await connect(known, r);
    await known.chat.send(b.id, "listing-topic-1", "are you there?");
    await vi.waitFor(() => expect(r.mailbox.relayStats().held).toBe(held + 1), WAIT);
  }, 60_000);
});
