// The only thing the protocol core knows about the network (STYLE.md). Implementations: the
// in-memory link (tests, simulation) and the hub↔radio MessagePort link (browser).

import type { PeerId } from "./crypto.ts";

export interface Link {
  /** Sends one frame to a connected peer; frames to a peer that is not connected are dropped. */
  send(peer: PeerId, frame: unknown): void;
  /** Every frame as received, unvalidated: the core validates it. */
  onFrame(fn: (peer: PeerId, frame: unknown) => void): void;
  /** A data channel to `peer` opened (`up`) or closed. */
  onPeer(fn: (peer: PeerId, up: boolean) => void): void;
  /** Asks the transport to open a channel to `peer`; success arrives as onPeer(peer, true). */
  dial(peer: PeerId): void;
  /** Closes the channel to `peer` (a failed handshake, a misbehaving or unwanted peer). */
  hangUp(peer: PeerId): void;
}
