// The receipts of completed deals: the terms both parties sign, the countersignature that
// travels back, and the receipts our profile lists once the other side has signed.

import * as v from "valibot";
import type { PeerId } from "../crypto.ts";
import type { DealRecord } from "../mail/mail-store.ts";
import type { Receipt, ReceiptTerms } from "../profiles/receipt.ts";
import { counterparty, type DealStep } from "./deal.ts";

/** What both parties sign when `complete` (the step completing the deal) is taken. */
export function receiptTermsOf(complete: DealStep): ReceiptTerms {
  const { dealId, listingId, buyer, seller, createdAt } = complete;
  return { dealId, listingId, buyer, seller, completedAt: createdAt };
}

/** The body of the message that carries the other side's signature on a receipt back. */
export const Countersignature = v.strictObject({
  dealId: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{16,64}$/)),
  signature: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{86}$/)),
});

/**
 * What a deal message's sealed body holds: a step (a completion also carries its author's receipt
 * signature), or the other side's countersignature of a receipt.
 */
export const DealBodySchema = v.union([
  v.strictObject({ step: v.unknown(), receipt: v.optional(Countersignature.entries.signature) }),
  v.strictObject({ receipt: Countersignature }),
]);

/** Our completed deals that the other side countersigned, as our profile lists them. */
export function receiptsOf(deals: DealRecord[], me: PeerId): Receipt[] {
  const receipts: Receipt[] = [];
  for (const deal of deals) {
    const last = deal.steps.at(-1);
    if (last?.action !== "complete" || !deal.countersignature) continue;
    const other = counterparty(deal, me);
    const otherKey = deal.steps.find((s) => s.author === other)?.authorKey;
    if (!otherKey) continue;
    receipts.push({
      dealId: deal.id,
      listingId: deal.listingId,
      role: deal.buyer === me ? "buyer" : "seller",
      other,
      otherKey,
      completedAt: last.createdAt,
      otherSignature: deal.countersignature,
    });
  }
  return receipts;
}
