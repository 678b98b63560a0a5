// Gives PeerJS, in Node, what a browser page has: @roamhq/wrtc's WebRTC classes and ws's WebSocket
// on the global scope. RTCPeerConnection is wrapped so every new connection uses the community's
// current ICE settings (GET /ice.json, ice.ts): PeerJS reads its `config` once, when the Peer is
// made, and TURN credentials minted per session expire while the peer runs for months.
//
// node-datachannel was measured against @roamhq/wrtc in the branch `node-rtc`; that work was not
// finished (no results), so this uses @roamhq/wrtc, which the e2e Node hub has used all along.

import wrtc from "@roamhq/wrtc";
import { WebSocket } from "ws";

/** What a new RTCPeerConnection gets, whatever PeerJS passes. */
export interface IceConfig {
  iceServers: RTCIceServer[];
  iceTransportPolicy: RTCIceTransportPolicy;
}

let installed = false;

/**
 * Puts the WebRTC classes and WebSocket on globalThis. Call it before PeerJS is first imported:
 * PeerJS names them as free identifiers and probes `new RTCPeerConnection()` while its module is
 * evaluated (`util.supports`), so an earlier import fails with "browser-incompatible".
 */
export function installWebRtc(current: () => IceConfig): void {
  if (installed) return;
  installed = true;
  class ConfiguredPeerConnection extends wrtc.RTCPeerConnection {
    constructor(config?: RTCConfiguration) {
      super({ ...config, ...current() });
    }
  }
  Object.assign(globalThis, {
    RTCPeerConnection: ConfiguredPeerConnection,
    RTCSessionDescription: wrtc.RTCSessionDescription,
    RTCIceCandidate: wrtc.RTCIceCandidate,
    WebSocket,
  });
}
