// A real PeerServer on loopback with a Node WebRTC installed (node-datachannel, as the always-on
// peer runs, unless a test asks for @roamhq/wrtc), for tests and
// benches that need real data channels without a browser, and stock PeerJS peers registered on
// it with their proof of key, as the product registers them.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Peer as PeerType } from "peerjs";
import { startServer } from "../../server/server.js";
import { generateIdentity } from "../../src/core/crypto.ts";
import { registrationToken } from "../../src/core/session/registration.ts";
import { installWebRtc, shutdownWebRtc, type WebRtcImplementation } from "../../src/node/webrtc.ts";

export interface NodeSignaling {
  /** Where the radio's `signaling` settings point (no ICE servers: loopback only). */
  readonly signaling: { host: string; port: number; path: string; secure: boolean };
  /** PeerJS, loaded after the Node WebRTC was installed. */
  readonly Peer: typeof PeerType;
  /** A stock PeerJS peer with a fresh identity, once the server confirmed its id. */
  register(options?: { debug?: 0 | 1 }): Promise<PeerType>;
  /** Shuts the Node WebRTC and the server down and removes the stub app. */
  close(): Promise<void>;
}

/** Starts the server (serving a stub app: it insists on one) and the Node WebRTC. */
export async function startNodeSignaling(
  name: string,
  implementation: WebRtcImplementation = "node-datachannel",
): Promise<NodeSignaling> {
  const dist = mkdtempSync(join(tmpdir(), `peerboard-${name}-`));
  writeFileSync(join(dist, "index.html"), "<!doctype html><title>test</title>");
  const server = await startServer({ port: 0, host: "127.0.0.1", dist });
  await installWebRtc(implementation);
  // Only now: PeerJS probes for RTCPeerConnection while its module is evaluated.
  const { Peer } = await import("peerjs");
  const signaling = { host: "127.0.0.1", port: server.port, path: "/peerjs", secure: false };
  return {
    signaling,
    Peer,
    async register({ debug = 0 } = {}) {
      const identity = await generateIdentity(Date.now());
      const peer = new Peer(identity.peerId, {
        ...signaling,
        token: await registrationToken(identity),
        config: { iceServers: [] },
        debug,
      });
      await new Promise((resolve, reject) => {
        peer.once("open", resolve);
        peer.once("error", reject);
      });
      return peer;
    },
    async close() {
      await shutdownWebRtc();
      await server.close();
      rmSync(dist, { recursive: true, force: true });
    },
  };
}
