// Deals between two users: the local side of offers, counters and answers, and the
// handler for steps that arrive. Every step is signed, checked by the state machine in
// src/core/deals/deal.ts, stored whole on both sides and travels sealed through the Mailbox.

import * as v from "valibot";
import type { OfferInput } from "../api.ts";
import type { Identity, PeerId } from "../crypto.ts";
import { ValidationError } from "../errors.ts";
import type { Listing } from "../listings/records.ts";
import { CounterpartyQuota, DEALS_PER_PERSON } from "../mail/counterparty-quota.ts";
import type { DealRecord, MailStore, OutboxEntry } from "../mail/mail-store.ts";
import type { Mailbox } from "../mail/mailbox.ts";
import { newMessageId } from "../mail/seal.ts";
import { checkReceiptSignature, type Receipt, signReceipt } from "../profiles/receipt.ts";
import {
  applyStep,
  counterparty,
  type DealAction,
  DealError,
  type DealStep,
  dealState,
  signStep,
  verifyStep,
} from "./deal.ts";
import { type Countersignature, DealBodySchema, receiptsOf, receiptTermsOf } from "./deal-receipts.ts";
import { parseOffer } from "./offer.ts";

// The offer parsing moved to offer.ts; views and tests that know it from here keep working.
export { parseOffer } from "./offer.ts";

export interface DealsOptions {
  identity: Identity;
  store: MailStore;
  mailbox: Mailbox;
  getListing: (id: string) => Promise<Listing | undefined>;
  onDeal: (deal: DealRecord) => void;
  /** The seller's side: a deal was accepted ("reserved") or completed ("sold"). */
  onListingStatus?: (listingId: string, status: "reserved" | "sold") => Promise<void>;
  /** A completed deal got the other party's signature: our receipts (reputation) changed. */
  onReceipt?: () => Promise<void> | void;
  now: () => number;
  /** DEALS_PER_PERSON unless a test says otherwise. */
  dealsPerPerson?: number;
}

/** Of two steps taken concurrently at the same position, the one both sides keep. */
function wins(a: DealStep, b: DealStep): boolean {
  return a.createdAt !== b.createdAt ? a.createdAt < b.createdAt : a.author < b.author;
}

export class Deals {
  private readonly now: () => number;
  /** Deals each other person has with us. */
  private readonly quota: CounterpartyQuota;

  constructor(private readonly options: DealsOptions) {
    this.now = options.now;
    const me = options.identity.peerId;
    this.quota = new CounterpartyQuota(
      async () => (await options.store.listDeals()).map((d) => (d.buyer === me ? d.seller : d.buyer)),
      options.dealsPerPerson ?? DEALS_PER_PERSON,
    );
    const receive = (from: PeerId, body: unknown) => this.receive(from, body);
    options.mailbox.handle("DEAL_PROPOSAL", receive);
    options.mailbox.handle("DEAL_RESPONSE", receive);
    options.mailbox.onAck(async (entry, _msgId, status) => {
      // A refused receipt changes no deal; a refused step is taken back.
      const step = (entry?.body as { step?: DealStep } | undefined)?.step;
      if (status === "refused" && step && (entry?.kind === "DEAL_PROPOSAL" || entry?.kind === "DEAL_RESPONSE"))
        await this.refused(step);
    });
  }

  list(): Promise<DealRecord[]> {
    return this.options.store.listDeals();
  }

  /** Opens a deal on someone else's listing and sends the offer to its author. */
  async propose(listingId: string, input: OfferInput): Promise<DealRecord> {
    const listing = await this.options.getListing(listingId);
    if (!listing) throw new ValidationError("listing", "That listing is no longer here.");
    if (listing.author === this.options.identity.peerId)
      throw new ValidationError("listing", "You cannot make an offer on your own listing.");
    const { offer, message } = parseOffer(input);
    const step = await signStep(this.options.identity, {
      dealId: newMessageId(),
      listingId,
      seq: 0,
      action: "propose",
      buyer: this.options.identity.peerId,
      seller: listing.author,
      createdAt: this.now(),
      offer,
      message,
    });
    return this.takeStep(undefined, step, "DEAL_PROPOSAL");
  }

  /** Counter, accept, reject, withdraw or complete; throws DealError when it is not allowed now. */
  async respond(dealId: string, action: DealAction, input?: OfferInput): Promise<DealRecord> {
    const deal = await this.options.store.getDeal(dealId);
    if (!deal) throw new DealError("That deal is not here.");
    if (action === "propose") throw new DealError("This deal already has its offer; make a counter-offer.");
    const parsed =
      action === "counter" ? parseOffer(input ?? { amount: "", currency: "", swap: "", message: "" }) : undefined;
    const last = deal.steps.at(-1) as DealStep;
    const step = await signStep(this.options.identity, {
      dealId,
      listingId: deal.listingId,
      seq: deal.steps.length,
      action,
      buyer: deal.buyer,
      seller: deal.seller,
      // Never before the previous step, even if this device's clock is behind the other's.
      createdAt: Math.max(this.now(), last.createdAt),
      ...(parsed ?? { message: input?.message.trim() ?? "" }),
    });
    // Completing signs the receipt too; the other side countersigns it when the step arrives.
    const receipt = action === "complete" ? await signReceipt(this.options.identity, receiptTermsOf(step)) : undefined;
    return this.takeStep(deal, step, "DEAL_RESPONSE", receipt);
  }

  /** Our completed deals that the other side countersigned, as our profile lists them. */
  async receipts(): Promise<Receipt[]> {
    return receiptsOf(await this.list(), this.options.identity.peerId);
  }

  async markRead(dealId: string): Promise<void> {
    const updated = await this.options.store.updateDeal(dealId, (d) => (d?.unread ? { ...d, unread: 0 } : undefined));
    if (updated) this.options.onDeal(updated);
  }

  private async takeStep(
    deal: DealRecord | undefined,
    step: DealStep,
    kind: "DEAL_PROPOSAL" | "DEAL_RESPONSE",
    receipt?: string,
  ) {
    const now = this.now();
    const other = counterparty(step, step.author);
    const body = receipt ? { step, receipt } : { step };
    const outgoing = this.options.mailbox.entry(other, kind, newMessageId(), body);
    const stored = await this.options.store.updateDeal(
      step.dealId,
      (current) => {
        if ((current?.steps.length ?? 0) !== (deal?.steps.length ?? 0))
          throw new DealError("The deal changed meanwhile; look at it again.");
        return { ...applyStep(current, step, now), unread: current?.unread ?? 0, updatedAt: now };
      },
      outgoing,
    );
    const record = stored as DealRecord;
    this.options.onDeal(record);
    await this.settleListing(record);
    await this.options.mailbox.dispatch(outgoing);
    return record;
  }

  private async receive(from: PeerId, body: unknown): Promise<void> {
    const parsed = v.safeParse(DealBodySchema, body);
    if (!parsed.success) throw new DealError("A deal message carried neither a step nor a receipt.");
    const fields = parsed.output;
    if (!("step" in fields)) return this.countersigned(from, fields.receipt);
    const step = await verifyStep(fields.step);
    if (!step) throw new DealError("A deal step did not verify.");
    if (step.author !== from) throw new DealError("A deal step was not sent by its author.");
    const me = this.options.identity.peerId;
    if (step.buyer !== me && step.seller !== me) throw new DealError("A deal step for someone else's deal.");
    const held = await this.options.store.getDeal(step.dealId);
    // A step we hold already: a resend whose ACK was lost, after its id left the seen ids (inbox.ts).
    // Nothing changes, and it is not refused: a refusal would make its author take it back.
    if (held?.steps.some((s) => s.signature === step.signature)) return;
    // A completion carries its author's receipt signature; ours goes back with it stored.
    let countersignature: string | undefined;
    let answer: OutboxEntry | undefined;
    if (step.action === "complete") {
      const terms = receiptTermsOf(step);
      if (!fields.receipt || !(await checkReceiptSignature(terms, from, step.authorKey, fields.receipt)))
        throw new DealError("A completed deal came without a valid receipt signature.");
      countersignature = fields.receipt;
      const signature = await signReceipt(this.options.identity, terms);
      answer = this.options.mailbox.entry(from, "DEAL_RESPONSE", newMessageId(), {
        receipt: { dealId: step.dealId, signature },
      });
    }
    const fresh = !held;
    if (fresh && !(await this.quota.admits(from)))
      throw new DealError(`${from} has ${this.quota.limit} deals with us already, as many as one person may.`);
    const now = this.now();
    // Our steps the other side has not acknowledged yet: only those can have crossed theirs.
    const unacknowledged = new Set(
      (await this.options.store.listOutbox())
        .filter((e) => e.to === from)
        .map((e) => (e.body as { step?: DealStep } | undefined)?.step?.signature),
    );
    const stored = await this.options.store.updateDeal(
      step.dealId,
      (current) => {
        let base = current;
        const mine = current?.steps.at(-1);
        // Both sides acted at once: keep the same one of the two steps on both sides. Not a race
        // once they have our step: a backdated step must not replace one they already received.
        const crossed = mine !== undefined && unacknowledged.has(mine.signature);
        if (
          current &&
          mine &&
          crossed &&
          step.seq === current.steps.length - 1 &&
          mine.author === me &&
          wins(step, mine)
        )
          base = { ...current, steps: current.steps.slice(0, -1) };
        return {
          ...applyStep(base, step, now),
          unread: (current?.unread ?? 0) + 1,
          updatedAt: now,
          ...(countersignature ? { countersignature } : {}),
        };
      },
      answer,
    );
    const record = stored as DealRecord;
    if (fresh) await this.quota.added(from);
    this.options.onDeal(record);
    await this.settleListing(record);
    if (answer) {
      await this.options.mailbox.dispatch(answer);
      await this.options.onReceipt?.();
    }
  }

  /** The other side's signature on the receipt of a deal we completed. */
  private async countersigned(
    from: PeerId,
    { dealId, signature }: v.InferOutput<typeof Countersignature>,
  ): Promise<void> {
    const deal = await this.options.store.getDeal(dealId);
    const last = deal?.steps.at(-1);
    if (!deal || last?.action !== "complete") throw new DealError("A receipt for a deal that is not completed here.");
    if (counterparty(deal, this.options.identity.peerId) !== from)
      throw new DealError("A receipt from someone who is not in the deal.");
    const key = deal.steps.find((s) => s.author === from)?.authorKey;
    if (!key || !(await checkReceiptSignature(receiptTermsOf(last), from, key, signature)))
      throw new DealError("A deal receipt did not verify.");
    if (deal.countersignature === signature) return;
    const updated = await this.options.store.updateDeal(dealId, (d) => (d ? { ...d, countersignature: signature } : d));
    if (updated) this.options.onDeal(updated);
    await this.options.onReceipt?.();
  }

  /**
   * The other side refused our step (it had moved on, e.g. withdrew while we accepted, or kept
   * its own concurrent step): take ours back so both sides hold the same steps.
   */
  private async refused(step: DealStep): Promise<void> {
    const updated = await this.options.store.updateDeal(step.dealId, (deal) => {
      const last = deal?.steps.at(-1);
      if (!deal || last?.signature !== step.signature || deal.steps.length === 1) return undefined;
      return { ...deal, steps: deal.steps.slice(0, -1), unread: deal.unread + 1, updatedAt: this.now() };
    });
    if (updated) this.options.onDeal(updated);
  }

  private async settleListing(deal: DealRecord): Promise<void> {
    if (deal.seller !== this.options.identity.peerId || !this.options.onListingStatus) return;
    const state = dealState(deal.steps, this.now());
    if (state === "accepted") await this.options.onListingStatus(deal.listingId, "reserved");
    if (state === "completed") await this.options.onListingStatus(deal.listingId, "sold");
  }
}
