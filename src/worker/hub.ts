// The hub: one peer per browser profile, in a SharedWorker (or, without SharedWorker, a dedicated
// Worker of the tab holding "hub-host", src/ui/hub-fallback.ts). It only wires browser adapters
// into createPeer and exposes the peer to tabs with Comlink; every decision is in src/core.

import * as Comlink from "comlink";
import { randomToken } from "../core/crypto.ts";
import { createPeer, type Peer } from "../core/peer.ts";
import { HUB_LOCK } from "../shared/api.ts";
import type { SignalingConfig } from "../shared/radio-messages.ts";
import { consoleLogger, systemClock } from "../shared/system.ts";
import { discoverPeers } from "./discovery.ts";
import { hubApi } from "./hub-api.ts";
import { openIdbStore } from "./idb-store.ts";
import { RadioLink } from "./radio-link.ts";
import { canvasThumbnailer } from "./thumbnails.ts";

// The DOM and WebWorker libs cannot both be loaded; this is the part of SharedWorkerGlobalScope we use.
declare const self: {
  location: Location;
  onconnect: ((event: MessageEvent) => void) | null;
  onmessage: ((event: MessageEvent) => void) | null;
  close(): void;
};

/** PeerServer on the origin that served the app (server/), unless settings say otherwise. */
function signalingConfig(): SignalingConfig {
  const secure = self.location.protocol === "https:";
  return {
    host: self.location.hostname,
    port: Number(self.location.port) || (secure ? 443 : 80),
    path: "/peerjs",
    secure,
    // No STUN/TURN by default: nothing leaves the machine or LAN unless a community configures it.
    iceServers: [],
  };
}

/** Takes the hub lock for the life of this worker; tabs waiting on it learn when we die. */
function holdHubLock(): Promise<void> {
  return new Promise((granted) => {
    void navigator.locks.request(HUB_LOCK, () => {
      granted();
      return new Promise<never>(() => {});
    });
  });
}

async function boot(): Promise<{ peer: Peer; link: RadioLink }> {
  await holdHubLock();
  const store = await openIdbStore();
  // One token per browser profile (DESIGN.md §7): any tab that becomes the radio re-registers
  // our id at once, even if the previous radio's socket has not closed yet.
  let token = await store.getMeta<string>("radio-token");
  if (!token) {
    token = randomToken();
    await store.setMeta("radio-token", token);
  }
  const radioToken = token;
  let peerId = "";
  const link = new RadioLink(() => ({ t: "start", peerId, token: radioToken, signaling: signalingConfig() }));
  const peer = await createPeer(
    {
      store,
      link,
      clock: systemClock,
      logger: consoleLogger,
      thumbnailer: canvasThumbnailer,
      discovery: () => discoverPeers(self.location.origin),
      storage: async () => {
        const { usage, quota } = await navigator.storage.estimate();
        return usage !== undefined && quota !== undefined ? { usage, quota } : undefined;
      },
    },
    // Start again as the imported identity: every tab waits on HUB_LOCK and reconnects to a
    // fresh hub, whose radio registers the new id. Answer the import first, then go.
    { onIdentityReplaced: () => setTimeout(() => self.close(), 100) },
  );
  peerId = peer.identity.peerId;
  // Workers get "online" too (WorkerGlobalScope); a phone back in coverage reconnects at once.
  globalThis.addEventListener("online", () => link.retryNow());
  return { peer, link };
}

const ready = boot().then(({ peer, link }) => hubApi(peer, (port) => link.attach(port)));
ready.catch((error: unknown) => console.error("Peerboard: the hub failed to start", error));

/** Tabs may connect before the hub has started; their calls wait in the port until then. */
function serve(event: MessageEvent): void {
  const port = event.ports[0];
  if (port) void ready.then((api) => Comlink.expose(api, port));
}

self.onconnect = serve;
// Without SharedWorker the same code runs in a dedicated Worker of the host tab
// (src/ui/hub-fallback.ts), which hands over one port per connection.
self.onmessage = serve;
