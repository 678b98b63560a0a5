// The hub: one per browser profile, in a SharedWorker. Owns identity, IndexedDB, the protocol
// and every decision; each tab reaches it through Comlink (HubApi), the radio tab through a port.

import * as Comlink from "comlink";
import {
  type ConnectResult,
  HUB_LOCK,
  type HubApi,
  type HubEvent,
  type HubStatus,
  type PostResult,
} from "../shared/api.ts";
import {
  generateIdentity,
  type Identity,
  PEER_ID_PATTERN,
  type PeerId,
  parsePeerId,
  randomToken,
} from "../shared/crypto.ts";
import { PeerboardError } from "../shared/errors.ts";
import type { SignalingConfig } from "../shared/radio-messages.ts";
import type { ListingDraft } from "../shared/records.ts";
import type { Store } from "../shared/store.ts";
import { Dialer } from "./dialer.ts";
import { openIdbStore } from "./idb-store.ts";
import { Images } from "./images.ts";
import { ListingActions } from "./listing-actions.ts";
import { Profiles } from "./profiles.ts";
import { Protocol } from "./protocol.ts";
import { RadioLink } from "./radio-link.ts";
import { Search } from "./search.ts";
import { makeThumbnail, makeThumbnails } from "./thumbnails.ts";

// The DOM and WebWorker libs cannot both be loaded; this is the part of SharedWorkerGlobalScope we use.
declare const self: { location: Location; onconnect: ((event: MessageEvent) => void) | null };

/** Dial rounds: often while we have nobody (a newcomer should appear fast), calmly after. */
const LONELY_DIAL_INTERVAL_MS = 1_000;
const DIAL_INTERVAL_MS = 5_000;
/** How often others' expired listings are pruned from IndexedDB. */
const PRUNE_INTERVAL_MS = 60 * 60 * 1000;

interface Hub {
  identity: Identity;
  store: Store;
  link: RadioLink;
  protocol: Protocol;
  dialer: Dialer;
  actions: ListingActions;
  search: Search;
  profiles: Profiles;
}

const listeners = new Map<number, (event: HubEvent) => void>();
let nextListenerKey = 1;

function emit(event: HubEvent): void {
  for (const [key, listener] of listeners) {
    // A listener in a closed tab never answers; a rejected call means its port is gone.
    Promise.resolve(listener(event)).catch(() => listeners.delete(key));
  }
}

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

async function discover(): Promise<PeerId[]> {
  const response = await fetch(new URL("/peerjs/peerjs/peers", self.location.origin));
  if (!response.ok) throw new PeerboardError(`Peer discovery answered ${response.status}`);
  const ids: unknown = await response.json();
  return Array.isArray(ids) ? ids.filter((id): id is PeerId => typeof id === "string" && PEER_ID_PATTERN.test(id)) : [];
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

async function boot(): Promise<Hub> {
  await holdHubLock();
  const store = await openIdbStore();
  const identity = (await store.loadIdentity()) ?? (await store.initIdentity(await generateIdentity(Date.now())));
  // One token per browser profile (DESIGN.md §7): any tab that becomes the radio re-registers
  // our id at once, even if the previous radio's socket has not closed yet.
  let token = await store.getMeta<string>("radio-token");
  if (!token) {
    token = randomToken();
    await store.setMeta("radio-token", token);
  }
  const radioToken = token;
  const link = new RadioLink(() => ({
    t: "start",
    peerId: identity.peerId,
    token: radioToken,
    signaling: signalingConfig(),
  }));
  const protocol = new Protocol({ identity, store, link });
  const dialer = new Dialer({
    self: identity.peerId,
    dial: (peer) => link.dial(peer),
    connected: () => protocol.connectedPeers().map((p) => p.id),
    discover,
  });
  dialer.addCandidates((await store.listPeers()).map((p) => p.id));

  const actions = new ListingActions(identity, store, protocol, Date.now, makeThumbnails);
  const search = new Search(store);
  const images = new Images(store, protocol);
  protocol.use(images);
  images.onImage((hash) => emit({ type: "image", hash }));
  const profiles = new Profiles(identity, store, protocol, Date.now, makeThumbnail, (refs) => images.fetch(refs));
  protocol.use(profiles);
  profiles.onProfile((profile) => emit({ type: "profile", profile }));
  protocol.onListing((listing) => search.update(listing));
  const prune = () =>
    actions
      .prune()
      .then(async (ids) => {
        for (const id of ids) search.remove(id);
        const referenced = new Set<string>();
        for (const listing of await store.listListings()) for (const ref of listing.images) referenced.add(ref.hash);
        for (const profile of await store.listProfiles()) if (profile.avatar) referenced.add(profile.avatar.hash);
        await images.collect(referenced);
      })
      .catch((error: unknown) => console.error("Peerboard: pruning expired listings failed", error));
  void prune();
  setInterval(prune, PRUNE_INTERVAL_MS);

  const hub: Hub = { identity, store, link, protocol, dialer, actions, search, profiles };
  let statusQueued = false;
  const statusChanged = () => {
    if (statusQueued) return;
    statusQueued = true;
    queueMicrotask(() => {
      statusQueued = false;
      emit({ type: "status", status: status(hub) });
    });
  };
  link.onState((state) => {
    dialer.setOnline(state === "online");
    if (state === "online") void dialer.tick();
    statusChanged();
  });
  link.onPeer((peer, up) => dialer.peerChanged(peer, up));
  link.onDialFailed((peer) => dialer.dialFailed(peer));
  protocol.onPeersChanged(statusChanged);
  protocol.onPeerHints((peers) => dialer.addCandidates(peers));
  protocol.onListing((listing) => emit({ type: "listing", listing }));
  const dialRound = async () => {
    await dialer.tick();
    const lonely = protocol.connectedPeers().length === 0;
    setTimeout(dialRound, lonely ? LONELY_DIAL_INTERVAL_MS : DIAL_INTERVAL_MS);
  };
  void dialRound();
  return hub;
}

function status(hub: Hub): HubStatus {
  return {
    peerId: hub.identity.peerId,
    radio: hub.link.state,
    peers: hub.protocol
      .connectedPeers()
      .map((p) => ({ id: p.id, stage: p.stage, ...(p.name ? { name: p.name } : {}) })),
  };
}

const ready = boot();
ready.catch((error: unknown) => console.error("Peerboard: the hub failed to start", error));

const api: HubApi = {
  async status() {
    return status(await ready);
  },
  async listings() {
    return (await ready).actions.visible();
  },
  async listing(id: string) {
    return (await ready).store.getListing(id);
  },
  async myListings() {
    return (await ready).actions.mine();
  },
  async edit(id, draft) {
    return (await ready).actions.edit(id, draft);
  },
  async setStatus(id, status) {
    return (await ready).actions.setStatus(id, status);
  },
  async renew(id, days) {
    return (await ready).actions.renew(id, days);
  },
  async remove(id) {
    return (await ready).actions.remove(id);
  },
  async search(query) {
    return (await ready).search.search(query);
  },
  async myProfile() {
    return (await ready).profiles.mine();
  },
  async saveProfile(draft) {
    return (await ready).profiles.save(draft);
  },
  async profileNames() {
    return (await ready).profiles.names();
  },
  async profile(peerId) {
    return (await ready).profiles.get(peerId);
  },
  async post(draft: ListingDraft): Promise<PostResult> {
    return (await ready).actions.post(draft);
  },
  async image(hash: string) {
    return (await ready).store.getImage(hash);
  },
  async connect(peerIdText: string): Promise<ConnectResult> {
    const hub = await ready;
    let peer: PeerId;
    try {
      peer = parsePeerId(peerIdText);
    } catch (error) {
      if (error instanceof PeerboardError) return { ok: false, message: error.message };
      throw error;
    }
    if (peer === hub.identity.peerId) return { ok: false, message: "That is your own peer id." };
    if (hub.link.state !== "online")
      return { ok: false, message: "Not connected to the signaling server yet; try again in a moment." };
    hub.dialer.connectNow(peer);
    return { ok: true, peer };
  },
  async subscribe(listener) {
    const key = nextListenerKey++;
    listeners.set(key, listener);
    return key;
  },
  async unsubscribe(key) {
    const listener = listeners.get(key);
    listeners.delete(key);
    (listener as unknown as { [Comlink.releaseProxy]?: () => void })?.[Comlink.releaseProxy]?.();
  },
  async attachRadio(port: MessagePort) {
    (await ready).link.attach(port);
  },
};

self.onconnect = (event: MessageEvent) => {
  const port = event.ports[0];
  if (port) Comlink.expose(api, port);
};
