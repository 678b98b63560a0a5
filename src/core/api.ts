// PeerApi: everything a peer offers the person using it, whatever the host. createPeer (peer.ts)
// builds it; the browser hub exposes it to tabs as HubApi (src/shared/api.ts), the Node peer
// uses it directly.

import type { PeerId } from "./crypto.ts";
import type { DealAction } from "./deals/deal.ts";
import type { ListingDraft } from "./listings/draft.ts";
import type { ListingLookup } from "./listings/lookups.ts";
import type { Listing, ListingStatus } from "./listings/records.ts";
import type { ChatRecord, DealRecord } from "./mail/mail-store.ts";
import type { DialFailure, LinkState } from "./ports.ts";
import type { Profile, ProfileDraft } from "./profiles/profile.ts";
import type { SavedQuery } from "./search/saved-search.ts";
import type { SavedSearchResult, SavedSearchSummary } from "./search/saved-searches.ts";
import type { SearchQuery } from "./search/search-query.ts";

export type { ListingLookup } from "./listings/lookups.ts";
export type { SavedQuery } from "./search/saved-search.ts";
export type { SavedSearchResult, SavedSearchSummary } from "./search/saved-searches.ts";

/** Where this peer stands with the signaling server (the Link's state). */
export type RadioState = LinkState;

export interface PeerSummary {
  id: PeerId;
  name?: string;
  stage: "handshake" | "ready";
}

export interface HubStatus {
  peerId: PeerId;
  radio: RadioState;
  peers: PeerSummary[];
}

/** Per-peer rate limits and misbehaviour thresholds (session/policy.ts applies them). */
export interface PolicySettings {
  framesPerSecond: number;
  burstFrames: number;
  bytesPerSecond: number;
  burstBytes: number;
  disconnectScore: number;
  banScore: number;
  banMs: number;
}

/** What a hub carries for others as a relay (mail/relay.ts). */
export interface RelayStats {
  /** Frames held now for peers that are away, not passed on yet. */
  held: number;
  /** Frames passed on to their recipient since the hub started (each counted once). */
  forwarded: number;
  /** Frames refused: forged, relayed twice, or no room to hold them. */
  refused: number;
}

/** What the "Network" view shows: live connections, bans and the limits in force. */
export interface NetworkReport {
  peers: (PeerSummary & { since: number; score: number; framesIn: number; bytesIn: number; bytesOut: number })[];
  banned: { peer: PeerId; until: number }[];
  limits: PolicySettings & { maxFrameBytes: number; maxPeers: number };
  /** Peers dialled recently without success, and why, newest first. */
  unreachable: { peer: PeerId; reason: DialFailure; at: number }[];
  /** Sealed mail this hub carries for others; absent from hubs that do not relay. */
  relay?: RelayStats;
}

export type PeerEvent =
  | { type: "listing"; listing: Listing }
  | { type: "status"; status: HubStatus }
  /** Something the user should know that is no answer to what they did (e.g. storage pruned). */
  | { type: "notice"; message: string }
  /**
   * The peer is about to stop and start again as another identity (one was imported). A
   * SharedWorker hub's tabs notice through HUB_LOCK; tabs of the no-SharedWorker fallback reload.
   */
  | { type: "restarting" }
  /** A deal or a chat message was created or changed. */
  | { type: "deal"; deal: DealRecord }
  | { type: "message"; message: ChatRecord }
  /** Listings requested from peers by sync, and how many have arrived; 0 / 0 when done. */
  | { type: "sync"; received: number; total: number }
  | { type: "profile"; profile: Profile }
  /** The bytes of a listing photo arrived (see HubApi.image). */
  | { type: "image"; hash: string }
  /** The saved searches changed (saved, deleted, matched, seen, notify turned on or off). */
  | { type: "saved-searches"; searches: SavedSearchSummary[] }
  /** A listing looked for by id (lookForListing) was found, is looked for again, or was not found. */
  | { type: "lookup"; id: string; lookup: ListingLookup }
  /** A new listing from another peer matched a saved search (once per listing and search). */
  | { type: "match"; search: SavedSearchSummary; listing: Listing };

export type ExportResult = { ok: true; fileName: string; text: string } | { ok: false; message: string };
export type ImportResult = { ok: true; peerId: PeerId } | { ok: false; message: string };

/** One page of search results and how many listings match in all. */
export interface SearchResult {
  listings: Listing[];
  total: number;
}

/** What views show of an author: display name and the hash of their avatar thumbnail. */
export interface AuthorSummary {
  name: string;
  avatar?: string;
}

export type ProfileResult = { ok: true; profile: Profile } | { ok: false; field: string; message: string };

export type PostResult = { ok: true; listing: Listing } | { ok: false; field: string; message: string };
export type ConnectResult = { ok: true; peer: PeerId } | { ok: false; message: string };

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

export type MailResult<T> = { ok: true; value: T } | { ok: false; field: string; message: string };

export interface PeerApi {
  status(): Promise<HubStatus>;
  /**
   * All listings that show now (not deleted, not expired), newest first. Every one, read whole:
   * views ask the search (a page) or `listingsById` (the ones they name) instead.
   */
  listings(): Promise<Listing[]>;
  /** How many listings show now (what `listings()` would return), from the search index: cheap. */
  listingCount(): Promise<number>;
  post(draft: ListingDraft): Promise<PostResult>;
  network(): Promise<NetworkReport>;
  /** Blocks a peer: its records are hidden and no longer relayed, and it is not dialled. */
  block(peerIdText: string): Promise<ConnectResult>;
  /** Lifts a block; its stored records show again. */
  unblock(peer: PeerId): Promise<void>;
  blockedPeers(): Promise<PeerId[]>;
  /** The identity sealed with `passphrase`, as the text of a file to save. */
  exportIdentity(passphrase: string): Promise<ExportResult>;
  /**
   * Replaces this browser's identity with the one in a backup file. On success the hub restarts
   * with it (a browser's tabs reconnect on their own) and peers sync the user's records back.
   */
  importIdentity(fileText: string, passphrase: string): Promise<ImportResult>;
  /** One listing as stored (deleted and expired ones too), or undefined when unknown. */
  listing(id: string): Promise<Listing | undefined>;
  /** The stored listings with these ids (deleted and expired ones too), in that order; unknown ids left out. */
  listingsById(ids: string[]): Promise<Listing[]>;
  /**
   * A listing this device may not hold yet (a shared link): found here, or asked of every
   * connected peer and of each that connects for a while; "lookup" events tell how it goes.
   */
  lookForListing(id: string): Promise<ListingLookup>;
  /** Our own listings that are not deleted, expired ones included, newest first. */
  myListings(): Promise<Listing[]>;
  /** Author only: a new signed version with the draft's fields (lifetimeDays, if set, renews). */
  edit(id: string, draft: ListingDraft): Promise<PostResult>;
  /** Author only: mark active / reserved / sold. */
  setStatus(id: string, status: ListingStatus): Promise<PostResult>;
  /** Author only: a new run of `days` (default 30) from now. */
  renew(id: string, days?: number): Promise<PostResult>;
  /** Author only: replaces the listing everywhere with a signed tombstone. */
  remove(id: string): Promise<PostResult>;
  /** Full-text search and filters over visible listings, answered by the hub one page at a time. */
  search(query: SearchQuery): Promise<SearchResult>;
  /** A listing photo's thumbnail by the hash the listing carries, once this device has it. */
  image(hash: string): Promise<Blob | undefined>;
  /** Our signed profile, once the user has saved one. */
  myProfile(): Promise<Profile | undefined>;
  /** Signs, stores and sends our profile to every connected peer. */
  saveProfile(draft: ProfileDraft): Promise<ProfileResult>;
  /** Display names of the authors we know, by peer id. */
  profileNames(): Promise<Record<PeerId, AuthorSummary>>;
  /** The newest valid profile we know of a peer (ours included). */
  profile(peerId: PeerId): Promise<Profile | undefined>;
  /** Dials a peer id the user pasted. */
  connect(peerIdText: string): Promise<ConnectResult>;

  // Saved searches.
  /** The user's saved searches, oldest first, with counts of matches and of new ones. */
  savedSearches(): Promise<SavedSearchSummary[]>;
  /** Keeps the words and filters of a search; new listings that match are remembered. */
  saveSearch(query: SavedQuery): Promise<SavedSearchResult>;
  /** Forgets a saved search and its matches; false when there was none with this id. */
  deleteSavedSearch(id: string): Promise<boolean>;
  /** Whether matches of this saved search raise system notifications. */
  setSavedSearchNotify(id: string, notify: boolean): Promise<SavedSearchSummary | undefined>;
  /**
   * The listings that matched a saved search and still show, newest match first; the user has
   * now seen them (the new-match count goes to 0). Undefined for an unknown id.
   */
  openSavedSearch(id: string): Promise<{ search: SavedSearchSummary; listings: Listing[] } | undefined>;

  // Deals and chat.
  /** Every deal this user is part of, newest activity first. */
  deals(): Promise<DealRecord[]>;
  makeOffer(listingId: string, input: OfferInput): Promise<MailResult<DealRecord>>;
  /** counter (with an offer), accept, reject, withdraw or complete. */
  respondToDeal(dealId: string, action: DealAction, input?: OfferInput): Promise<MailResult<DealRecord>>;
  markDealRead(dealId: string): Promise<void>;
  /**
   * What the completed deals in this user's signed profile show others, each countersigned:
   * whom our receipts say we dealt with (receipt.ts: people, not deals).
   */
  reputation(): Promise<{ asBuyer: number; asSeller: number; people: number }>;
  dealSettings(): Promise<DealSettings>;
  saveDealSettings(settings: DealSettings): Promise<DealSettings>;
  /** Every chat message, oldest first. */
  messages(): Promise<ChatRecord[]>;
  sendMessage(peer: PeerId, topic: string, text: string): Promise<MailResult<ChatRecord>>;
  /** Marks the other side's messages in a conversation read and tells them. */
  markConversationRead(peer: PeerId, topic: string): Promise<void>;
}
