// The RelayStore conformance suite: every method of src/core/mail/relay-store.ts, with the
// semantics its doc comments state and the relay relies on (relay.ts loads what is held in
// listHeld's order and overwrites by slot). Every RelayStore runs it with a `setup`
// (store-fixture.ts); a durable one also checks that what it wrote survives reopen.

import { describe, expect, it } from "vitest";
import type { HeldMail, RelayFrame, RelayStore } from "../../src/core/mail/relay-store.ts";
import { freshStores, type StoreSetup } from "./store-fixture.ts";

const NOW = 1_700_000_000_000;
const ALICE = "pb-alicealicealicealicealic";
const BOB = "pb-bobbobbobbobbobbobbobbobb";
const CAROL = "pb-carolcarolcarolcarolcaro";

/** A RELAY frame as the relay holds it: sealed mail, or a receipt going back to the author. */
function relayed(msgId: string, kind: "mail" | "ack" = "mail"): RelayFrame {
  const mail: RelayFrame["mail"] =
    kind === "mail"
      ? {
          type: "CHAT_MESSAGE",
          sealed: {
            from: ALICE,
            to: BOB,
            msgId,
            iv: "i".repeat(16),
            ciphertext: "c".repeat(200),
            signature: "s".repeat(86),
          },
          agreementKey: "a".repeat(87),
          agreementSignature: "g".repeat(86),
        }
      : { type: "ACK", ack: { msgId, from: BOB, to: ALICE, status: "delivered", signature: "s".repeat(86) } };
  return { v: 1, type: "RELAY", id: `relay-${msgId}`, publicKey: "k".repeat(87), mail };
}

function held(slot: string, until = NOW + 60_000, sent = false): HeldMail {
  const msgId = `msg-${slot}`;
  return { slot, from: ALICE, to: BOB, msgId, frame: relayed(msgId), until, sent };
}

export function runRelayStoreContract(name: string, setup: StoreSetup<RelayStore & { close(): void }>): void {
  describe(`RelayStore contract: ${name}`, () => {
    const open = freshStores(setup);

    describe("held mail", () => {
      it("a fresh store holds nothing and knows no authors", async () => {
        const store = (await open()).store;
        expect(await store.listHeld()).toEqual([]);
        expect(await store.listRelayAuthors()).toEqual([]);
      });

      it("putHeld keeps each frame whole, and listHeld gives them oldest first", async () => {
        const opened = await open();
        const ack: HeldMail = { ...held("s3"), from: BOB, to: ALICE, frame: relayed("msg-s3", "ack"), sent: true };
        await opened.store.putHeld(held("s2"));
        await opened.store.putHeld(held("s1", NOW + 5));
        await opened.store.putHeld(ack);
        await opened.survives(async (store) => {
          expect(await store.listHeld()).toEqual([held("s2"), held("s1", NOW + 5), ack]);
        });
      });

      it("putHeld overwrites by slot, keeping the frame's place in the order", async () => {
        const opened = await open();
        await opened.store.putHeld(held("a"));
        await opened.store.putHeld(held("b"));
        // Passed on once: the same slot, now marked sent and with a new deadline.
        const passedOn = held("a", NOW + 120_000, true);
        await opened.store.putHeld(passedOn);
        await opened.survives(async (store) => {
          expect(await store.listHeld()).toEqual([passedOn, held("b")]);
        });
      });

      it("what listHeld gives is a copy: changing it changes nothing held", async () => {
        const store = (await open()).store;
        await store.putHeld(held("a"));
        const [read] = await store.listHeld();
        if (read) {
          read.sent = true;
          read.frame.id = "changed";
        }
        expect(await store.listHeld()).toEqual([held("a")]);
      });

      it("deleteHeld forgets the slots named, for good, skipping those not held", async () => {
        const opened = await open();
        for (const slot of ["a", "b", "c"]) await opened.store.putHeld(held(slot));
        await opened.store.deleteHeld(["a", "c", "never-held"]);
        await opened.store.deleteHeld([]);
        await opened.survives(async (store) => {
          expect(await store.listHeld()).toEqual([held("b")]);
        });
        // A slot deleted can be held again, and comes after what was held before it.
        await opened.store.putHeld(held("a"));
        expect((await opened.store.listHeld()).map((h) => h.slot)).toEqual(["b", "a"]);
      });
    });

    describe("relay authors", () => {
      it("addRelayAuthor remembers each author once, durably, in the order added (oldest first)", async () => {
        const opened = await open();
        await opened.store.addRelayAuthor(CAROL);
        await opened.store.addRelayAuthor(ALICE);
        await opened.store.addRelayAuthor(CAROL);
        await opened.store.addRelayAuthor(BOB);
        // Not sorted by id: the relay forgets the oldest first, after a restart as before it.
        await opened.survives(async (store) => {
          expect(await store.listRelayAuthors()).toEqual([CAROL, ALICE, BOB]);
        });
      });

      it("forgetRelayAuthors forgets those named, for good, skipping those not stored", async () => {
        const opened = await open();
        for (const author of [CAROL, ALICE, BOB]) await opened.store.addRelayAuthor(author);
        await opened.store.forgetRelayAuthors([CAROL, "pb-neverstoredneverstoredne"]);
        await opened.survives(async (store) => {
          expect(await store.listRelayAuthors()).toEqual([ALICE, BOB]);
        });
        // Added again, it is the newest.
        await opened.store.addRelayAuthor(CAROL);
        expect(await opened.store.listRelayAuthors()).toEqual([ALICE, BOB, CAROL]);
      });
    });

    it("stores made by the factory do not share data", async () => {
      const a = (await open()).store;
      const b = (await open()).store;
      await a.putHeld(held("a"));
      await a.addRelayAuthor(ALICE);
      expect(await b.listHeld()).toEqual([]);
      expect(await b.listRelayAuthors()).toEqual([]);
    });
  });
}
