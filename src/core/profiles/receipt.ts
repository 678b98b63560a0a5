// Deal receipts: the public, checkable trace of a completed deal that reputation counts.
// When a deal completes, buyer and seller each sign the same short statement (deal, listing, who
// bought, who sold, when). A user's profile lists its completed deals with the *other* side's
// signature, and the profile itself is signed by the user, so every entry carries both
// signatures: nobody can claim a deal the counterparty did not confirm. Offers and messages stay
// sealed; a receipt tells only that the deal happened.

import * as v from "valibot";
import { type Identity, keyMatchesPeerId, PEER_ID_PATTERN, type PeerId, sign, verify } from "../crypto.ts";
import { listingIdBelongsTo } from "../listings/records.ts";

/** Receipts a profile carries at most, newest first (≈330 bytes each, well under the frame cap). */
export const MAX_RECEIPTS = 100;

const PeerIdSchema = v.pipe(v.string(), v.regex(PEER_ID_PATTERN));

/** One completed deal as listed in the profile of one of its two parties. */
export const ReceiptSchema = v.strictObject({
  dealId: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{16,64}$/)),
  listingId: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{8,64}$/)),
  /** The profile owner's side of the deal. */
  role: v.picklist(["buyer", "seller"]),
  /** The counterparty, its identity key, and its signature over the receipt text. */
  other: PeerIdSchema,
  otherKey: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{87}$/)),
  completedAt: v.pipe(v.number(), v.safeInteger(), v.minValue(0)),
  otherSignature: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{86}$/)),
});
export type Receipt = v.InferOutput<typeof ReceiptSchema>;

/** What both parties sign. */
export interface ReceiptTerms {
  dealId: string;
  listingId: string;
  buyer: PeerId;
  seller: PeerId;
  completedAt: number;
}

function receiptText(terms: ReceiptTerms): string {
  return `peerboard-deal-receipt-v1\n${terms.dealId}\n${terms.listingId}\n${terms.buyer}\n${terms.seller}\n${terms.completedAt}`;
}

export function signReceipt(me: Identity, terms: ReceiptTerms): Promise<string> {
  return sign(me.signing.privateKey, receiptText(terms));
}

/** Whether `signature` is `signer`'s (identity key `signerKey`) over these terms. */
export async function checkReceiptSignature(
  terms: ReceiptTerms,
  signer: PeerId,
  signerKey: string,
  signature: string,
): Promise<boolean> {
  if (signer !== terms.buyer && signer !== terms.seller) return false;
  if (!(await keyMatchesPeerId(signerKey, signer))) return false;
  return verify(signerKey, signature, receiptText(terms));
}

/** The terms a receipt in `owner`'s profile stands for. */
export function receiptTerms(owner: PeerId, receipt: Receipt): ReceiptTerms {
  const [buyer, seller] = receipt.role === "buyer" ? [owner, receipt.other] : [receipt.other, owner];
  return { dealId: receipt.dealId, listingId: receipt.listingId, buyer, seller, completedAt: receipt.completedAt };
}

/**
 * Receipts already checked, by owner, deal and signature: a profile is re-signed with all its
 * receipts whenever its owner completes a deal or edits it, and each version reaches every hub,
 * so without this every version would cost up to MAX_RECEIPTS signature checks again.
 */
const checked = new Set<string>();
const CHECKED_MAX = 20_000;

/** Every receipt in `owner`'s profile is countersigned by a real other party, each deal once. */
export async function checkReceipts(owner: PeerId, receipts: readonly Receipt[]): Promise<boolean> {
  const deals = new Set<string>();
  for (const receipt of receipts) {
    if (receipt.other === owner || deals.has(receipt.dealId)) return false;
    deals.add(receipt.dealId);
    // Role, counterparty, key and time are all part of what the signature covers.
    const key = `${owner}\n${receipt.role}\n${receipt.other}\n${receipt.otherKey}\n${receipt.dealId}\n${receipt.listingId}\n${receipt.completedAt}\n${receipt.otherSignature}`;
    if (checked.has(key)) continue;
    const terms = receiptTerms(owner, receipt);
    if (!(await checkReceiptSignature(terms, receipt.other, receipt.otherKey, receipt.otherSignature))) return false;
    if (checked.size >= CHECKED_MAX) checked.clear();
    checked.add(key);
  }
  return true;
}

/** What a profile's receipts say of its owner: how many people they dealt with, by role and in all. */
export interface Reputation {
  /** Different sellers the owner bought from. */
  asBuyer: number;
  /** Different buyers the owner sold to. */
  asSeller: number;
  /** Different people in all. */
  people: number;
}

/**
 * Reputation from `owner`'s receipts (already checked): people, not deals, so one other identity
 * countersigning a hundred deals counts once; and only deals on a listing the seller posted
 * (its id carries the seller's), so nobody builds a record from listings that never existed.
 */
export function countReceipts(owner: PeerId, receipts: readonly Receipt[] | undefined): Reputation {
  const buyers = new Set<PeerId>();
  const sellers = new Set<PeerId>();
  for (const receipt of receipts ?? []) {
    const seller = receipt.role === "seller" ? owner : receipt.other;
    if (!listingIdBelongsTo(receipt.listingId, seller)) continue;
    (receipt.role === "seller" ? buyers : sellers).add(receipt.other);
  }
  return { asBuyer: sellers.size, asSeller: buyers.size, people: new Set([...buyers, ...sellers]).size };
}
