// HubApi: the one typed surface views use, exposed by the hub with Comlink (DESIGN.md §1).

import type { PeerId } from "./crypto.ts";
import type { Listing, ListingDraft } from "./records.ts";

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

export type HubEvent =
  | { type: "listing"; listing: Listing }
  | { type: "status"; status: HubStatus }
  /** Listings requested from peers by sync, and how many have arrived; 0 / 0 when done. */
  | { type: "sync"; received: number; total: number };

export type PostResult = { ok: true; listing: Listing } | { ok: false; field: string; message: string };
export type ConnectResult = { ok: true; peer: PeerId } | { ok: false; message: string };

export interface HubApi {
  status(): Promise<HubStatus>;
  /** All listings, newest first. */
  listings(): Promise<Listing[]>;
  post(draft: ListingDraft): Promise<PostResult>;
  /** Dials a peer id the user pasted. */
  connect(peerIdText: string): Promise<ConnectResult>;
  /** Live changes; the callback is a Comlink.proxy. Returns a key for `unsubscribe`. */
  subscribe(listener: (event: HubEvent) => void): Promise<number>;
  unsubscribe(key: number): Promise<void>;
  /** The tab that holds the Web Lock "radio" hands the hub its end of a MessageChannel. */
  attachRadio(port: MessagePort): Promise<void>;
}
