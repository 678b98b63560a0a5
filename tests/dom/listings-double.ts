// The listing and profile half of a HubApi double for DOM tests, with the event subscription and
// stubs of what the views under test do not use: an in-memory store that applies
// the real record rules (checkDraft, edits, tombstones, supersedes, the search index, signed
// profiles) so views see what the hub would say.

import type { Identity } from "../../src/core/crypto.ts";
import { DEFAULT_DEAL_SETTINGS } from "../../src/core/deals/deal-settings.ts";
import { ValidationError } from "../../src/core/errors.ts";
import type { ListingDraft } from "../../src/core/listings/draft.ts";
import { createListing } from "../../src/core/listings/draft.ts";
import {
  deleteListing,
  editListing,
  ListingEditError,
  renewListing,
  setListingStatus,
} from "../../src/core/listings/listing-edits.ts";
import { isVisible, type Listing, type ListingStatus, supersedes } from "../../src/core/listings/records.ts";
import type { ChatRecord, DealRecord } from "../../src/core/ports.ts";
import { createProfile, type Profile, type ProfileDraft } from "../../src/core/profiles/profile.ts";
import { SearchIndex } from "../../src/core/search/search-index.ts";
import type { SearchQuery } from "../../src/core/search/search-query.ts";
import type {
  HubApi,
  HubEvent,
  HubStatus,
  ListingLookup,
  NetworkReport,
  PostResult,
  ProfileResult,
  SearchResult,
} from "../../src/shared/api.ts";
import { savedSearchDouble } from "./saved-searches-double.ts";

export class ListingsDouble {
  readonly stored: Listing[] = [];
  readonly listeners = new Map<number, (events: HubEvent[]) => void>();
  private nextKey = 1;
  readonly profiles = new Map<string, Profile>();
  private readonly saved: ReturnType<typeof savedSearchDouble>;
  readonly savedSearches: HubApi["savedSearches"];
  readonly saveSearch: HubApi["saveSearch"];
  readonly deleteSavedSearch: HubApi["deleteSavedSearch"];
  readonly setSavedSearchNotify: HubApi["setSavedSearchNotify"];
  readonly openSavedSearch: HubApi["openSavedSearch"];
  constructor(readonly identity: Identity) {
    this.saved = savedSearchDouble(identity, this.stored, (event) => this.emit(event));
    ({
      savedSearches: this.savedSearches,
      saveSearch: this.saveSearch,
      deleteSavedSearch: this.deleteSavedSearch,
      setSavedSearchNotify: this.setSavedSearchNotify,
      openSavedSearch: this.openSavedSearch,
    } = this.saved);
  }
  /** A listing from another peer reaches the hub: stored, told to the views, matched. */
  async arrive(listing: Listing): Promise<void> {
    const known = this.stored.some((l) => l.id === listing.id);
    this.put(listing);
    this.emit({ type: "listing", listing });
    await this.saved.arrived(listing, known);
  }

  readonly images = new Map<string, Blob>();
  async image(hash: string): Promise<Blob | undefined> {
    return this.images.get(hash);
  }
  async myProfile(): Promise<Profile | undefined> {
    return this.profiles.get(this.identity.peerId);
  }
  async saveProfile(draft: ProfileDraft): Promise<ProfileResult> {
    try {
      const profile = await createProfile(this.identity, draft, Date.now(), await this.myProfile());
      this.profiles.set(profile.peerId, profile);
      return { ok: true, profile };
    } catch (error) {
      if (error instanceof ValidationError) return { ok: false, field: error.field, message: error.message };
      throw error;
    }
  }
  async profile(peerId: string): Promise<Profile | undefined> {
    return this.profiles.get(peerId);
  }
  async profileNames(): Promise<Record<string, { name: string }>> {
    return Object.fromEntries([...this.profiles.values()].map((p) => [p.peerId, { name: p.name }]));
  }

  async status(): Promise<HubStatus> {
    return { peerId: this.identity.peerId, radio: "online", peers: [] };
  }
  /** What the board shows: visible listings, newest first, as the hub answers. */
  async listings(): Promise<Listing[]> {
    return (await this.visibleListings()).sort((a, b) => b.updatedAt - a.updatedAt);
  }
  /** How many listings show, as the hub's search index counts them. */
  async listingCount(): Promise<number> {
    return (await this.visibleListings()).length;
  }
  /** Signs and stores a draft with the real rules, and tells the views, as the hub does. */
  async post(draft: ListingDraft): Promise<PostResult> {
    try {
      const listing = await createListing(this.identity, draft, Date.now());
      this.put(listing);
      this.emit({ type: "listing", listing });
      return { ok: true, listing };
    } catch (error) {
      if (error instanceof ValidationError) return { ok: false, field: error.field, message: error.message };
      throw error;
    }
  }
  async listing(id: string): Promise<Listing | undefined> {
    return this.stored.find((l) => l.id === id);
  }
  async listingsById(ids: string[]): Promise<Listing[]> {
    return ids.flatMap((id) => this.stored.filter((l) => l.id === id));
  }
  /** Connected peers a lookup would ask: none, as a hub alone on the network. */
  peersConnected = 0;
  async lookForListing(id: string): Promise<ListingLookup> {
    if (!/^[A-Za-z0-9_-]{8,64}$/.test(id))
      return { state: "invalid", message: "This is not a link to a Peerboard listing." };
    const stored = await this.listing(id);
    if (stored) return { state: "found", listing: stored };
    return { state: "looking", asked: this.peersConnected };
  }
  async myListings(): Promise<Listing[]> {
    return this.stored.filter((l) => l.author === this.identity.peerId && !l.deleted);
  }
  async visibleListings(): Promise<Listing[]> {
    return this.stored.filter((l) => isVisible(l, Date.now()));
  }
  edit(id: string, draft: ListingDraft): Promise<PostResult> {
    return this.change(id, (l) => editListing(this.identity, l, draft, Date.now()));
  }
  setStatus(id: string, status: ListingStatus): Promise<PostResult> {
    return this.change(id, (l) => setListingStatus(this.identity, l, status, Date.now()));
  }
  renew(id: string, days?: number): Promise<PostResult> {
    return this.change(id, (l) => renewListing(this.identity, l, Date.now(), days));
  }
  remove(id: string): Promise<PostResult> {
    return this.change(id, (l) => deleteListing(this.identity, l, Date.now()));
  }
  /** The hub's real index over what is stored here. */
  async search(query: SearchQuery): Promise<SearchResult> {
    const index = new SearchIndex();
    for (const listing of this.stored) index.add(listing);
    const { ids, total } = index.query(query, Date.now());
    return { listings: ids.map((id) => this.stored.find((l) => l.id === id) as Listing), total };
  }
  /** Stores a listing as the hub's merge would. */
  put(listing: Listing): void {
    const at = this.stored.findIndex((l) => l.id === listing.id);
    if (at < 0) this.stored.push(listing);
    else if (supersedes(listing, this.stored[at])) this.stored[at] = listing;
  }

  private async change(id: string, make: (l: Listing) => Promise<Listing>): Promise<PostResult> {
    const current = await this.listing(id);
    if (!current) return { ok: false, field: "listing", message: "This listing is not on this device any more." };
    try {
      const next = await make(current);
      this.put(next);
      this.emit({ type: "listing", listing: next });
      return { ok: true, listing: next };
    } catch (error) {
      if (error instanceof ValidationError) return { ok: false, field: error.field, message: error.message };
      if (error instanceof ListingEditError) return { ok: false, field: "listing", message: error.message };
      throw error;
    }
  }

  /** Sends an event to the views, as the hub's subscription would. */
  emit(event: HubEvent): void {
    for (const listener of this.listeners.values()) listener([event]);
  }
  async subscribe(listener: (events: HubEvent[]) => void) {
    const key = this.nextKey++;
    this.listeners.set(key, listener);
    return key;
  }
  async unsubscribe(key: number) {
    this.listeners.delete(key);
    this.visibleTabs.delete(key);
  }
  /** Subscription keys whose tab said it is on screen. */
  readonly visibleTabs = new Set<number>();
  async tabVisible(key: number, visible: boolean) {
    if (visible && this.listeners.has(key)) this.visibleTabs.add(key);
    else this.visibleTabs.delete(key);
  }

  // The rest of HubApi, which the views under test do not use.
  async block() {
    return { ok: false as const, message: "not used in these tests" };
  }
  async unblock() {}
  async blockedPeers(): Promise<string[]> {
    return [];
  }
  async exportIdentity() {
    return { ok: false as const, message: "not used in these tests" };
  }
  async importIdentity() {
    return { ok: false as const, message: "not used in these tests" };
  }
  async attachRadio() {}
  async deals(): Promise<DealRecord[]> {
    return [];
  }
  // Typed as HubApi's own, so a test's double may override them with the real parameters.
  async makeOffer(..._args: Parameters<HubApi["makeOffer"]>): ReturnType<HubApi["makeOffer"]> {
    return { ok: false as const, field: "deal", message: "not used in these tests" };
  }
  async respondToDeal(..._args: Parameters<HubApi["respondToDeal"]>): ReturnType<HubApi["respondToDeal"]> {
    return { ok: false as const, field: "deal", message: "not used in these tests" };
  }
  async markDealRead(..._args: Parameters<HubApi["markDealRead"]>) {}
  async reputation() {
    return { asBuyer: 0, asSeller: 0, people: 0 };
  }
  async dealSettings() {
    return { ...DEFAULT_DEAL_SETTINGS };
  }
  async saveDealSettings(..._args: Parameters<HubApi["saveDealSettings"]>) {
    return { ...DEFAULT_DEAL_SETTINGS };
  }
  async messages(): Promise<ChatRecord[]> {
    return [];
  }
  async sendMessage(..._args: Parameters<HubApi["sendMessage"]>): ReturnType<HubApi["sendMessage"]> {
    return { ok: false as const, field: "message", message: "not used in these tests" };
  }
  async markConversationRead(..._args: Parameters<HubApi["markConversationRead"]>) {}
}

/** A Network report with the hub's default limits, nobody connected or banned. */
export function networkReport(unreachable: NetworkReport["unreachable"] = []): NetworkReport {
  return {
    peers: [],
    banned: [],
    limits: {
      maxFrameBytes: 65536,
      framesPerSecond: 100,
      burstFrames: 1000,
      bytesPerSecond: 1048576,
      burstBytes: 16777216,
      disconnectScore: 20,
      banScore: 200,
      banMs: 600000,
      maxPeers: 6,
    },
    unreachable,
  };
}
