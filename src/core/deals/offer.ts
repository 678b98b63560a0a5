// What the user typed for an offer or a counter-offer, checked and turned into the Offer a
// deal step carries.

import type { OfferInput } from "../api.ts";
import { ValidationError } from "../errors.ts";
import { parsePrice } from "../listings/draft.ts";
import { CURRENCIES } from "../listings/records.ts";
import { DEAL_MESSAGE_MAX, type Offer, SWAP_MAX } from "./deal.ts";

/** Checks what the user typed for an offer; throws ValidationError naming the field. */
export function parseOffer(input: OfferInput): { offer: Offer; message: string } {
  const message = input.message.trim();
  if (message.length > DEAL_MESSAGE_MAX)
    throw new ValidationError("message", `Keep the message to ${DEAL_MESSAGE_MAX} characters.`);
  const swap = input.swap.trim();
  const amountText = input.amount.trim();
  if (amountText && swap)
    throw new ValidationError("amount", "Offer either an amount or a swap, not both: clear one of them.");
  if (swap) {
    if (swap.length > SWAP_MAX) throw new ValidationError("swap", `Keep the swap offer to ${SWAP_MAX} characters.`);
    return { offer: { kind: "swap", items: swap }, message };
  }
  const amount = parsePrice(amountText);
  if (amount === null) throw new ValidationError("amount", "Enter an amount, or describe what you offer to swap.");
  const currency = input.currency as (typeof CURRENCIES)[number];
  if (!CURRENCIES.includes(currency)) throw new ValidationError("currency", "Choose a currency from the list.");
  return { offer: { kind: "money", amount, currency }, message };
}
