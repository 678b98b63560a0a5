// The Deals view against a hub double that applies the real deal rules (src/core/deals/deal.ts)
// and the real offer parsing (src/core/deals/deals.ts). The double is a whole HubApi (the DOM
// tests' HubDouble with the deal calls overridden), so a change to HubApi breaks it at compile time.

import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { generateIdentity, type Identity } from "../../src/core/crypto.ts";
import { applyStep, type DealAction, DealError, signStep } from "../../src/core/deals/deal.ts";
import { DEFAULT_DEAL_SETTINGS } from "../../src/core/deals/deal-settings.ts";
import { parseOffer } from "../../src/core/deals/deals.ts";
import { ValidationError } from "../../src/core/errors.ts";
import { createListing } from "../../src/core/listings/draft.ts";
import type { Listing } from "../../src/core/listings/records.ts";
import type { DealRecord } from "../../src/core/mail/mail-store.ts";
import type { DealSettings, HubEvent, MailResult, OfferInput } from "../../src/shared/api.ts";
import { mountDealsView } from "../../src/ui/deals-view.ts";
import { HubDouble } from "./shell-support.ts";

let seller: Identity;
let buyer: Identity;
let listing: Listing;

beforeAll(async () => {
  seller = await generateIdentity(Date.now());
  buyer = await generateIdentity(Date.now());
  listing = await createListing(
    seller,
    { title: "Blue bicycle", description: "", price: "40", currency: "EUR" },
    Date.now(),
  );
});

afterEach(() => document.body.replaceChildren());

/** The hash of Bob's avatar, as his profile names it. */
const BOB_AVATAR = "a".repeat(43);

class MailDouble extends HubDouble {
  readonly read: string[] = [];
  constructor(
    me: Identity,
    readonly held: DealRecord[],
  ) {
    super(me);
    this.put(listing);
    this.images.set(BOB_AVATAR, new Blob([new Uint8Array([1, 2, 3])], { type: "image/webp" }));
  }
  override async deals() {
    return [...this.held];
  }
  override async markDealRead(id: string) {
    this.read.push(id);
  }
  settings: DealSettings = { ...DEFAULT_DEAL_SETTINGS };
  override async dealSettings() {
    return { ...this.settings };
  }
  override async saveDealSettings(settings: DealSettings) {
    this.settings = { ...settings };
    return { ...this.settings };
  }
  override async profileNames() {
    return { [buyer.peerId]: { name: "Bob", avatar: BOB_AVATAR } };
  }
  override async respondToDeal(id: string, action: DealAction, input?: OfferInput): Promise<MailResult<DealRecord>> {
    const deal = this.held.find((d) => d.id === id) as DealRecord;
    try {
      const parsed = action === "counter" ? parseOffer(input as OfferInput) : { message: "" };
      const step = await signStep(this.identity, {
        dealId: id,
        listingId: deal.listingId,
        seq: deal.steps.length,
        action,
        buyer: deal.buyer,
        seller: deal.seller,
        createdAt: Date.now(),
        ...parsed,
      });
      const next = { ...deal, ...applyStep(deal, step, Date.now()) };
      this.held.splice(this.held.indexOf(deal), 1, next);
      return { ok: true, value: next };
    } catch (error) {
      if (error instanceof ValidationError) return { ok: false, field: error.field, message: error.message };
      if (error instanceof DealError) return { ok: false, field: "deal", message: error.message };
      throw error;
    }
  }
}

async function proposal(): Promise<DealRecord> {
  const step = await signStep(buyer, {
    dealId: "deal-aaaaaaaaaaaaaaaa",
    listingId: listing.id,
    seq: 0,
    action: "propose",
    buyer: buyer.peerId,
    seller: seller.peerId,
    createdAt: Date.now(),
    offer: { kind: "money", amount: 3000, currency: "EUR" },
    message: "Would you take 30?",
  });
  return { ...applyStep(undefined, step, Date.now()), unread: 1, updatedAt: Date.now() };
}

async function mount(hub: MailDouble): Promise<{ root: HTMLElement; emit: (e: HubEvent) => void }> {
  const root = document.body.appendChild(document.createElement("main"));
  const listeners: ((e: HubEvent) => void)[] = [];
  await mountDealsView(root, {
    hub,
    status: await hub.status(),
    onEvent: (fn) => listeners.push(fn),
    params: [],
  });
  const emit = (event: HubEvent) => {
    for (const fn of listeners) fn(event);
  };
  return { root, emit };
}

const buttons = (root: Element) => [...root.querySelectorAll("button")].map((b) => b.textContent);
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe("deals view", () => {
  it("shows an incoming offer as new, with the seller's answers, and marks it read", async () => {
    const hub = new MailDouble(seller, [await proposal()]);
    const { root } = await mount(hub);
    const card = root.querySelector("article.deal") as HTMLElement;
    expect(card.querySelector("h4")?.textContent).toBe("Blue bicycle");
    expect(card.textContent).toContain("New");
    expect(card.textContent).toContain("State: proposed");
    expect(card.textContent).toContain("They offered €30.00 — “Would you take 30?”");
    expect(buttons(card)).toEqual(["Counter", "Accept", "Reject"]);
    expect(hub.read).toEqual(["deal-aaaaaaaaaaaaaaaa"]);
  });

  it("names the other side with a link to their profile", async () => {
    const { root } = await mount(new MailDouble(seller, [await proposal()]));
    const link = root.querySelector("article.deal .meta a") as HTMLAnchorElement;
    expect(link.textContent).toBe("Bob");
    expect(link.getAttribute("href")).toBe(`#/people/${buyer.peerId}`);
    // His avatar beside his name, as on listings and in messages.
    const avatar = root.querySelector("article.deal .meta img.avatar");
    expect(avatar?.getAttribute("alt")).toBe("Avatar of Bob");
  });

  it("lets the seller turn off reserving on accept and selling on completion, each saved at once", async () => {
    const hub = new MailDouble(seller, []);
    const { root } = await mount(hub);
    const form = root.querySelector("form.deal-settings") as HTMLFormElement;
    const [reserve, sell] = [...form.querySelectorAll<HTMLInputElement>("input[type=checkbox]")] as HTMLInputElement[];
    expect(reserve?.labels?.[0]?.textContent).toBe("Mark my listing reserved when I accept an offer");
    expect([reserve?.checked, sell?.checked]).toEqual([true, true]);
    reserve?.click();
    await settle();
    expect(hub.settings).toEqual({ reserveOnAccept: false, sellOnComplete: true });
    expect(form.textContent).toContain("Saved.");
    sell?.click();
    await settle();
    expect(hub.settings).toEqual({ reserveOnAccept: false, sellOnComplete: false });
  });

  it("offers the buyer only Withdraw while waiting for the seller", async () => {
    const { root } = await mount(new MailDouble(buyer, [await proposal()]));
    expect(buttons(root.querySelector("article.deal") as HTMLElement)).toEqual(["Withdraw"]);
    expect(root.textContent).toContain("No offers on your listings yet.");
  });

  it("a counter-offer without an amount is explained on its field; a valid one updates the deal", async () => {
    const hub = new MailDouble(seller, [await proposal()]);
    const { root, emit } = await mount(hub);
    (root.querySelector("article.deal button") as HTMLButtonElement).click();
    const form = root.querySelector("form.counter-form") as HTMLFormElement;
    form.requestSubmit();
    await settle();
    const amount = form.querySelector<HTMLInputElement>("input[name=amount]") as HTMLInputElement;
    expect(amount.getAttribute("aria-invalid")).toBe("true");
    expect(form.textContent).toContain("Enter an amount, or describe what you offer to swap.");
    amount.value = "35";
    // An event re-renders the view: what was typed stays.
    emit({ type: "deal", deal: hub.held[0] as DealRecord });
    expect((root.querySelector("form.counter-form input[name=amount]") as HTMLInputElement).value).toBe("35");
    (root.querySelector("form.counter-form") as HTMLFormElement).requestSubmit();
    // Signing the step takes a moment, longer on a loaded machine: wait for the card, not a fixed time.
    await vi.waitFor(() => {
      const card = root.querySelector("article.deal") as HTMLElement;
      expect(card.textContent).toContain("State: countered");
      expect(card.textContent).toContain("You countered with €35.00");
      expect(buttons(card)).toEqual([]);
    });
  });
});
