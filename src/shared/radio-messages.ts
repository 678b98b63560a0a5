// Messages between the hub and the radio tab over their MessagePort. The radio moves bytes; the
// hub decides. These never cross the network, so they are typed, not validated.

import type { PeerId } from "../core/crypto.ts";
import type { DialFailure } from "../core/ports.ts";

export interface SignalingConfig {
  host: string;
  port: number;
  /** Where PeerServer is mounted, e.g. "/peerjs". */
  path: string;
  secure: boolean;
  iceServers: RTCIceServer[];
  /** "relay": only TURN candidates, so peers never learn each other's addresses. */
  iceTransportPolicy: RTCIceTransportPolicy;
}

export type HubToRadio =
  /** (Re)register `peerId` at the signaling server with the browser profile's token. */
  | { t: "start"; peerId: PeerId; token: string; signaling: SignalingConfig }
  /** New STUN/TURN settings (renewed credentials): for connections made from now on. */
  | { t: "ice"; iceServers: RTCIceServer[]; iceTransportPolicy: RTCIceTransportPolicy }
  | { t: "dial"; peer: PeerId }
  | { t: "hangup"; peer: PeerId }
  | { t: "send"; peer: PeerId; frame: unknown };

export type RadioToHub =
  /** The signaling server accepted our id: we can dial and be dialled. */
  | { t: "registered" }
  /** Lost the signaling server (network, server restart); the hub decides when to retry. */
  | { t: "offline"; reason: string }
  /** The signaling server gave our id to someone else's token: another device uses this identity. */
  | { t: "id-taken" }
  | { t: "up"; peer: PeerId }
  | { t: "down"; peer: PeerId }
  /** A dial found nobody: the peer is not registered at the signaling server or did not answer. */
  | { t: "dial-failed"; peer: PeerId; reason: DialFailure }
  /** `bytes`: what the frame took on the data channel, for the hub's byte limits. */
  | { t: "frame"; peer: PeerId; data: unknown; bytes: number }
  /** The radio tab is going away (pagehide): every channel is about to close. */
  | { t: "closing" };
