// Looking for a listing by id (a shared link) in peers built by createPeer over the in-memory
// network: connected peers are asked with LISTING_REQUEST, a holder's answer ends the lookup,
// silence ends it as not found, and a peer that connects later is asked too.

import { describe, expect, it, vi } from "vitest";
import type { PeerEvent } from "../../src/core/api.ts";
import { createListing } from "../../src/core/listings/draft.ts";
import type { ListingLookup } from "../../src/core/listings/lookups.ts";
import type { TestPeer } from "../support/peers.ts";
import { usePeers } from "../support/use-peers.ts";

const WAIT = { timeout: 5_000, interval: 5 };
const { node: peer, connect, network } = usePeers({ defaults: { lookupTimeoutMs: 150 } });
const node = () => peer();

/** LISTING_REQUEST frames `from` sent `to` that ask for exactly `id`. */
const requestsFor = (from: TestPeer, to: TestPeer, id: string) =>
  network().sent.filter((s) => {
    const f = s.frame as { type?: string; ids?: string[] };
    return (
      s.from === from.id && s.to === to.id && f.type === "LISTING_REQUEST" && f.ids?.length === 1 && f.ids[0] === id
    );
  });

const lookupsOf = (peer: TestPeer) => {
  const seen: ListingLookup[] = [];
  peer.subscribe((event: PeerEvent) => {
    if (event.type === "lookup") seen.push(event.lookup);
  });
  return seen;
};

async function storedOnlyAt(holder: TestPeer) {
  // Written straight into the holder's store: not gossiped, so only a request can bring it.
  const listing = await createListing(
    holder.identity,
    { title: "Shared bike", description: "", price: "40", currency: "EUR" },
    Date.now(),
  );
  await holder.store.putListingIf(listing, () => true);
  return listing;
}

describe("looking for a listing by id", () => {
  it("asks each connected peer once, and a holder's answer brings the listing", async () => {
    const [holder, newcomer] = [await node(), await node()];
    await connect(holder, newcomer);
    const listing = await storedOnlyAt(holder);
    const heard = lookupsOf(newcomer);
    const before = requestsFor(newcomer, holder, listing.id).length;
    expect(await newcomer.api.lookForListing(listing.id)).toEqual({ state: "looking", asked: 1 });
    expect(requestsFor(newcomer, holder, listing.id)).toHaveLength(before + 1);
    // Asking again while waiting does not ask the same peer again.
    expect(await newcomer.api.lookForListing(listing.id)).toEqual({ state: "looking", asked: 1 });
    expect(requestsFor(newcomer, holder, listing.id)).toHaveLength(before + 1);
    await vi.waitFor(async () => expect((await newcomer.api.listing(listing.id))?.title).toBe("Shared bike"), WAIT);
    await vi.waitFor(() => expect(heard).toEqual([{ state: "found", listing }]), WAIT);
  });

  it("is not found once every connected peer was asked and none answered, then asks a peer that connects", async () => {
    const [other, newcomer, holder] = [await node(), await node(), await node()];
    await connect(other, newcomer);
    const listing = await storedOnlyAt(holder);
    const heard = lookupsOf(newcomer);
    expect(await newcomer.api.lookForListing(listing.id)).toEqual({ state: "looking", asked: 1 });
    await vi.waitFor(() => expect(heard.at(-1)).toEqual({ state: "not-found", asked: 1 }), WAIT);
    expect(await newcomer.api.listing(listing.id)).toBeUndefined();

    await connect(holder, newcomer);
    await vi.waitFor(() => expect(heard).toContainEqual({ state: "looking", asked: 2 }), WAIT);
    await vi.waitFor(() => expect(heard.at(-1)).toEqual({ state: "found", listing }), WAIT);
    // Reconciliation on connect may ask for it as well; the lookup asked the newcomer at once.
    expect(requestsFor(newcomer, holder, listing.id).length).toBeGreaterThanOrEqual(1);
  });

  it("with nobody connected, keeps looking and asks the first peer that connects", async () => {
    const [newcomer, holder] = [await node(), await node()];
    const listing = await storedOnlyAt(holder);
    expect(await newcomer.api.lookForListing(listing.id)).toEqual({ state: "looking", asked: 0 });
    const heard = lookupsOf(newcomer);
    await connect(holder, newcomer);
    await vi.waitFor(async () => expect(await newcomer.api.listing(listing.id)).toEqual(listing), WAIT);
    expect(heard[0]).toEqual({ state: "looking", asked: 1 });
    expect(heard.at(-1)).toEqual({ state: "found", listing });
  });

  it("a listing held here is found at once, asking nobody; a malformed id is refused", async () => {
    const [me, other] = [await node(), await node()];
    await connect(me, other);
    const listing = await storedOnlyAt(me);
    expect(await me.api.lookForListing(listing.id)).toEqual({ state: "found", listing });
    expect(requestsFor(me, other, listing.id)).toEqual([]);
    expect(await me.api.lookForListing("bad id!")).toMatchObject({ state: "invalid" });
    expect(
      network().sent.filter((s) => (s.frame as { type?: string }).type === "LISTING_REQUEST" && s.from === me.id),
    ).toEqual([]);
  });
});
