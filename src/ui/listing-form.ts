// The listing form, shared by "Post a listing" and "Edit listing": every field of a listing,
// labelled, each with its error line; the hub's PostResult decides which field an error names.

import type { ListingDraft } from "../core/listings/draft.ts";
import { CATEGORIES, CURRENCIES, LIMITS } from "../core/listings/listing-terms.ts";
import type { Listing } from "../core/listings/records.ts";
import type { PostResult } from "../shared/api.ts";
import { h } from "./dom.ts";
import { type Field, field, setError } from "./form.ts";
import { CATEGORY_LABELS } from "./labels.ts";
import { photoPicker } from "./photo-picker.ts";

export interface ListingForm {
  element: HTMLFormElement;
  fields: Record<string, Field>;
  /** Sends the form's draft with `submit` on every submit; true from `submit` means done. */
  onSubmit(submit: (draft: ListingDraft) => Promise<PostResult>, done: (result: PostResult) => void): void;
  fill(listing: Listing): void;
}

const LIFETIMES = [7, 14, 30, 60, 90];

function options(pairs: [string, string][], selected?: string): HTMLOptionElement[] {
  return pairs.map(([value, label]) => {
    const option = h("option", { value, textContent: label });
    // The attribute, not the property: form.reset() returns to it after each post.
    if (value === selected) option.setAttribute("selected", "");
    return option;
  });
}

export function listingForm(config: { name: string; submitLabel: string; editing?: boolean }): ListingForm {
  const kind = field(
    "Kind",
    h(
      "select",
      { name: "kind" },
      ...options([
        ["offer", "Offering"],
        ["wanted", "Wanted"],
      ]),
    ),
  );
  const category = field(
    "Category",
    h("select", { name: "category" }, ...options(CATEGORIES.map((c) => [c, CATEGORY_LABELS[c]]))),
  );
  const title = field(
    "Title",
    h("input", { name: "title", required: true, maxLength: LIMITS.titleMax, autocomplete: "off" }),
  );
  const description = field(
    "Description",
    h("textarea", { name: "description", rows: 4, maxLength: LIMITS.descriptionMax }),
  );
  const pricing = field(
    "Pricing",
    h(
      "select",
      { name: "pricing" },
      ...options([
        ["amount", "Price"],
        ["free", "Free"],
        ["swap", "Swap"],
      ]),
    ),
  );
  const price = field(
    "Price",
    h("input", { name: "price", inputMode: "decimal", placeholder: "e.g. 25 or 12.50", autocomplete: "off" }),
  );
  const currency = field("Currency", h("select", { name: "currency" }, ...options(CURRENCIES.map((c) => [c, c]))));
  const location = field(
    "Location",
    h("input", { name: "location", maxLength: LIMITS.locationMax, placeholder: "e.g. Riverside, north end" }),
  );
  const lifetimeChoices: [string, string][] = LIFETIMES.map((d) => [String(d), `${d} days`]);
  const lifetime = field(
    config.editing ? "Renew for" : "Expires in",
    h(
      "select",
      { name: "lifetime" },
      ...options(
        config.editing ? [["", "Keep the current expiry"], ...lifetimeChoices] : lifetimeChoices,
        config.editing ? "" : String(LIMITS.defaultLifetimeDays),
      ),
    ),
  );
  // Said again as the value: a DOM that reads the selected attribute only on reset (happy-dom)
  // would otherwise start a fresh form on the wrong option.
  lifetime.control.value = config.editing ? "" : String(LIMITS.defaultLifetimeDays);
  const picker = photoPicker(config.editing ? "Replace photos" : "Photos");
  const photos = picker.field;
  const photoHint = h("p", {
    className: "hint",
    textContent: `Up to ${LIMITS.imagesMax}; they are shrunk to small thumbnails before anything is sent.`,
  });
  const fields: Record<string, Field> = {
    photos,
    kind,
    category,
    title,
    description,
    pricing,
    price,
    currency,
    location,
    lifetime,
  };
  const formError = h("p", { className: "form-error", role: "alert" });
  const submitButton = h("button", { type: "submit", textContent: config.submitLabel });
  const element = h(
    "form",
    { className: "listing-form", "aria-label": config.name, noValidate: true },
    h("div", { className: "row even" }, kind.wrapper, category.wrapper),
    title.wrapper,
    description.wrapper,
    pricing.wrapper,
    h("div", { className: "row" }, price.wrapper, currency.wrapper),
    location.wrapper,
    picker.element,
    photoHint,
    lifetime.wrapper,
    submitButton,
    formError,
  );

  // Free and swap carry no amount: the price fields say so instead of being silently ignored.
  const syncPricing = () => {
    const amount = pricing.control.value === "amount";
    price.control.disabled = !amount;
    currency.control.disabled = !amount;
  };
  pricing.control.addEventListener("change", syncPricing);
  element.addEventListener("reset", () => {
    picker.clear();
    setTimeout(syncPricing, 0);
  });

  const draft = (): ListingDraft => ({
    kind: kind.control.value as ListingDraft["kind"],
    category: category.control.value,
    title: title.control.value,
    description: description.control.value,
    pricing: pricing.control.value,
    price: price.control.value,
    currency: currency.control.value,
    location: location.control.value,
    lifetimeDays: lifetime.control.value,
    photos: picker.photos(),
  });

  return {
    element,
    fields,
    onSubmit(submit, done) {
      element.addEventListener("submit", async (event) => {
        event.preventDefault();
        for (const f of Object.values(fields)) setError(f, "");
        formError.textContent = "";
        submitButton.disabled = true;
        try {
          const result = await submit(draft());
          if (result.ok) {
            done(result);
            return;
          }
          const f = fields[result.field];
          if (f) {
            setError(f, result.message);
            f.control.focus();
          } else formError.textContent = result.message;
        } catch (error) {
          formError.textContent = `Could not save: ${error instanceof Error ? error.message : String(error)}`;
        } finally {
          submitButton.disabled = false;
        }
      });
    },
    fill(listing) {
      kind.control.value = listing.kind;
      category.control.value = listing.category;
      title.control.value = listing.title;
      description.control.value = listing.description;
      pricing.control.value = listing.pricing;
      price.control.value = listing.price === null ? "" : (listing.price / 100).toFixed(2);
      currency.control.value = listing.currency;
      location.control.value = listing.location;
      lifetime.control.value = "";
      syncPricing();
    },
  };
}
