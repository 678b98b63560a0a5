// The deals and chat part of the hub's Comlink surface (issue 5). The hub exposes HubApi &
// MailApi; it is a separate interface so test doubles of HubApi for other views need not grow.

import type { PeerId } from "../core/crypto.ts";
import type { DealAction } from "../core/deals/deal.ts";
import type { ChatRecord, DealRecord } from "../core/mail/mail-store.ts";

/** What the user typed into "Make an offer" or a counter-offer: an amount or a swap, and a message. */
export interface OfferInput {
  /** As typed, e.g. "30" or "12.50"; empty when offering a swap. */
  amount: string;
  currency: string;
  /** What is offered in exchange; empty when offering money. */
  swap: string;
  message: string;
}

/** What a deal does to the seller's listing: the seller's choice, both on unless turned off. */
export interface DealSettings {
  /** Accepting an offer marks the listing reserved. */
  reserveOnAccept: boolean;
  /** Completing a deal marks the listing sold. */
  sellOnComplete: boolean;
}

export const DEFAULT_DEAL_SETTINGS: DealSettings = { reserveOnAccept: true, sellOnComplete: true };

export type MailResult<T> = { ok: true; value: T } | { ok: false; field: string; message: string };

export interface MailApi {
  /** Every deal this user is part of, newest activity first. */
  deals(): Promise<DealRecord[]>;
  makeOffer(listingId: string, input: OfferInput): Promise<MailResult<DealRecord>>;
  /** counter (with an offer), accept, reject, withdraw or complete. */
  respondToDeal(dealId: string, action: DealAction, input?: OfferInput): Promise<MailResult<DealRecord>>;
  markDealRead(dealId: string): Promise<void>;
  /** Completed deals in this user's signed profile, each countersigned (what others see). */
  reputation(): Promise<{ asBuyer: number; asSeller: number }>;
  dealSettings(): Promise<DealSettings>;
  saveDealSettings(settings: DealSettings): Promise<DealSettings>;
  /** Every chat message, oldest first. */
  messages(): Promise<ChatRecord[]>;
  sendMessage(peer: PeerId, topic: string, text: string): Promise<MailResult<ChatRecord>>;
  /** Marks the other side's messages in a conversation read and tells them. */
  markConversationRead(peer: PeerId, topic: string): Promise<void>;
}
