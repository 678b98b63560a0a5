// Alerts: which hub events raise a system notification, through the HubApi the SharedWorker
// exposes (hub-api.ts) on peers built by createPeer, talking over the in-memory network.

import { describe, expect, it, vi } from "vitest";
import type { ListingDraft } from "../../src/core/listings/draft.ts";
import type { Alert, HubApi, HubEvent } from "../../src/shared/api.ts";
import { hubApi } from "../../src/worker/hub-api.ts";
import { post, type TestPeer } from "../support/peers.ts";
import { usePeers } from "../support/use-peers.ts";

const WAIT = { timeout: 5_000, interval: 5 };
const draft = (title: string): ListingDraft => ({ title, description: "", price: "40", currency: "EUR" });

const { node, connect } = usePeers();

/** The peer as its tabs see it, and the alerts one tab hears. */
async function tab(peer: TestPeer): Promise<{ hub: HubApi; key: number; alerts: Alert[] }> {
  const hub = hubApi(peer, () => {});
  const alerts: Alert[] = [];
  const key = await hub.subscribe((events: HubEvent[]) => {
    for (const event of events) if (event.type === "alert") alerts.push(event.alert);
  });
  return { hub, key, alerts };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

describe("alerts for saved-search matches", () => {
  it("a match of a search with notify on raises one alert per listing, whatever the tabs show", async () => {
    const [seller, buyer] = [await node(), await node()];
    const { hub, key, alerts } = await tab(buyer);
    await hub.tabVisible(key, true);
    const bikes = await hub.saveSearch({ text: "bike" });
    const blue = await hub.saveSearch({ text: "blue" });
    const quiet = await hub.saveSearch({ text: "lamp" });
    if (!bikes.ok || !blue.ok || !quiet.ok) throw new Error("save refused");
    await hub.setSavedSearchNotify(bikes.search.id, true);
    await hub.setSavedSearchNotify(blue.search.id, true);
    await connect(seller, buyer);
    const bike = await post(seller, draft("Blue bike"));
    await post(seller, draft("Lamp"));
    await vi.waitFor(() => expect(alerts).toHaveLength(1), WAIT);
    await settle();
    // Two searches matched it; one notification, tagged by the listing, opening it.
    expect(alerts).toEqual([
      { tag: `listing-${bike.id}`, title: "Blue bike", body: "New listing for “bike”", url: `/#/listing/${bike.id}` },
    ]);
    expect(await hub.savedSearches()).toEqual([
      expect.objectContaining({ unseen: 1 }),
      expect.objectContaining({ unseen: 1 }),
      expect.objectContaining({ unseen: 1 }),
    ]);
  });
});

describe("alerts for offers and messages", () => {
  async function dealAndMessage(sellerVisible: boolean | undefined) {
    const [seller, buyer] = [await node(), await node()];
    const sellerTab = await tab(seller);
    if (sellerVisible !== undefined) await sellerTab.hub.tabVisible(sellerTab.key, sellerVisible);
    await connect(seller, buyer);
    const listing = await post(seller, draft("Blue bike"));
    await vi.waitFor(async () => expect(await buyer.api.listing(listing.id)).toBeDefined(), WAIT);
    const offer = await buyer.api.makeOffer(listing.id, {
      amount: "30",
      currency: "EUR",
      swap: "",
      message: "Still there?",
    });
    if (!offer.ok) throw new Error(offer.message);
    const sent = await buyer.api.sendMessage(seller.id, listing.id, "Can I see it today?");
    if (!sent.ok) throw new Error(sent.message);
    await vi.waitFor(async () => expect(await seller.api.messages()).toHaveLength(1), WAIT);
    await vi.waitFor(async () => expect(await seller.api.deals()).toHaveLength(1), WAIT);
    await settle();
    return { alerts: sellerTab.alerts, buyer, dealId: offer.value.id, listingId: listing.id };
  }

  it("raise alerts while no tab is visible, one per deal step and message", async () => {
    const { alerts, buyer, dealId, listingId } = await dealAndMessage(false);
    const expected = [
      { tag: `deal-${dealId}`, title: "New offer", body: "Still there?", url: "/#/deals" },
      {
        tag: `chat-${buyer.id}-${listingId}`,
        title: "New message",
        body: "Can I see it today?",
        url: `/#/messages/${buyer.id}/${listingId}`,
      },
    ];
    // Alerts reach the tab in the hub's next event batch: under load, later than the 50 ms settle.
    await vi.waitFor(() => expect(alerts).toEqual(expected), WAIT);
    await settle();
    expect(alerts).toEqual(expected);
  });

  it("raise none while a tab is visible", async () => {
    const { alerts } = await dealAndMessage(true);
    expect(alerts).toEqual([]);
  });

  it("a tab that never said it is visible does not count as visible", async () => {
    const { alerts } = await dealAndMessage(undefined);
    await vi.waitFor(() => expect(alerts.map((a) => a.title)).toEqual(["New offer", "New message"]), WAIT);
    await settle();
    expect(alerts.map((a) => a.title)).toEqual(["New offer", "New message"]);
  });

  it("the buyer's own offer and message raise no alert on the buyer's side", async () => {
    const [seller, buyer] = [await node(), await node()];
    const buyerTab = await tab(buyer);
    await connect(seller, buyer);
    const listing = await post(seller, draft("Blue bike"));
    await vi.waitFor(async () => expect(await buyer.api.listing(listing.id)).toBeDefined(), WAIT);
    expect((await buyer.api.makeOffer(listing.id, { amount: "30", currency: "EUR", swap: "", message: "" })).ok).toBe(
      true,
    );
    expect((await buyer.api.sendMessage(seller.id, listing.id, "Hello")).ok).toBe(true);
    await vi.waitFor(async () => expect(await seller.api.messages()).toHaveLength(1), WAIT);
    await settle();
    expect(buyerTab.alerts).toEqual([]);
  });
});
