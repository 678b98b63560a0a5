// Deals (docs/architecture.md, "Records"): an ordered list of signed steps between a buyer and a seller
// about one listing, and the state machine that derives the deal's state from them. Pure: both
// sides run the same rules on the same steps and reach the same state.

import * as v from "valibot";
import { type Identity, keyMatchesPeerId, PEER_ID_PATTERN, type PeerId, sign, verify } from "../crypto.ts";
import { canonicalJson } from "../encoding.ts";
import { PeerboardError } from "../errors.ts";
import { CURRENCIES, LIMITS } from "../listings/records.ts";

/** A proposal or counter nobody answers within this time expires. */
export const DEAL_EXPIRY_MS = 14 * 24 * 60 * 60 * 1000;
export const DEAL_MESSAGE_MAX = 2000;
export const SWAP_MAX = 500;

export const DEAL_ACTIONS = ["propose", "counter", "accept", "reject", "withdraw", "complete"] as const;
export type DealAction = (typeof DEAL_ACTIONS)[number];
export type DealState = "proposed" | "countered" | "accepted" | "completed" | "rejected" | "withdrawn" | "expired";

const PeerIdSchema = v.pipe(v.string(), v.regex(PEER_ID_PATTERN));
const Timestamp = v.pipe(v.number(), v.safeInteger(), v.minValue(0));

export const OfferSchema = v.variant("kind", [
  v.strictObject({
    kind: v.literal("money"),
    amount: v.pipe(v.number(), v.safeInteger(), v.minValue(0), v.maxValue(LIMITS.priceMax)),
    currency: v.picklist(CURRENCIES),
  }),
  v.strictObject({ kind: v.literal("swap"), items: v.pipe(v.string(), v.minLength(1), v.maxLength(SWAP_MAX)) }),
]);
export type Offer = v.InferOutput<typeof OfferSchema>;

export const DealStepSchema = v.strictObject({
  dealId: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{16,64}$/)),
  listingId: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{8,64}$/)),
  /** Position in the deal: 0 for the proposal. A step must extend exactly the steps its author saw. */
  seq: v.pipe(v.number(), v.safeInteger(), v.minValue(0), v.maxValue(1000)),
  action: v.picklist(DEAL_ACTIONS),
  buyer: PeerIdSchema,
  seller: PeerIdSchema,
  author: PeerIdSchema,
  authorKey: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{87}$/)),
  createdAt: Timestamp,
  /** Present on propose and counter. */
  offer: v.optional(OfferSchema),
  message: v.pipe(v.string(), v.maxLength(DEAL_MESSAGE_MAX)),
  signature: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{86}$/)),
});
export type DealStep = v.InferOutput<typeof DealStepSchema>;
export type UnsignedDealStep = Omit<DealStep, "signature">;

export interface Deal {
  id: string;
  listingId: string;
  buyer: PeerId;
  seller: PeerId;
  steps: DealStep[];
}

/** Why a step was refused. The step is not stored. */
export class DealError extends PeerboardError {
  override name = "DealError";
}

/** The state the steps lead to at time `now` (steps are assumed to have passed `checkStep`). */
export function dealState(steps: readonly DealStep[], now: number): DealState {
  const last = steps.at(-1);
  if (!last) throw new DealError("A deal has at least its proposal.");
  switch (last.action) {
    case "propose":
    case "counter":
      if (now - last.createdAt > DEAL_EXPIRY_MS) return "expired";
      return last.action === "propose" ? "proposed" : "countered";
    case "accept":
      return "accepted";
    case "complete":
      return "completed";
    case "reject":
      return "rejected";
    case "withdraw":
      return "withdrawn";
  }
}

/** The offer on the table: the latest proposal or counter. */
export function currentOffer(steps: readonly DealStep[]): DealStep | undefined {
  for (let i = steps.length - 1; i >= 0; i--) {
    const step = steps[i] as DealStep;
    if (step.action === "propose" || step.action === "counter") return step;
  }
  return undefined;
}

export function counterparty(deal: Pick<Deal, "buyer" | "seller">, me: PeerId): PeerId {
  return deal.buyer === me ? deal.seller : deal.buyer;
}

/** The actions `who` may take next on a deal with these steps at `now`. */
export function allowedActions(steps: readonly DealStep[], who: PeerId, now: number): DealAction[] {
  const first = steps[0];
  if (!first) return [];
  if (who !== first.buyer && who !== first.seller) return [];
  const state = dealState(steps, now);
  if (state === "accepted") return ["complete"];
  if (state !== "proposed" && state !== "countered") return [];
  const offeredBy = currentOffer(steps)?.author;
  const actions: DealAction[] = who === offeredBy ? [] : ["counter", "accept", "reject"];
  if (who === first.buyer) actions.push("withdraw");
  return actions;
}

/**
 * Whether `step` may follow `steps` (none for a proposal). Returns a DealError naming what is
 * wrong, or undefined. Checks the rules only; `verifyStep` checks the signature.
 */
export function checkStep(steps: readonly DealStep[], step: UnsignedDealStep, now: number): DealError | undefined {
  if (step.createdAt > now + LIMITS.clockSkewMs) return new DealError("This deal step is dated in the future.");
  const needsOffer = step.action === "propose" || step.action === "counter";
  if (needsOffer !== (step.offer !== undefined))
    return new DealError(
      needsOffer ? "An offer or counter-offer needs an amount or a swap." : "Only offers carry an amount.",
    );
  const first = steps[0];
  if (!first) {
    if (step.action !== "propose") return new DealError("A deal starts with an offer.");
    if (step.seq !== 0) return new DealError("An offer is the first step of its deal.");
    if (step.buyer === step.seller) return new DealError("You cannot make an offer on your own listing.");
    if (step.author !== step.buyer) return new DealError("Only the buyer makes the first offer.");
    return undefined;
  }
  if (step.dealId !== first.dealId || step.listingId !== first.listingId)
    return new DealError("This step belongs to another deal.");
  if (step.buyer !== first.buyer || step.seller !== first.seller)
    return new DealError("This step names other parties than the deal.");
  if (step.author !== first.buyer && step.author !== first.seller)
    return new DealError("Only the buyer and the seller can take part in a deal.");
  if (step.seq !== steps.length)
    return new DealError(`This step is out of order: expected step ${steps.length + 1}, got ${step.seq + 1}.`);
  const previous = steps.at(-1) as DealStep;
  if (step.createdAt < previous.createdAt) return new DealError("This step is dated before the previous one.");
  if (step.action === "propose") return new DealError("This deal already has its offer; make a counter-offer.");
  // Judged at the step's own (signed) time, not at arrival: an answer that waited in an outbox
  // while its author's peer was away is as valid as one delivered at once.
  const state = dealState(steps, step.createdAt);
  if (!allowedActions(steps, step.author, step.createdAt).includes(step.action))
    return new DealError(`You cannot ${step.action} a deal that is ${state}${whoseTurn(steps, step, state)}.`);
  return undefined;
}

function whoseTurn(steps: readonly DealStep[], step: UnsignedDealStep, state: DealState): string {
  if ((state === "proposed" || state === "countered") && currentOffer(steps)?.author === step.author)
    return ": the other side has to answer your offer first";
  return "";
}

/** Adds a checked step to a deal; throws DealError when it may not follow. */
export function applyStep(deal: Deal | undefined, step: DealStep, now: number): Deal {
  const steps = deal?.steps ?? [];
  const error = checkStep(steps, step, now);
  if (error) throw error;
  return deal
    ? { ...deal, steps: [...steps, step] }
    : { id: step.dealId, listingId: step.listingId, buyer: step.buyer, seller: step.seller, steps: [step] };
}

function signedText(step: UnsignedDealStep): string {
  return `peerboard-deal-step-v1\n${canonicalJson(step)}`;
}

export async function signStep(me: Identity, step: Omit<UnsignedDealStep, "author" | "authorKey">): Promise<DealStep> {
  const unsigned: UnsignedDealStep = { ...step, author: me.peerId, authorKey: me.publicKey };
  return { ...unsigned, signature: await sign(me.signing.privateKey, signedText(unsigned)) };
}

/** Shape, key ↔ author and signature: anyone holding the step can check who took it. */
export async function verifyStep(raw: unknown): Promise<DealStep | undefined> {
  const parsed = v.safeParse(DealStepSchema, raw);
  if (!parsed.success) return undefined;
  const step = parsed.output;
  if (!(await keyMatchesPeerId(step.authorKey, step.author))) return undefined;
  const { signature, ...unsigned } = step;
  return (await verify(step.authorKey, signature, signedText(unsigned))) ? step : undefined;
}
