import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { generateIdentity, type Identity } from "../../src/core/crypto.ts";
import {
  allowedActions,
  applyStep,
  checkStep,
  DEAL_ACTIONS,
  DEAL_EXPIRY_MS,
  type Deal,
  type DealAction,
  DealError,
  type DealState,
  type DealStep,
  dealState,
  signStep,
  verifyStep,
} from "../../src/core/deals/deal.ts";

const NOW = 1_700_000_000_000;
const [buyer, seller, stranger] = (await Promise.all([
  generateIdentity(NOW),
  generateIdentity(NOW),
  generateIdentity(NOW),
])) as [Identity, Identity, Identity];
const people = { buyer, seller, stranger };
type Who = keyof typeof people;

const DEAL_ID = "deal-aaaaaaaaaaaaaaaa";
const offer = { kind: "money", amount: 3000, currency: "EUR" } as const;

/** An unsigned-looking step for the pure rules (they never look at the signature). */
function step(who: Who, action: DealAction, seq: number, createdAt = NOW + seq): DealStep {
  const author = people[who];
  return {
    dealId: DEAL_ID,
    listingId: "listing-1",
    seq,
    action,
    buyer: buyer.peerId,
    seller: seller.peerId,
    author: author.peerId,
    authorKey: author.publicKey,
    createdAt,
    ...(action === "propose" || action === "counter" ? { offer } : {}),
    message: "",
    signature: "s".repeat(86),
  };
}

function run(...moves: [Who, DealAction][]): Deal {
  let deal: Deal | undefined;
  moves.forEach(([who, action], seq) => {
    deal = applyStep(deal, step(who, action, seq), NOW + 1000);
  });
  return deal as Deal;
}

describe("deal state machine", () => {
  it("goes proposed → countered → accepted → completed", () => {
    const deal = run(["buyer", "propose"], ["seller", "counter"], ["buyer", "accept"], ["seller", "complete"]);
    expect(deal.steps.map((s) => dealState(deal.steps.slice(0, s.seq + 1), NOW + 1000))).toEqual([
      "proposed",
      "countered",
      "accepted",
      "completed",
    ]);
  });

  it.each<[string, [Who, DealAction][], [Who, DealAction], RegExp]>([
    [
      "accepting a withdrawn deal",
      [
        ["buyer", "propose"],
        ["buyer", "withdraw"],
      ],
      ["seller", "accept"],
      /withdrawn/,
    ],
    ["a step by a third party", [["buyer", "propose"]], ["stranger", "accept"], /Only the buyer and the seller/],
    ["accepting your own offer", [["buyer", "propose"]], ["buyer", "accept"], /answer your offer first/],
    ["completing before acceptance", [["buyer", "propose"]], ["seller", "complete"], /cannot complete/],
    ["a second proposal", [["buyer", "propose"]], ["seller", "propose"], /already has its offer/],
    ["the seller withdrawing", [["buyer", "propose"]], ["seller", "withdraw"], /cannot withdraw/],
    [
      "anything after completion",
      [
        ["buyer", "propose"],
        ["seller", "accept"],
        ["buyer", "complete"],
      ],
      ["seller", "counter"],
      /completed/,
    ],
  ])("refuses %s", (_name, before, [who, action], message) => {
    const deal = run(...before);
    expect(() => applyStep(deal, step(who, action, deal.steps.length), NOW + 1000)).toThrow(message);
  });

  it("refuses a step out of order", () => {
    const deal = run(["buyer", "propose"]);
    expect(() => applyStep(deal, step("seller", "accept", 2), NOW + 1000)).toThrow(/out of order/);
    expect(() => applyStep(deal, step("seller", "accept", 0), NOW + 1000)).toThrow(/out of order/);
  });

  it("refuses an offer on your own listing and a deal that does not start with an offer", () => {
    expect(() => applyStep(undefined, { ...step("buyer", "propose", 0), seller: buyer.peerId }, NOW)).toThrow(
      /own listing/,
    );
    expect(() => applyStep(undefined, step("seller", "accept", 0), NOW)).toThrow(/starts with an offer/);
  });

  it("expires an offer nobody answers, and then refuses to accept it", () => {
    const deal = run(["buyer", "propose"]);
    const later = NOW + DEAL_EXPIRY_MS + 10;
    expect(dealState(deal.steps, later)).toBe("expired");
    expect(() => applyStep(deal, step("seller", "accept", 1, later), later)).toThrow(/expired/);
  });

  const TERMINAL: DealState[] = ["completed", "rejected", "withdrawn", "expired"];
  const LEGAL: Record<DealState, DealState[]> = {
    proposed: ["countered", "accepted", "rejected", "withdrawn", "expired"],
    countered: ["countered", "accepted", "rejected", "withdrawn", "expired"],
    accepted: ["completed"],
    completed: [],
    rejected: [],
    withdrawn: [],
    expired: [],
  };

  it("never reaches an illegal state, whatever steps arrive, and both sides agree", () => {
    const move = fc.record({
      who: fc.constantFrom<Who>("buyer", "seller", "stranger"),
      action: fc.constantFrom(...DEAL_ACTIONS),
      seqShift: fc.constantFrom(0, 0, 0, -1, 1),
      dt: fc.integer({ min: -1000, max: DEAL_EXPIRY_MS / 2 }),
    });
    fc.assert(
      fc.property(fc.array(move, { maxLength: 25 }), (moves) => {
        // Side A takes every step in turn; side B is sent only what A stored, in order.
        let a: DealStep[] = [];
        let clock = NOW;
        const states: DealState[] = [];
        for (const m of moves) {
          clock += Math.max(m.dt, 0);
          const candidate = step(m.who, m.action, a.length + m.seqShift, clock + Math.min(m.dt, 0));
          if (checkStep(a, candidate, clock)) continue;
          a = [...a, candidate];
          states.push(dealState(a, candidate.createdAt));
        }
        for (const s of a) expect(s.author).not.toBe(stranger.peerId);
        for (let i = 1; i < states.length; i++) {
          expect(LEGAL[states[i - 1] as DealState]).toContain(states[i]);
          expect(TERMINAL).not.toContain(states[i - 1]);
        }
        let b: Deal | undefined;
        for (const s of a) b = applyStep(b, s, clock);
        if (b) {
          expect(dealState(b.steps, clock)).toBe(dealState(a, clock));
          for (const who of [buyer, seller])
            expect(allowedActions(b.steps, who.peerId, clock)).toEqual(allowedActions(a, who.peerId, clock));
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe("signed steps", () => {
  it("verify, and refuse a changed step", async () => {
    const { author: _a, authorKey: _k, signature: _s, ...body } = step("buyer", "propose", 0);
    const signed = await signStep(buyer, body);
    expect(await verifyStep(signed)).toEqual(signed);
    expect(await verifyStep({ ...signed, offer: { ...offer, amount: 1 } })).toBeUndefined();
    expect(await verifyStep({ ...signed, author: seller.peerId })).toBeUndefined();
  });

  it("errors are DealErrors", () => {
    expect(checkStep([], step("seller", "accept", 0), NOW)).toBeInstanceOf(DealError);
  });
});
