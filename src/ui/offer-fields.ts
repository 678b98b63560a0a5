// The fields of an offer or counter-offer (amount or swap, and a message), shared by
// "Make an offer" and the deals view's counter form.

import type { Offer } from "../core/deals/deal.ts";
import { CURRENCIES } from "../core/listings/listing-terms.ts";
import type { OfferInput } from "../shared/api.ts";
import { h } from "./dom.ts";
import { type Field, field, setError } from "./form.ts";

export interface OfferFields {
  nodes: HTMLElement[];
  read(): OfferInput;
  /** Shows a hub error on its field; false when no field matched (show it on the form). */
  showError(fieldName: string, message: string): boolean;
  clearErrors(): void;
}

export function offerFields(currencyDefault: string): OfferFields {
  const amount = field(
    "Amount",
    h("input", { name: "amount", inputMode: "decimal", autocomplete: "off", placeholder: "e.g. 30 or 12.50" }),
  );
  const currency = field(
    "Currency",
    h(
      "select",
      { name: "currency" },
      ...CURRENCIES.map((c) => h("option", { value: c, textContent: c, selected: c === currencyDefault })),
    ),
  );
  const swap = field(
    "Swap offer",
    h("textarea", { name: "swap", rows: 2, placeholder: "Or: what you offer in exchange" }),
  );
  const message = field("Message", h("textarea", { name: "message", rows: 3 }));
  const fields: Record<string, Field> = { amount, currency, swap, message };
  return {
    nodes: [h("div", { className: "row" }, amount.wrapper, currency.wrapper), swap.wrapper, message.wrapper],
    read: () => ({
      amount: amount.control.value,
      currency: currency.control.value,
      swap: swap.control.value,
      message: message.control.value,
    }),
    showError(name, text) {
      const f = fields[name];
      if (!f) return false;
      setError(f, text);
      f.control.focus();
      return true;
    },
    clearErrors() {
      for (const f of Object.values(fields)) setError(f, "");
    },
  };
}

export function formatOffer(offer: Offer | undefined): string {
  if (!offer) return "";
  if (offer.kind === "swap") return `Swap: ${offer.items}`;
  return new Intl.NumberFormat(undefined, { style: "currency", currency: offer.currency }).format(offer.amount / 100);
}
