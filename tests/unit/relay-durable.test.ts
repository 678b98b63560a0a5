// The always-on peer's durable relay: sealed mail for someone away is kept in its store (SQLite,
// as `npm run peer` keeps it) until the recipient's ACK or 30 days, survives restarts, goes out at
// the recipient's next HELLO, and its author's conversation says it is held. Peers from createPeer
// over the in-memory network (mail-nodes.ts).

import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Identity } from "../../src/core/crypto.ts";
import { isSealedAck } from "../../src/core/mail/ack.ts";
import { DURABLE_RELAY_LIMITS, type RELAY_LIMITS } from "../../src/core/mail/relay.ts";
import type { RelayStore } from "../../src/core/mail/relay-store.ts";
import { openSqliteStore } from "../../src/node/sqlite-store.ts";
import type { MemoryNetwork } from "../support/memory-link.ts";
import { knows, type MailNode, untilStatus, useMailNodes, WAIT } from "./mail-nodes.ts";

const { node, connect, disconnect, network: useNetwork, seenDelivering } = useMailNodes();
let network: MemoryNetwork;
beforeEach(() => {
  network = useNetwork();
});

const DAY = 24 * 60 * 60_000;

/** The always-on peer: a relay on a SQLite file, started (again) on `file` with `identity`. */
async function alwaysOn(
  file: string,
  identity?: Identity,
  limits: Partial<typeof RELAY_LIMITS> = DURABLE_RELAY_LIMITS,
): Promise<MailNode & { relayStore: RelayStore }> {
  const store = await openSqliteStore(file);
  const relay = await node({
    store,
    ports: { relayStore: store.relay },
    relayLimits: { ...DURABLE_RELAY_LIMITS, ...limits },
    ...(identity ? { identity } : {}),
  });
  return Object.assign(relay, { relayStore: store.relay });
}

async function storeFile(): Promise<string> {
  return join(await mkdtemp(join(tmpdir(), "relay-durable-")), "peer.sqlite");
}

describe("the durable relay", () => {
  it("holds mail for someone away across two restarts, shows it held, and carries the ACK back", async () => {
    const file = await storeFile();
    const [a, b] = [await node(), await node()];
    let r = await alwaysOn(file);
    await knows(a, b);
    await connect(a, r);
    const sent = await a.chat.send(b.id, "listing-topic-1", "kept-for-you");
    // R confirmed it holds the message: A's conversation says who holds it.
    await vi.waitFor(async () => expect((await a.store.getMessage(sent.author, sent.id))?.heldBy).toBe(r.id), WAIT);
    expect((await a.store.getMessage(sent.author, sent.id))?.status).toBe("sent");
    await disconnect(a, r);

    // R restarts (a deploy, a crash): what it holds was committed before it said "held".
    const identity = r.identity;
    await r.close();
    r = await alwaysOn(file, identity);
    await connect(r, b);
    await vi.waitFor(
      async () => expect((await b.store.getMessage(sent.author, sent.id))?.text).toBe("kept-for-you"),
      WAIT,
    );
    await b.chat.markRead(a.id, "listing-topic-1");
    // R holds B's two receipts for A (delivered, read: sealed, so R cannot tell which is which);
    // the message itself is settled.
    await vi.waitFor(async () => {
      const held = await r.relayStore.listHeld();
      expect(held.map((h) => (h.frame.mail.type === "ACK" && isSealedAck(h.frame.mail.ack) ? "receipt" : h))).toEqual([
        "receipt",
        "receipt",
      ]);
    }, WAIT);
    await disconnect(r, b);

    // The ACKs wait for A in R's store, through another restart.
    await r.close();
    r = await alwaysOn(file, identity);
    await connect(a, r);
    await untilStatus(a, sent, "read");
    expect(await a.store.listOutbox()).toEqual([]);
    // Only ciphertext crossed: R cannot read what it carries.
    expect(JSON.stringify(network.sent)).not.toContain("kept-for-you");
  });

  it("drops unanswered mail after 30 days, not before", async () => {
    const file = await storeFile();
    const [a, b] = [await node(), await node()];
    const r = await alwaysOn(file);
    await knows(a, b);
    await connect(a, r);
    const sent = await a.chat.send(b.id, "listing-topic-1", "late");
    await vi.waitFor(async () => expect((await a.store.getMessage(sent.author, sent.id))?.heldBy).toBe(r.id), WAIT);
    await disconnect(a, r);
    r.clock.now = 29 * DAY;
    expect(r.mailbox.relayStats().held).toBe(1);
    r.clock.now = 30 * DAY + 1;
    expect(r.mailbox.relayStats().held).toBe(0);
    await connect(r, b);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await b.store.getMessage(sent.author, sent.id)).toBeUndefined();
  });

  it("caps what one author and one recipient take, and keeps room for authors seen before", async () => {
    const file = await storeFile();
    const limits = { maxHeld: 100, maxHeldPerAuthor: 2, maxHeldPerRecipient: 4, newcomerShare: 0.5 };
    const r = await alwaysOn(file, undefined, limits);
    const [known, b] = [await node(), await node()];
    // `known` wrote to B through R before, and B answered: an author R has seen deliver.
    await seenDelivering(known, r, b);
    await disconnect(r, b);

    // Strangers fill the newcomers' half of B's room (2 of 4); one of them tries for more.
    const strangers = [await node(), await node()];
    for (const stranger of strangers) {
      await knows(stranger, b);
      await connect(stranger, r);
    }
    const [s1, s2] = strangers as [MailNode, MailNode];
    await s1.chat.send(b.id, "listing-topic-1", "spam 1");
    await s1.chat.send(b.id, "listing-topic-1", "spam 2");
    await vi.waitFor(() => expect(r.mailbox.relayStats().held).toBe(2), WAIT);
    await s1.chat.send(b.id, "listing-topic-1", "spam 3"); // past s1's own cap
    await s2.chat.send(b.id, "listing-topic-1", "spam 4"); // past the newcomers' share for B
    await vi.waitFor(() => expect(r.mailbox.relayStats().refused).toBe(2), WAIT);
    expect(r.mailbox.relayStats().held).toBe(2);

    // The author seen before still gets in.
    const second = await known.chat.send(b.id, "listing-topic-1", "are you there?");
    await vi.waitFor(
      async () => expect((await known.store.getMessage(second.author, second.id))?.heldBy).toBe(r.id),
      WAIT,
    );
    expect(r.mailbox.relayStats().held).toBe(3);
    expect((await r.relayStore.listHeld()).filter((h) => !h.sent)).toHaveLength(3);
  });
});
