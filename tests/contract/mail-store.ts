// The MailStore conformance suite: every method of src/core/mail/mail-store.ts, with the
// semantics its doc comments state (a deal step and its outbox entry are written together or not
// at all; listDeals newest first, listMessages oldest first). Every MailStore runs it with a
// `setup` (store-fixture.ts); a durable one also checks that what it wrote survives reopen.

import { describe, expect, it } from "vitest";
import type { DealStep } from "../../src/core/deals/deal.ts";
import type { ChatRecord, DealRecord, MailStore, OutboxEntry } from "../../src/core/mail/mail-store.ts";
import { freshStores, type StoreSetup } from "./store-fixture.ts";

const NOW = 1_700_000_000_000;
const BUYER = "pb-buyerbuyerbuyerbuyerbuye";
const SELLER = "pb-sellersellersellersellers";

function step(dealId: string, seq: number, action: DealStep["action"], createdAt: number): DealStep {
  return {
    dealId,
    listingId: "listing-0001",
    seq,
    action,
    buyer: BUYER,
    seller: SELLER,
    author: seq % 2 ? SELLER : BUYER,
    authorKey: "k".repeat(87),
    createdAt,
    ...(action === "propose" || action === "counter"
      ? { offer: { kind: "money", amount: 4000, currency: "EUR" } }
      : {}),
    message: `step ${seq}`,
    signature: "s".repeat(86),
  } as DealStep;
}

function deal(id: string, updatedAt: number, steps = 1): DealRecord {
  const actions: DealStep["action"][] = ["propose", "counter", "accept", "complete"];
  return {
    id,
    listingId: "listing-0001",
    buyer: BUYER,
    seller: SELLER,
    steps: Array.from({ length: steps }, (_, seq) => step(id, seq, actions[seq] ?? "counter", updatedAt - steps + seq)),
    unread: 0,
    updatedAt,
  };
}

function withStep(record: DealRecord, action: DealStep["action"], at: number): DealRecord {
  return {
    ...record,
    steps: [...record.steps, step(record.id, record.steps.length, action, at)],
    unread: record.unread + 1,
    updatedAt: at,
  };
}

function message(id: string, createdAt: number, changes: Partial<ChatRecord> = {}): ChatRecord {
  return {
    id,
    peer: SELLER,
    topic: "listing-0001",
    author: BUYER,
    text: `Is it still there? (${id})`,
    createdAt,
    status: "sent",
    ...changes,
  };
}

function entry(msgId: string, createdAt = NOW, kind: OutboxEntry["kind"] = "CHAT_MESSAGE"): OutboxEntry {
  return { msgId, to: SELLER, kind, body: { text: `body of ${msgId}`, nested: { n: [1, 2] } }, createdAt };
}

const DEAL_ID = "deal-0000000000000001";

export function runMailStoreContract(name: string, setup: StoreSetup<MailStore & { close(): void }>): void {
  describe(`MailStore contract: ${name}`, () => {
    const open = freshStores(setup);
    const fresh = async () => (await open()).store;
    const byMsgId = (entries: OutboxEntry[]) => [...entries].sort((a, b) => (a.msgId < b.msgId ? -1 : 1));

    describe("deals", () => {
      it("getDeal is undefined for an unknown id, and a fresh store lists no deal", async () => {
        const store = await fresh();
        expect(await store.getDeal(DEAL_ID)).toBeUndefined();
        expect(await store.listDeals()).toEqual([]);
      });

      it("updateDeal on a new deal hands change undefined, stores what it returns and returns it", async () => {
        const opened = await open();
        const proposed = deal(DEAL_ID, NOW);
        const seen: (DealRecord | undefined)[] = [];
        const result = await opened.store.updateDeal(DEAL_ID, (stored) => {
          seen.push(stored);
          return proposed;
        });
        expect(seen).toEqual([undefined]);
        expect(result).toEqual(proposed);
        await opened.survives(async (store) => {
          expect(await store.getDeal(DEAL_ID)).toEqual(proposed);
          expect(await store.listOutbox()).toEqual([]);
        });
      });

      it("updateDeal hands change the stored deal and writes what it returns", async () => {
        const opened = await open();
        const proposed = deal(DEAL_ID, NOW);
        await opened.store.updateDeal(DEAL_ID, () => proposed);
        let seen: DealRecord | undefined;
        const countered = await opened.store.updateDeal(DEAL_ID, (stored) => {
          seen = stored;
          return stored && { ...withStep(stored, "counter", NOW + 10), countersignature: "c".repeat(86) };
        });
        expect(seen).toEqual(proposed);
        expect(countered?.steps).toHaveLength(2);
        await opened.survives(async (store) => {
          expect(await store.getDeal(DEAL_ID)).toEqual(countered);
          expect((await store.getDeal(DEAL_ID))?.countersignature).toBe("c".repeat(86));
        });
      });

      it("updateDeal writes nothing and queues nothing when change returns undefined", async () => {
        const opened = await open();
        const proposed = deal(DEAL_ID, NOW);
        await opened.store.updateDeal(DEAL_ID, () => proposed);
        expect(await opened.store.updateDeal(DEAL_ID, () => undefined, entry("msg-ignored"))).toBeUndefined();
        expect(await opened.store.updateDeal("deal-never-made-000001", () => undefined, entry("msg-new"))).toBe(
          undefined,
        );
        await opened.survives(async (store) => {
          expect(await store.getDeal(DEAL_ID)).toEqual(proposed);
          expect(await store.getDeal("deal-never-made-000001")).toBeUndefined();
          expect(await store.listOutbox()).toEqual([]);
        });
      });

      it("updateDeal writes the deal and its outbox entry together", async () => {
        const opened = await open();
        const outgoing = entry("msg-proposal-1", NOW, "DEAL_PROPOSAL");
        const proposed = deal(DEAL_ID, NOW);
        await opened.store.updateDeal(DEAL_ID, () => proposed, outgoing);
        await opened.survives(async (store) => {
          expect(await store.getDeal(DEAL_ID)).toEqual(proposed);
          expect(await store.listOutbox()).toEqual([outgoing]);
        });
      });

      it("updateDeal rejects with change's error and then writes nothing and queues nothing", async () => {
        const opened = await open();
        const proposed = deal(DEAL_ID, NOW);
        await opened.store.updateDeal(DEAL_ID, () => proposed);
        const refusal = new Error("this step does not extend the deal");
        await expect(
          opened.store.updateDeal(
            DEAL_ID,
            () => {
              throw refusal;
            },
            entry("msg-refused"),
          ),
        ).rejects.toBe(refusal);
        await expect(
          opened.store.updateDeal(
            "deal-never-made-000002",
            () => {
              throw refusal;
            },
            entry("msg-refused-2"),
          ),
        ).rejects.toBe(refusal);
        await opened.survives(async (store) => {
          expect(await store.getDeal(DEAL_ID)).toEqual(proposed);
          expect(await store.getDeal("deal-never-made-000002")).toBeUndefined();
          expect(await store.listOutbox()).toEqual([]);
          expect(await store.listDeals()).toEqual([proposed]);
        });
      });

      it("concurrent updateDeal calls each see the one before: no step is lost", async () => {
        const store = await fresh();
        await store.updateDeal(DEAL_ID, () => deal(DEAL_ID, NOW));
        await Promise.all(
          Array.from({ length: 12 }, (_, i) =>
            store.updateDeal(
              DEAL_ID,
              (stored) => stored && withStep(stored, "counter", NOW + 1 + i),
              entry(`msg-${i}`),
            ),
          ),
        );
        const stored = await store.getDeal(DEAL_ID);
        expect(stored?.steps.map((s) => s.seq)).toEqual(Array.from({ length: 13 }, (_, i) => i));
        expect(stored?.unread).toBe(12);
        expect(await store.listOutbox()).toHaveLength(12);
      });

      it("listDeals returns every deal, newest updatedAt first", async () => {
        const opened = await open();
        const times = [NOW + 4, NOW, NOW + 9, NOW + 2];
        for (const [i, t] of times.entries()) {
          await opened.store.updateDeal(`deal-${i}-000000000000000`, () => deal(`deal-${i}-000000000000000`, t));
        }
        // An old deal that moves on becomes the newest.
        const moved = await opened.store.updateDeal(
          "deal-1-000000000000000",
          (stored) => stored && withStep(stored, "accept", NOW + 20),
        );
        await opened.survives(async (store) => {
          const listed = await store.listDeals();
          expect(listed.map((d) => d.updatedAt)).toEqual([NOW + 20, NOW + 9, NOW + 4, NOW + 2]);
          expect(listed[0]).toEqual(moved);
        });
      });

      it("deals read back are copies", async () => {
        const store = await fresh();
        const proposed = deal(DEAL_ID, NOW);
        const result = await store.updateDeal(DEAL_ID, () => structuredClone(proposed));
        if (result) result.unread = 7;
        const read = await store.getDeal(DEAL_ID);
        read?.steps.push(step(DEAL_ID, 1, "accept", NOW + 1));
        const [listed] = await store.listDeals();
        if (listed) listed.unread = 99;
        await store.updateDeal(DEAL_ID, (stored) => {
          if (stored) stored.unread = 42;
          return undefined;
        });
        expect(await store.getDeal(DEAL_ID)).toEqual(proposed);
      });
    });

    describe("messages", () => {
      it("getMessage is undefined for an unknown id, and a fresh store lists no message", async () => {
        const store = await fresh();
        expect(await store.getMessage(BUYER, "msg-unknown")).toBeUndefined();
        expect(await store.listMessages()).toEqual([]);
      });

      it("putMessage stores a message, and again under its id replaces it", async () => {
        const opened = await open();
        const sent = message("msg-1", NOW);
        await opened.store.putMessage(sent);
        expect(await opened.store.getMessage(BUYER, "msg-1")).toEqual(sent);
        const read = message("msg-1", NOW, { status: "read", receiptPending: true });
        await opened.store.putMessage(read);
        await opened.survives(async (store) => {
          expect(await store.getMessage(BUYER, "msg-1")).toEqual(read);
          expect(await store.listMessages()).toEqual([read]);
          expect(await store.listOutbox()).toEqual([]);
        });
      });

      it("putMessage with an outbox entry stores both", async () => {
        const opened = await open();
        const sent = message("msg-2", NOW);
        const outgoing = entry("msg-2", NOW);
        await opened.store.putMessage(sent, outgoing);
        await opened.survives(async (store) => {
          expect(await store.getMessage(BUYER, "msg-2")).toEqual(sent);
          expect(await store.listOutbox()).toEqual([outgoing]);
        });
      });

      it("listMessages returns every message, oldest createdAt first", async () => {
        const opened = await open();
        const times = [NOW + 5, NOW + 1, NOW + 8, NOW, NOW + 3];
        for (const [i, t] of times.entries()) await opened.store.putMessage(message(`msg-${9 - i}`, t));
        await opened.survives(async (store) => {
          expect((await store.listMessages()).map((m) => m.createdAt)).toEqual([...times].sort((a, b) => a - b));
        });
      });

      it("messages are keyed by author and id: two authors' messages with one id are both kept", async () => {
        const opened = await open();
        const mine = message("msg-same", NOW);
        const theirs = message("msg-same", NOW + 1, { author: SELLER, text: "Same id, other author" });
        await opened.store.putMessage(mine);
        await opened.store.putMessage(theirs);
        await opened.survives(async (store) => {
          expect(await store.getMessage(BUYER, "msg-same")).toEqual(mine);
          expect(await store.getMessage(SELLER, "msg-same")).toEqual(theirs);
          expect(await store.listMessages()).toEqual([mine, theirs]);
        });
      });

      it("messages read back are copies", async () => {
        const store = await fresh();
        const sent = message("msg-3", NOW);
        const written = structuredClone(sent);
        await store.putMessage(written);
        written.text = "edited after writing";
        const read = await store.getMessage(BUYER, "msg-3");
        if (read) read.status = "read";
        const [listed] = await store.listMessages();
        if (listed) listed.text = "edited";
        expect(await store.getMessage(BUYER, "msg-3")).toEqual(sent);
      });
    });

    describe("outbox", () => {
      it("enqueue adds entries that listOutbox returns, one per msgId", async () => {
        const opened = await open();
        const a = entry("msg-a", NOW);
        const b = entry("msg-b", NOW + 1, "DEAL_RESPONSE");
        expect(await opened.store.listOutbox()).toEqual([]);
        await opened.store.enqueue(b);
        await opened.store.enqueue(a);
        const again = { ...a, createdAt: NOW + 2, body: { text: "resealed" } };
        await opened.store.enqueue(again);
        await opened.survives(async (store) => {
          expect(byMsgId(await store.listOutbox())).toEqual([again, b]);
        });
      });

      it("dequeue removes and returns the entry; a second dequeue, or an unknown id, returns undefined", async () => {
        const opened = await open();
        const a = entry("msg-a", NOW);
        const b = entry("msg-b", NOW + 1);
        await opened.store.enqueue(a);
        await opened.store.enqueue(b);
        expect(await opened.store.dequeue("msg-a")).toEqual(a);
        expect(await opened.store.dequeue("msg-a")).toBeUndefined();
        expect(await opened.store.dequeue("msg-never")).toBeUndefined();
        await opened.survives(async (store) => {
          expect(await store.listOutbox()).toEqual([b]);
        });
      });

      it("racing dequeues of one entry hand it out once", async () => {
        const store = await fresh();
        const a = entry("msg-a", NOW);
        await store.enqueue(a);
        const results = await Promise.all([store.dequeue("msg-a"), store.dequeue("msg-a"), store.dequeue("msg-a")]);
        expect(results.filter((r) => r !== undefined)).toEqual([a]);
      });

      it("outbox entries read back are copies", async () => {
        const store = await fresh();
        const a = entry("msg-a", NOW);
        const written = structuredClone(a);
        await store.enqueue(written);
        written.createdAt = 0;
        const [listed] = await store.listOutbox();
        if (listed) listed.to = BUYER;
        expect(await store.listOutbox()).toEqual([a]);
      });
    });

    describe("seen", () => {
      it("wasSeen is false until markSeen, and only for the id marked", async () => {
        const opened = await open();
        expect(await opened.store.wasSeen(SELLER, "msg-1")).toBe(false);
        await opened.store.markSeen(SELLER, "msg-1");
        await opened.store.markSeen(SELLER, "msg-1");
        await opened.survives(async (store) => {
          expect(await store.wasSeen(SELLER, "msg-1")).toBe(true);
          expect(await store.wasSeen(SELLER, "msg-2")).toBe(false);
        });
      });

      it("forgetSeenBefore forgets ids marked before the time and keeps later ones", async () => {
        const opened = await open();
        await opened.store.markSeen(SELLER, "msg-old");
        await new Promise((resolve) => setTimeout(resolve, 5));
        const cut = Date.now();
        await new Promise((resolve) => setTimeout(resolve, 5));
        await opened.store.markSeen(SELLER, "msg-new");
        await opened.store.forgetSeenBefore(cut);
        await opened.survives(async (store) => {
          expect(await store.wasSeen(SELLER, "msg-old")).toBe(false);
          expect(await store.wasSeen(SELLER, "msg-new")).toBe(true);
        });
      });

      it("forgetSeenBeyond keeps the newest ids marked and forgets the ones marked longest ago", async () => {
        const opened = await open();
        for (const id of ["msg-1", "msg-2", "msg-3", "msg-4", "msg-5"]) {
          await opened.store.markSeen(id === "msg-3" ? BUYER : SELLER, id);
          await new Promise((resolve) => setTimeout(resolve, 3));
        }
        await opened.store.forgetSeenBeyond(10);
        expect(await opened.store.wasSeen(SELLER, "msg-1")).toBe(true);
        await opened.store.forgetSeenBeyond(2);
        await opened.survives(async (store) => {
          expect(await store.wasSeen(SELLER, "msg-1")).toBe(false);
          expect(await store.wasSeen(SELLER, "msg-2")).toBe(false);
          expect(await store.wasSeen(BUYER, "msg-3")).toBe(false);
          expect(await store.wasSeen(SELLER, "msg-4")).toBe(true);
          expect(await store.wasSeen(SELLER, "msg-5")).toBe(true);
        });
        await opened.store.forgetSeenBeyond(0);
        expect(await opened.store.wasSeen(SELLER, "msg-5")).toBe(false);
      });

      it("a message id is seen per author: another author's same id is not", async () => {
        const opened = await open();
        await opened.store.markSeen(SELLER, "msg-1");
        await opened.survives(async (store) => {
          expect(await store.wasSeen(SELLER, "msg-1")).toBe(true);
          expect(await store.wasSeen(BUYER, "msg-1")).toBe(false);
        });
      });
    });

    it("stores made by the factory do not share mail", async () => {
      const a = await fresh();
      const b = await fresh();
      await a.updateDeal(DEAL_ID, () => deal(DEAL_ID, NOW), entry("msg-d"));
      await a.putMessage(message("msg-m", NOW));
      await a.markSeen(SELLER, "msg-s");
      expect(await b.listDeals()).toEqual([]);
      expect(await b.listMessages()).toEqual([]);
      expect(await b.listOutbox()).toEqual([]);
      expect(await b.wasSeen(SELLER, "msg-s")).toBe(false);
    });
  });
}
