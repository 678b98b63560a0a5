// HubApi: the one typed surface views use, exposed by the hub with Comlink (DESIGN.md §1).

import type { PeerId } from "../core/crypto.ts";
import type { Listing, ListingDraft, ListingStatus } from "../core/listings/records.ts";
import type { ChatRecord, DealRecord } from "../core/mail/mail-store.ts";
import type { Profile, ProfileDraft } from "../core/profiles/profile.ts";
import type { SearchQuery } from "../core/search/search-query.ts";

/** Held by the hub for its whole life: a tab granted it knows the hub has died. */
export const HUB_LOCK = "hub";
/** Held by the one tab that hosts the PeerJS peer for every tab of this browser profile. */
export const RADIO_LOCK = "radio";

export type RadioState =
  /** No tab has taken the radio yet. */
  | "none"
  /** Registering with the signaling server. */
  | "connecting"
  | "online"
  /** Signaling server unreachable; retrying. */
  | "offline"
  /** Another browser or device is using this identity right now. */
  | "identity-in-use";

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

/** Per-peer rate limits and misbehaviour thresholds (src/core/session/policy.ts applies them). */
export interface PolicySettings {
  framesPerSecond: number;
  burstFrames: number;
  bytesPerSecond: number;
  burstBytes: number;
  disconnectScore: number;
  banScore: number;
  banMs: number;
}

/** What a hub carries for others as a relay (src/core/mail/relay.ts). */
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
  /** Sealed mail this hub carries for others (issue 5); absent from hubs that do not relay. */
  relay?: RelayStats;
}

export type HubEvent =
  | { type: "listing"; listing: Listing }
  | { type: "status"; status: HubStatus }
  /** Something the user should know that is no answer to what they did (e.g. storage pruned). */
  | { type: "notice"; message: string }
  /**
   * The hub is about to stop and start again (an identity was imported). A SharedWorker hub's
   * tabs notice through HUB_LOCK; tabs of the no-SharedWorker fallback reload.
   */
  | { type: "restarting" }
  // Issue 5: a deal or a chat message was created or changed (see mail-api.ts).
  | { type: "deal"; deal: DealRecord }
  | { type: "message"; message: ChatRecord }
  /** Listings requested from peers by sync, and how many have arrived; 0 / 0 when done. */
  | { type: "sync"; received: number; total: number }
  | { type: "profile"; profile: Profile }
  /** The bytes of a listing photo arrived (see HubApi.image). */
  | { type: "image"; hash: string };

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

export interface HubApi {
  status(): Promise<HubStatus>;
  /** All listings that show now (not deleted, not expired), newest first. */
  listings(): Promise<Listing[]>;
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
   * with it (tabs reconnect on their own, see HUB_LOCK) and peers sync the user's records back.
   */
  importIdentity(fileText: string, passphrase: string): Promise<ImportResult>;
  /** One listing as stored (deleted and expired ones too), or undefined when unknown. */
  listing(id: string): Promise<Listing | undefined>;
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
  /** Live changes; the callback is a Comlink.proxy. Returns a key for `unsubscribe`. */
  subscribe(listener: (event: HubEvent) => void): Promise<number>;
  unsubscribe(key: number): Promise<void>;
  /** The tab that holds the Web Lock "radio" hands the hub its end of a MessageChannel. */
  attachRadio(port: MessagePort): Promise<void>;
}
