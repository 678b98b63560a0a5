// The Node peer's Link: the browser's own radio (src/shared/radio.ts, PeerJS) and RadioLink
// (src/shared/radio-link.ts) joined by a MessageChannel in one process, so the always-on peer
// registers, dials, backs off and reconnects exactly like a browser hub. Only the WebRTC and
// WebSocket classes differ (webrtc.ts).

import { registrationToken, tokenBelongsTo } from "../core/session/registration.ts";
import type { Store } from "../core/store.ts";
import { RadioLink } from "../shared/radio-link.ts";
import type { SignalingConfig } from "../shared/radio-messages.ts";
import { type IceConfig, installWebRtc } from "./webrtc.ts";

/** Same meta key as the browser hub (src/worker/hub.ts): one token per store, never exported. */
const TOKEN_KEY = "radio-token";

export interface NodeLink {
  link: RadioLink;
  /** Registers at the signaling server: call it once the peer is built on the link. */
  start(): void;
  /** Frees our id at the signaling server and closes every channel. */
  close(): void;
}

/** PeerServer at /peerjs on the community server's origin (server/server.js). */
export function signalingFor(server: URL): Omit<SignalingConfig, "iceServers" | "iceTransportPolicy"> {
  const secure = server.protocol === "https:";
  return { host: server.hostname, port: Number(server.port) || (secure ? 443 : 80), path: "/peerjs", secure };
}

export async function openNodeLink(options: {
  server: URL;
  store: Store;
  peerId: string;
  ice: () => IceConfig;
}): Promise<NodeLink> {
  // node-datachannel, chosen by measurement (bench/RESULTS.md, "Node WebRTC for the always-on peer").
  await installWebRtc("node-datachannel", options.ice);
  // After installWebRtc: PeerJS probes RTCPeerConnection when its module is evaluated.
  const { Radio } = await import("../shared/radio.ts");
  const identity = await options.store.loadIdentity();
  if (!identity || identity.peerId !== options.peerId) throw new Error("The store holds no identity for this peer");
  // The proof of key the signaling server checks (registration.ts), kept like the browser hub's.
  let token = await options.store.getMeta<string>(TOKEN_KEY);
  if (!token || !tokenBelongsTo(token, identity)) {
    token = await registrationToken(identity);
    await options.store.setMeta(TOKEN_KEY, token);
  }
  const radioToken = token;
  const signaling = signalingFor(options.server);
  const channel = new MessageChannel();
  const radio = new Radio(channel.port1);
  const link = new RadioLink(() => ({
    t: "start",
    peerId: options.peerId,
    token: radioToken,
    // Every new RTCPeerConnection takes the current ICE settings anyway (webrtc.ts).
    signaling: { ...signaling, ...options.ice() },
  }));
  return {
    link,
    start: () => link.attach(channel.port2),
    close() {
      radio.shutdown();
      channel.port1.close();
      channel.port2.close();
    },
  };
}
