// The hub: one peer per browser profile, in a SharedWorker (or, without SharedWorker, a dedicated
// Worker of the tab holding "hub-host", src/ui/hub-fallback.ts). It only wires browser adapters
// into createPeer and exposes the peer to tabs with Comlink; every decision is in src/core.

import * as Comlink from "comlink";
import { type PeerStart, startPeer } from "../core/peer.ts";
import { registrationToken, tokenBelongsTo } from "../core/session/registration.ts";
import { HUB_LOCK } from "../shared/api.ts";
import { discoverPeers } from "../shared/discovery.ts";
import { type IceSettings, NO_ICE, watchIceSettings } from "../shared/ice.ts";
import { RadioLink } from "../shared/radio-link.ts";
import type { SignalingConfig } from "../shared/radio-messages.ts";
import { consoleLogger, systemClock } from "../shared/system.ts";
import { hubApi } from "./hub-api.ts";
import { openIdbStore } from "./idb-store.ts";
import { canvasThumbnailer } from "./thumbnails.ts";

// The DOM and WebWorker libs cannot both be loaded; this is the part of SharedWorkerGlobalScope we use.
declare const self: {
  location: Location;
  onconnect: ((event: MessageEvent) => void) | null;
  onmessage: ((event: MessageEvent) => void) | null;
  close(): void;
};

/** PeerServer and the community's STUN/TURN, both from the origin that served the app (server/). */
function signalingConfig(ice: IceSettings): SignalingConfig {
  const secure = self.location.protocol === "https:";
  return {
    host: self.location.hostname,
    port: Number(self.location.port) || (secure ? 443 : 80),
    path: "/peerjs",
    secure,
    // None unless the community configures them: then nothing leaves the machine or LAN.
    iceServers: ice.iceServers,
    iceTransportPolicy: ice.iceTransportPolicy,
  };
}

const ICE_KEY = "ice-settings";
/**
 * The second stage of the peer's start waits for a tab's first search (the board's first page or
 * Search's first answer), or this long: begun as the first stage opened, its reads and its work
 * went ahead of the tab's first asks, which reach a starting hub 100–200 ms after it serves
 * (the tab's throttled main thread relays them), and the first cards waited for the whole peer
 * (bench/RESULTS.md, "firstask").
 */
const FIRST_SCREEN_WAIT_MS = 1_000;
const TOKEN_KEY = "radio-token";

/** Takes the hub lock for the life of this worker; tabs waiting on it learn when we die. */
function holdHubLock(): Promise<void> {
  return new Promise((granted) => {
    void navigator.locks.request(HUB_LOCK, () => {
      granted();
      return new Promise<never>(() => {});
    });
  });
}

async function boot(): Promise<{ peer: PeerStart; attachRadio: (port: MessagePort) => void }> {
  await holdHubLock();
  const store = await openIdbStore();
  // The last settings the server gave stand in while it cannot be reached (offline start); read
  // beside the peer's first reads, since only the radio needs them.
  const savedIce = store.getMeta<IceSettings>(ICE_KEY);
  let ice: IceSettings = NO_ICE;
  let start: { peerId: string; token: string } | undefined;
  const link = new RadioLink(() => {
    if (!start) throw new Error("the radio started before the hub");
    return { t: "start", ...start, signaling: signalingConfig(ice) };
  });
  // Read in parallel with the peer's start: only the radio needs them, and first paint must not
  // wait for the network.
  const iceReady = savedIce
    .then((saved) => {
      ice = saved ?? NO_ICE;
      return watchIceSettings(
        self.location.origin,
        (next) => {
          ice = next;
          link.setIce(next);
          void store.setMeta(ICE_KEY, next);
        },
        ice,
      );
    })
    .then(async ({ first }) => {
      ice = first;
      await store.setMeta(ICE_KEY, first);
    });
  const peer = await startPeer(
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
    {
      onIdentityReplaced: () => setTimeout(() => self.close(), 100),
      secondStageAfter: ({ searchAnswered }) =>
        Promise.race([searchAnswered, new Promise((resolve) => setTimeout(resolve, FIRST_SCREEN_WAIT_MS))]),
    },
  );
  // One token per browser profile (docs/architecture.md, "Facts checked in the libraries"),
  // carrying the proof of key the server checks (registration.ts): any tab that becomes the radio
  // re-registers our id at once with it, even if the previous radio's socket has not closed yet.
  // Read once the whole peer is up, after the board's reads; the radio waits for it.
  const started = peer.peer.then(async () => {
    let token = await store.getMeta<string>(TOKEN_KEY);
    if (!token || !tokenBelongsTo(token, peer.identity)) {
      token = await registrationToken(peer.identity);
      await store.setMeta(TOKEN_KEY, token);
    }
    start = { peerId: peer.identity.peerId, token };
    // Workers get "online" too (WorkerGlobalScope); a phone back in coverage reconnects at once.
    globalThis.addEventListener("online", () => link.retryNow());
  });
  started.catch((error: unknown) => console.error("Peerboard: the hub failed to start", error));
  return { peer, attachRadio: (port) => void Promise.all([iceReady, started]).then(() => link.attach(port)) };
}

const ready = boot().then(({ peer, attachRadio }) => hubApi(peer, attachRadio));
ready.catch((error: unknown) => console.error("Peerboard: the hub failed to start", error));

/**
 * Tabs may connect before the hub has started; their calls wait in the port until the first stage
 * (identity, block list) is open, and all but the board's wait inside the API for the rest.
 */
function serve(event: MessageEvent): void {
  const port = event.ports[0];
  if (port) void ready.then((api) => Comlink.expose(api, port));
}

self.onconnect = serve;
// Without SharedWorker the same code runs in a dedicated Worker of the host tab
// (src/ui/hub-fallback.ts), which hands over one port per connection.
self.onmessage = serve;
