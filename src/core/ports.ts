// What a host hands the core: core logic stays free of I/O, behind small adapter interfaces
// (docs/architecture.md, "The ports").
// The browser hub, the no-SharedWorker fallback, the Node peer and every test provide these and
// build a peer with createPeer (peer.ts); nothing in src/core reaches for a host global.

import type { PeerId } from "./crypto.ts";
import type { ImageRef } from "./listings/records.ts";
import type { MailStore } from "./mail/mail-store.ts";
import type { RelayStore } from "./mail/relay-store.ts";
import type { Store } from "./store.ts";

export type { ChatRecord, DealRecord, MailStore, OutboxEntry } from "./mail/mail-store.ts";
export type { HeldMail, RelayStore } from "./mail/relay-store.ts";
export type { PeerRecord, Store, StoredImage } from "./store.ts";

/** Where a link stands with its transport (for a browser: the radio tab and the signaling server). */
export type LinkState =
  /** Nobody carries the link yet (no tab has taken the radio). */
  | "none"
  /** Registering with the signaling server. */
  | "connecting"
  | "online"
  /** Signaling server unreachable; retrying. */
  | "offline"
  /** Another browser or device is using this identity right now. */
  | "identity-in-use";

/**
 * Why a dial got no channel: the peer is not registered at the signaling server, or it is but no
 * network path was found between the two (different NATs and no TURN server, or a firewall).
 */
export type DialFailure = "not-registered" | "no-route";

/** The only thing the protocol knows about the network. */
export interface Link {
  /** Sends one frame to a connected peer; frames to a peer that is not connected are dropped. */
  send(peer: PeerId, frame: unknown): void;
  /**
   * Every frame as received, unvalidated: the core validates it. `bytes`, when the transport
   * knows it, is what the frame took on the wire; byte limits count the larger of it and the JSON.
   */
  onFrame(fn: (peer: PeerId, frame: unknown, bytes?: number) => void): void;
  /** A data channel to `peer` opened (`up`) or closed. */
  onPeer(fn: (peer: PeerId, up: boolean) => void): void;
  /** Asks the transport to open a channel to `peer`; success arrives as onPeer(peer, true). */
  dial(peer: PeerId): void;
  /** Closes the channel to `peer` (a failed handshake, a misbehaving or unwanted peer). */
  hangUp(peer: PeerId): void;
  readonly state: LinkState;
  onState(fn: (state: LinkState) => void): void;
  /** A dial that got no channel, and why. */
  onDialFailed(fn: (peer: PeerId, reason: DialFailure) => void): void;
}

export type TimerId = { readonly timer: unknown };

/** Time and timers: the core never reads the wall clock or schedules work by itself. */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerId;
  clearTimeout(id: TimerId | undefined): void;
}

export interface Logger {
  warn(message: string, ...details: unknown[]): void;
  error(message: string, ...details: unknown[]): void;
}

/** A stored-size photo thumbnail and the reference a signed record carries for it. */
export interface Thumbnail {
  ref: ImageRef;
  blob: Blob;
}

/** Re-encodes photos the user picked (OffscreenCanvas in the browser). Throws ValidationError. */
export interface Thumbnailer {
  listingPhotos(photos: Blob[]): Promise<Thumbnail[]>;
  avatar(photo: Blob): Promise<Thumbnail>;
}

/** Peer ids the signaling server knows right now; may reject when it is unreachable. */
export type Discovery = () => Promise<PeerId[]>;

/** Storage used and available, where the host can tell (the browser's storage estimate). */
export type StorageEstimator = () => Promise<{ usage: number; quota: number } | undefined>;

export interface Ports {
  store: Store & MailStore;
  link: Link;
  clock: Clock;
  logger: Logger;
  /** Without one, posting a listing with photos is refused with a message. */
  thumbnailer?: Thumbnailer;
  /** Without one, the dialer only knows peers met before and PEER_LIST hints. */
  discovery?: Discovery;
  /** Without one, pruning runs only when a write fails for lack of room. */
  storage?: StorageEstimator;
  /**
   * Keeps the mail this peer holds for others across restarts, and makes it confirm to authors
   * that it holds theirs (the always-on peer). Without one, relayed mail is held in memory.
   */
  relayStore?: RelayStore;
}
