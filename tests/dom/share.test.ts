// The detail view of a shared link: "Share" (Web Share where present, else the clipboard), and a
// listing this device does not hold yet, looked for through the hub. The hub double is real
// record rules; navigator.share and the clipboard are stand-ins (happy-dom has neither).

import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { generateIdentity, type Identity } from "../../src/core/crypto.ts";
import { createListing } from "../../src/core/listings/draft.ts";
import type { Listing } from "../../src/core/listings/records.ts";
import { button, HubDouble, mountAt, useShellHooks } from "./shell-support.ts";

useShellHooks();

let alice: Identity;
let bob: Identity;
beforeAll(async () => {
  [alice, bob] = await Promise.all([generateIdentity(Date.now()), generateIdentity(Date.now())]);
});
afterEach(() => vi.unstubAllGlobals());

const bobs = (): Promise<Listing> =>
  createListing(bob, { title: "Blue bike", description: "", price: "40", currency: "EUR" }, Date.now());
const heading = (root: HTMLElement) => root.querySelector("#view h2")?.textContent;
const lookupLine = (root: HTMLElement) => root.querySelector('[role=status][aria-label="Listing search"]')?.textContent;
const shareButton = (root: HTMLElement) => button(root, "Share");
const shareStatus = (root: HTMLElement) => root.querySelector('[role=status][aria-label="Share status"]')?.textContent;

/** Alice opens the link to Bob's listing, which her hub holds. */
async function openBobsListing(): Promise<{ listing: Listing; root: HTMLElement }> {
  const hub = new HubDouble(alice);
  const listing = await bobs();
  hub.put(listing);
  const root = await mountAt(hub, `#/listing/${listing.id}`);
  await vi.waitFor(() => expect(heading(root)).toBe("Blue bike"));
  return { listing, root };
}

function stubNavigator(extra: PropertyDescriptorMap): void {
  vi.stubGlobal("navigator", Object.create(navigator, extra));
}

describe("Share", () => {
  it("copies the listing's link and says so where there is no Web Share", async () => {
    const writeText = vi.fn(async (_text: string) => undefined);
    stubNavigator({ share: { value: undefined }, clipboard: { value: { writeText } } });
    const { listing, root } = await openBobsListing();
    shareButton(root).click();
    await vi.waitFor(() => expect(shareStatus(root)).toBe("Link copied"));
    expect(writeText).toHaveBeenCalledWith(
      `${location.origin}${location.pathname}${location.search}#/listing/${listing.id}`,
    );
  });

  it("hands the link to the Web Share API where present, and copies nothing", async () => {
    const share = vi.fn(async (_data: ShareData) => undefined);
    const writeText = vi.fn(async (_text: string) => undefined);
    stubNavigator({ share: { value: share }, clipboard: { value: { writeText } } });
    const { listing, root } = await openBobsListing();
    shareButton(root).click();
    await vi.waitFor(() => expect(share).toHaveBeenCalledTimes(1));
    expect(share.mock.calls[0]?.[0]).toMatchObject({
      title: "Blue bike",
      url: expect.stringMatching(`#/listing/${listing.id}$`),
    });
    expect(writeText).not.toHaveBeenCalled();
  });
});

describe("a link to a listing this device does not hold", () => {
  it("says it is looking, then shows the listing when it arrives", async () => {
    const hub = new HubDouble(alice);
    hub.peersConnected = 2;
    const listing = await bobs();
    const root = await mountAt(hub, `#/listing/${listing.id}`);
    await vi.waitFor(() => expect(heading(root)).toBe("Looking for this listing…"));
    expect(lookupLine(root)).toBe("Asking 2 connected peers for it.");
    await hub.arrive(listing);
    await vi.waitFor(() => expect(heading(root)).toBe("Blue bike"));
    expect(shareButton(root)).toBeDefined();
  });

  it("says it could not be found once every peer was asked, and looks again when a peer connects", async () => {
    const hub = new HubDouble(alice);
    hub.peersConnected = 1;
    const listing = await bobs();
    const root = await mountAt(hub, `#/listing/${listing.id}`);
    await vi.waitFor(() => expect(heading(root)).toBe("Looking for this listing…"));
    hub.emit({ type: "lookup", id: listing.id, lookup: { state: "not-found", asked: 1 } });
    await vi.waitFor(() => expect(heading(root)).toBe("Listing not found"));
    expect(lookupLine(root)).toMatch(/^None of the 1 connected peer has it\./);
    hub.emit({ type: "lookup", id: listing.id, lookup: { state: "looking", asked: 2 } });
    await vi.waitFor(() => expect(heading(root)).toBe("Looking for this listing…"));
    // Another listing's lookup changes nothing here.
    hub.emit({ type: "lookup", id: "someother-0001", lookup: { state: "not-found", asked: 2 } });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(heading(root)).toBe("Looking for this listing…");
  });

  it("with nobody connected, says it asks as soon as someone connects", async () => {
    const hub = new HubDouble(alice);
    const root = await mountAt(hub, "#/listing/notheld-00001");
    await vi.waitFor(() =>
      expect(lookupLine(root)).toBe("Nobody is connected yet. Peerboard asks for it as soon as someone connects."),
    );
    expect(heading(root)).toBe("Looking for this listing…");
  });
});
