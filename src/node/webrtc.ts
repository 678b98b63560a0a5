// Gives PeerJS, in Node, what a browser page has: the WebRTC classes and WebSocket on the global
// scope, from node-datachannel (libdatachannel; the always-on peer's choice, measured against
// @roamhq/wrtc in bench/node-webrtc.bench.ts, which can still install either).

import { WebSocket } from "ws";

export type WebRtcImplementation = "node-datachannel" | "wrtc";

/** The globals PeerJS 1.5 reads (peerjs/dist/bundler.mjs): it never takes them as options. */
interface WebRtcGlobals {
  RTCPeerConnection: unknown;
  RTCSessionDescription: unknown;
  RTCIceCandidate: unknown;
  RTCDataChannel: unknown;
  WebSocket: unknown;
}

/** The label of the data channel PeerJS opens in its import-time feature probe (`util.supports`). */
const PEERJS_PROBE_LABEL = "_PEERJSTEST";

type PolyfillPeerConnection = typeof import("node-datachannel/polyfill").RTCPeerConnection;
type PolyfillDataChannel = ReturnType<InstanceType<PolyfillPeerConnection>["createDataChannel"]>;

let installed: WebRtcImplementation | undefined;

/**
 * Puts `implementation`'s RTCPeerConnection, RTCSessionDescription, RTCIceCandidate and
 * RTCDataChannel, and `ws`'s WebSocket, on globalThis. Await it before PeerJS is first imported:
 * PeerJS names these as free identifiers, not through `window` or an option (its `polyfills`
 * option was never released), and probes `new RTCPeerConnection()` while its module is evaluated
 * (`util.supports`), so a Peer made after a too-early import fails with "browser-incompatible".
 * Only the chosen native library is loaded: each starts its own threads and has its own exit path.
 */
export async function installWebRtc(
  implementation: WebRtcImplementation = "node-datachannel",
  /**
   * The community's current ICE settings, for every new connection: PeerJS reads its `config`
   * once, when the Peer is made, and TURN credentials minted per session expire while the
   * always-on peer runs for months.
   */
  ice?: () => IceConfig,
): Promise<void> {
  if (installed === implementation) return;
  if (installed) throw new Error(`WebRTC is already installed from ${installed}; one implementation a process`);
  const { RTCPeerConnection, RTCSessionDescription, RTCIceCandidate, RTCDataChannel } = await load(implementation);
  const globals: WebRtcGlobals = {
    RTCPeerConnection: ice ? withIce(RTCPeerConnection as PeerConnectionClass, ice) : RTCPeerConnection,
    RTCSessionDescription,
    RTCIceCandidate,
    RTCDataChannel,
    WebSocket,
  };
  Object.assign(globalThis, globals);
  installed = implementation;
}

/** What a new RTCPeerConnection gets, whatever PeerJS passes. */
export interface IceConfig {
  iceServers: RTCIceServer[];
  iceTransportPolicy: RTCIceTransportPolicy;
}

type PeerConnectionClass = new (config?: RTCConfiguration) => object;

function withIce(Base: PeerConnectionClass, ice: () => IceConfig): PeerConnectionClass {
  return class extends Base {
    constructor(config?: RTCConfiguration) {
      super({ ...config, ...ice() });
    }
  };
}

/**
 * Call once every Peer is destroyed, before the process should end. node-datachannel keeps the
 * process alive after a connection failed during its handshake (its native callbacks are never
 * released), measured here: the process then never exits by itself; `cleanup()` releases them.
 */
export async function shutdownWebRtc(): Promise<void> {
  if (installed !== "node-datachannel") return;
  const { cleanup } = await import("node-datachannel");
  cleanup();
}

async function load(implementation: WebRtcImplementation): Promise<Omit<WebRtcGlobals, "WebSocket">> {
  switch (implementation) {
    case "node-datachannel": {
      const { default: polyfill } = await import("node-datachannel/polyfill");
      return { ...polyfill, RTCPeerConnection: forPeerJs(polyfill.RTCPeerConnection) };
    }
    case "wrtc": {
      const { default: wrtc } = await import("@roamhq/wrtc");
      return wrtc;
    }
  }
}

/**
 * node-datachannel's RTCPeerConnection with two fixes for how PeerJS drives it.
 *
 * Candidate order. libdatachannel answers ICE checks before its JS side has applied the remote
 * answer, and then fails the DTLS handshake ("certificate verify failed": no remote fingerprint
 * yet); PeerJS's ANSWER travels through PeerServer and the event loop, the answerer's checks go
 * straight over UDP. Measured here: between two node-datachannel peers, 1–3 of 30 simultaneous
 * connections failed that way in about 4 runs in 10, and about 1 single connection in 7 under
 * load. So our local candidates go out only once the remote description is in (the answerer
 * cannot reach us before we can verify it), and remote candidates that beat the description
 * (the answerer gathers as soon as it has the offer) wait for it instead of being refused.
 *
 * The import-time probe. PeerJS's `util.supports` builds a connection with PeerJS's default ICE
 * servers (Google STUN, PeerJS TURN) and opens a channel on it; libdatachannel negotiates as soon
 * as a channel exists, so it would gather: DNS lookups and STUN/TURN packets to those servers
 * from a peer configured to use none (its log: "Address resolution failed for
 * stun.l.google.com:19302"). The probe only reads `ordered` and sets `binaryType`.
 */
function forPeerJs(Base: PolyfillPeerConnection): PolyfillPeerConnection {
  return class extends Base {
    #remoteSet = false;
    #heldLocal: Event[] = [];
    #earlyRemote: RTCIceCandidateInit[] = [];

    override createDataChannel(label: string, init?: RTCDataChannelInit): PolyfillDataChannel {
      if (label !== PEERJS_PROBE_LABEL) return super.createDataChannel(label, init);
      return { ordered: init?.ordered ?? true, binaryType: "arraybuffer", close() {} } as PolyfillDataChannel;
    }

    override dispatchEvent(event: Event): boolean {
      if (event.type !== "icecandidate" || this.#remoteSet) return super.dispatchEvent(event);
      this.#heldLocal.push(event);
      return true;
    }

    override async setRemoteDescription(description: RTCSessionDescriptionInit): Promise<void> {
      await super.setRemoteDescription(description);
      this.#remoteSet = true;
      for (const event of this.#heldLocal.splice(0)) super.dispatchEvent(event);
      for (const candidate of this.#earlyRemote.splice(0)) await super.addIceCandidate(candidate);
    }

    override async addIceCandidate(candidate?: RTCIceCandidateInit): Promise<void> {
      if (this.#remoteSet || !candidate) return super.addIceCandidate(candidate);
      this.#earlyRemote.push(candidate);
    }
  };
}
