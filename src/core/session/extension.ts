// The seam between the session layer (session.ts) and the features that speak more of the
// protocol (listings, sync, images, profiles, mail). A feature claims frame types and hears when a
// peer has proved its identity or gone; it talks back through the narrow SessionHost, never the
// whole session, so each feature can be read (and tested through createPeer) on its own.

import type { PeerId } from "../crypto.ts";
import type { Logger } from "../ports.ts";
import type { PeerRecord } from "../store.ts";
import type { Frame, FrameType } from "../wire.ts";
import type { Offence } from "./policy.ts";

/**
 * Frames reach a feature only from verified peers, already validated, in order per peer.
 */
export interface ProtocolExtension {
  readonly types: readonly FrameType[];
  onReady?(peer: PeerId): Promise<void> | void;
  onFrame?(peer: PeerId, frame: Frame): Promise<void> | void;
  onClose?(peer: PeerId): void;
  /**
   * Resolves when the work a feature let run on past its onFrame is done (listings still being
   * stored): frames for the other features wait for it, so each sees what came before it.
   */
  idle?(): Promise<void>;
}

/** What a feature may ask of the session layer. */
export interface SessionHost {
  readonly peerId: PeerId;
  readonly log: Logger;
  /** Sends to a peer that has completed HELLO; frames to anyone else are dropped. */
  send(peer: PeerId, frame: Frame): void;
  /**
   * Sends what `peer` asked for (records, images, SYNC replies), all these frames or none: they
   * come out of the peer's answer budget (answer-budget.ts). False when the budget is spent.
   */
  answer(peer: PeerId, ...frames: Frame[]): boolean;
  /** Peers that have completed HELLO. */
  readyPeers(): PeerId[];
  /** Resolves when every frame received from `peer` so far has been handled, its records stored. */
  whenIdle(peer: PeerId): Promise<void>;
  /** Counts an offence by a peer (see policy.ts); true when it was disconnected for it. */
  strike(peer: PeerId, offence: Offence): boolean;
  /** Whether the user blocked this peer: we neither talk to it nor pass on what it wrote. */
  isBlocked(peer: PeerId): boolean;
  /** What a peer proved in HELLO: its identity key and, when it sent one, its ECDH key. */
  verifiedPeer(peer: PeerId): Pick<PeerRecord, "publicKey" | "agreementKey" | "agreementSignature"> | undefined;
  /** Whether a connected peer said in its HELLO that it reads receipts with a sealed status. */
  readsSealedReceipts(peer: PeerId): boolean;
  /** Whether a connected peer said in its HELLO that it reconciles with coded symbols (SYNC_CODED). */
  readsCodedSync(peer: PeerId): boolean;
}
