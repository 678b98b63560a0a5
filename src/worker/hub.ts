// The hub: one per browser profile, in a SharedWorker. Owns identity, IndexedDB, the protocol
// and every decision; each tab reaches it through Comlink (HubApi), the radio tab through a port.

import * as Comlink from "comlink";
import { BackupError, exportIdentity, importIdentity } from "../core/backup.ts";
import { Chat } from "../core/chat/chat.ts";
import {
  generateIdentity,
  type Identity,
  PEER_ID_PATTERN,
  type PeerId,
  parsePeerId,
  randomToken,
} from "../core/crypto.ts";
import { Deals } from "../core/deals/deals.ts";
import { PeerboardError, ValidationError } from "../core/errors.ts";
import { Images } from "../core/listings/images.ts";
import { ListingActions } from "../core/listings/listing-actions.ts";
import { guardStore, QuotaKeeper } from "../core/listings/quota.ts";
import type { ListingDraft } from "../core/listings/records.ts";
import { Mailbox } from "../core/mail/mailbox.ts";
import { Profiles } from "../core/profiles/profiles.ts";
import { countReceipts } from "../core/profiles/receipt.ts";
import { Search } from "../core/search/search.ts";
import { CHURN_INTERVAL_MS, capConnections, churnCandidate } from "../core/session/connection-cap.ts";
import { Dialer } from "../core/session/dialer.ts";
import { Protocol } from "../core/session/protocol.ts";
import type { Store } from "../core/store.ts";
import { MAX_FRAME_BYTES } from "../core/wire.ts";
import {
  type ConnectResult,
  type ExportResult,
  HUB_LOCK,
  type HubApi,
  type HubEvent,
  type HubStatus,
  type ImportResult,
  type NetworkReport,
  type PostResult,
} from "../shared/api.ts";
import { DEFAULT_DEAL_SETTINGS, type DealSettings, type MailApi, type MailResult } from "../shared/mail-api.ts";
import type { SignalingConfig } from "../shared/radio-messages.ts";
import { openIdbStore } from "./idb-store.ts";
import { RadioLink } from "./radio-link.ts";
import { makeThumbnail, makeThumbnails } from "./thumbnails.ts";

// The DOM and WebWorker libs cannot both be loaded; this is the part of SharedWorkerGlobalScope we use.
declare const self: {
  location: Location;
  onconnect: ((event: MessageEvent) => void) | null;
  onmessage: ((event: MessageEvent) => void) | null;
  close(): void;
};

/** Dial rounds: often while we have nobody (a newcomer should appear fast), calmly after. */
const LONELY_DIAL_INTERVAL_MS = 1_000;
const DIAL_INTERVAL_MS = 5_000;
/** How often the hub compares storage use with the quota (writes that fail trigger it at once). */
const QUOTA_CHECK_INTERVAL_MS = 60_000;
/** Store meta key: the peer ids the user blocked. */
const BLOCKED_KEY = "blocked";
const DEAL_SETTINGS_KEY = "deal-settings";
/** How often others' expired listings are pruned from IndexedDB. */
const PRUNE_INTERVAL_MS = 60 * 60 * 1000;
/** Unacknowledged mail to a connected peer goes out again after this long (issue 5). */
const MAIL_RETRY_MS = 30_000;
/** Peers the dialer keeps (its default); churn only happens once there are this many. */
const DIAL_TARGET = 6;

interface Hub {
  identity: Identity;
  store: Store;
  link: RadioLink;
  protocol: Protocol;
  dialer: Dialer;
  actions: ListingActions;
  /** Peers the user blocked (persisted under BLOCKED_KEY). */
  blocked: Set<PeerId>;
  search: Search;
  mailbox: Mailbox;
  deals: Deals;
  chat: Chat;
  profiles: Profiles;
  /** The seller's choices, persisted under DEAL_SETTINGS_KEY; changed in place. */
  dealSettings: DealSettings;
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
  const rawStore = await openIdbStore();
  const identity = (await rawStore.loadIdentity()) ?? (await rawStore.initIdentity(await generateIdentity(Date.now())));
  const keeper = new QuotaKeeper(rawStore, {
    me: identity.peerId,
    estimate: async () => {
      const { usage, quota } = await navigator.storage.estimate();
      return usage !== undefined && quota !== undefined ? { usage, quota } : undefined;
    },
    notify: (message) => emit({ type: "notice", message }),
    pruned: (ids) => afterPrune(ids),
  });
  // Set once search and images exist, below; storage checks before that have nothing to update.
  let afterPrune = async (_ids: string[]) => {};
  const store = guardStore(rawStore, keeper);
  const checkQuota = () =>
    keeper.check().catch((error: unknown) => console.error("Peerboard: storage check failed", error));
  void checkQuota();
  setInterval(checkQuota, QUOTA_CHECK_INTERVAL_MS);
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
  const blocked = new Set<PeerId>((await store.getMeta<PeerId[]>(BLOCKED_KEY)) ?? []);
  const protocol = new Protocol({ identity, store, link, blocked: (peer) => blocked.has(peer) });
  capConnections(link, () => protocol.connectedPeers().map((p) => p.id));
  const dialer = new Dialer({
    self: identity.peerId,
    dial: (peer) => link.dial(peer),
    connected: () => protocol.connectedPeers().map((p) => p.id),
    discover,
    excluded: (peer) => protocol.policy.isBanned(peer) || blocked.has(peer),
    maxPeers: DIAL_TARGET,
  });
  dialer.addCandidates((await store.listPeers()).map((p) => p.id));
  const actions = new ListingActions(identity, store, protocol, Date.now, makeThumbnails);
  // Issue 5: deals and chat, sealed end to end, through an outbox that waits for ACKs.
  const mailbox = new Mailbox({
    identity,
    store,
    protocol,
    dial: (peer) => dialer.connectNow(peer),
    // Mail for someone not connected goes by relay when we know their signed ECDH key: from a
    // HELLO we had with them, or else from their signed profile, which reaches everyone.
    resolveKeys: async (peer) => (await store.listPeers()).find((p) => p.id === peer) ?? (await store.getProfile(peer)),
    blocked: (peer) => blocked.has(peer),
  });
  protocol.use(mailbox);
  const dealSettings: DealSettings = {
    ...DEFAULT_DEAL_SETTINGS,
    ...(await store.getMeta<Partial<DealSettings>>(DEAL_SETTINGS_KEY)),
  };
  const deals = new Deals({
    identity,
    store,
    mailbox,
    getListing: (id) => store.getListing(id),
    onDeal: (deal) => emit({ type: "deal", deal }),
    // Countersigned completions are the reputation our profile shows everyone.
    onReceipt: async (): Promise<void> => profiles.setCompleted(await deals.receipts()),
    // The seller's listing follows the deal: reserved on accept, sold on completion.
    onListingStatus: async (listingId, listingStatus) => {
      if (listingStatus === "reserved" ? !dealSettings.reserveOnAccept : !dealSettings.sellOnComplete) return;
      const listing = await store.getListing(listingId);
      if (!listing || listing.deleted || listing.status === listingStatus) return;
      const result = await actions.setStatus(listingId, listingStatus);
      if (!result.ok) console.warn(`Peerboard: could not mark ${listingId} ${listingStatus}: ${result.message}`);
    },
  });
  const chat = new Chat({ identity, store, mailbox, onMessage: (message) => emit({ type: "message", message }) });
  dialer.addCandidates(await mailbox.waitingFor());

  const search = new Search(store);
  const images = new Images(store, protocol);
  protocol.use(images);
  images.onImage((hash) => emit({ type: "image", hash }));
  const profiles = new Profiles(identity, store, protocol, Date.now, makeThumbnail, (refs) => images.fetch(refs));
  protocol.use(profiles);
  profiles.onProfile((profile) => {
    emit({ type: "profile", profile });
    // It carries its owner's ECDH card: mail waiting for them can go by relay now.
    mailbox.keysArrived(profile.peerId);
  });
  // A profile from the start (the ECDH card), with every countersigned deal (after a crash too).
  await profiles.ensure();
  await profiles.setCompleted(await deals.receipts());
  // Blocked authors' listings stay stored but out of the search index (see block/unblock).
  protocol.onListing((listing) => {
    if (!blocked.has(listing.author)) search.update(listing);
  });
  for (const listing of await store.listListings()) if (blocked.has(listing.author)) search.remove(listing.id);
  afterPrune = async (ids) => {
    for (const id of ids) search.remove(id);
    const referenced = new Set<string>();
    for (const listing of await store.listListings()) for (const ref of listing.images) referenced.add(ref.hash);
    for (const profile of await store.listProfiles()) if (profile.avatar) referenced.add(profile.avatar.hash);
    await images.collect(referenced);
  };
  const prune = () =>
    actions
      .prune()
      .then(afterPrune)
      .catch((error: unknown) => console.error("Peerboard: pruning expired listings failed", error));
  void prune();
  setInterval(prune, PRUNE_INTERVAL_MS);

  const hub: Hub = {
    identity,
    store,
    link,
    protocol,
    dialer,
    actions,
    blocked,
    search,
    mailbox,
    deals,
    chat,
    profiles,
    dealSettings,
  };
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
    if (state === "online") {
      void dialer.tick();
      // Mail is waiting: reach its recipients first, past the connection bound.
      void mailbox.waitingFor().then((peers) => {
        for (const peer of peers) if (!protocol.isConnected(peer)) dialer.connectNow(peer);
      });
    }
    statusChanged();
  });
  // Workers get "online" too (WorkerGlobalScope); a phone back in coverage reconnects at once.
  globalThis.addEventListener("online", () => link.retryNow());
  link.onPeer((peer, up) => dialer.peerChanged(peer, up));
  link.onDialFailed((peer) => dialer.dialFailed(peer));
  protocol.onPeersChanged(statusChanged);
  protocol.onPeerHints((peers) => dialer.addCandidates(peers));
  protocol.onListing((listing) => {
    if (!blocked.has(listing.author)) emit({ type: "listing", listing });
  });
  forwardSyncProgress(protocol);
  setInterval(() => {
    const peer = churnCandidate(protocol.connectedPeers(), DIAL_TARGET);
    if (peer) link.hangUp(peer);
  }, CHURN_INTERVAL_MS);
  const dialRound = async () => {
    await dialer.tick();
    const lonely = protocol.connectedPeers().length === 0;
    setTimeout(dialRound, lonely ? LONELY_DIAL_INTERVAL_MS : DIAL_INTERVAL_MS);
  };
  void dialRound();
  setInterval(() => void mailbox.retry(MAIL_RETRY_MS), MAIL_RETRY_MS);
  return hub;
}

/** Sync progress to the tabs: at most every 100 ms while it runs (10,000 events would flood Comlink), the end at once. */
function forwardSyncProgress(protocol: Protocol): void {
  let latest = { received: 0, total: 0 };
  let timer: ReturnType<typeof setTimeout> | undefined;
  protocol.sync?.onProgress((progress) => {
    latest = progress;
    const done = progress.total === 0;
    if (done) clearTimeout(timer);
    if (done || !timer) {
      emit({ type: "sync", ...latest });
      timer = done
        ? undefined
        : setTimeout(() => {
            timer = undefined;
            emit({ type: "sync", ...latest });
          }, 100);
    }
  });
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

/** A peer id the user typed or pasted, or the message saying what is wrong with it. */
function typedPeerId(text: string): ConnectResult {
  try {
    return { ok: true, peer: parsePeerId(text) };
  } catch (error) {
    if (error instanceof PeerboardError) return { ok: false, message: error.message };
    throw error;
  }
}

/** Runs a mail action; bad input and refused steps become a message for the form. */
async function mailAction<T>(action: () => Promise<T>): Promise<MailResult<T>> {
  try {
    return { ok: true, value: await action() };
  } catch (error) {
    if (error instanceof ValidationError) return { ok: false, field: error.field, message: error.message };
    if (error instanceof PeerboardError) return { ok: false, field: "deal", message: error.message };
    throw error;
  }
}

const api: HubApi & MailApi = {
  async status() {
    return status(await ready);
  },
  async listings() {
    const hub = await ready;
    return (await hub.actions.visible()).filter((l) => !hub.blocked.has(l.author));
  },
  async block(peerIdText: string): Promise<ConnectResult> {
    const hub = await ready;
    const parsed = typedPeerId(peerIdText);
    if (!parsed.ok) return parsed;
    const peer = parsed.peer;
    if (peer === hub.identity.peerId) return { ok: false, message: "You cannot block yourself." };
    hub.blocked.add(peer);
    await hub.store.setMeta(BLOCKED_KEY, [...hub.blocked]);
    for (const listing of await hub.store.listListings()) if (listing.author === peer) hub.search.remove(listing.id);
    if (hub.protocol.isConnected(peer)) hub.link.hangUp(peer);
    return { ok: true, peer };
  },
  async unblock(peer: PeerId) {
    const hub = await ready;
    hub.blocked.delete(peer);
    await hub.store.setMeta(BLOCKED_KEY, [...hub.blocked]);
    for (const listing of await hub.store.listListings()) if (listing.author === peer) hub.search.update(listing);
  },
  async blockedPeers() {
    return [...(await ready).blocked];
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
  async network(): Promise<NetworkReport> {
    const hub = await ready;
    const { policy } = hub.protocol;
    return {
      peers: hub.protocol.connectedPeers(),
      banned: policy.banned(),
      limits: { maxFrameBytes: MAX_FRAME_BYTES, maxPeers: hub.dialer.maxPeers, ...policy.settings },
      relay: hub.mailbox.relayStats(),
    };
  },
  async exportIdentity(passphrase: string): Promise<ExportResult> {
    const hub = await ready;
    try {
      const text = await exportIdentity(hub.identity, passphrase);
      return { ok: true, text, fileName: `peerboard-identity-${hub.identity.peerId}.json` };
    } catch (error) {
      if (error instanceof BackupError) return { ok: false, message: error.message };
      throw error;
    }
  },
  async importIdentity(fileText: string, passphrase: string): Promise<ImportResult> {
    const hub = await ready;
    let identity: Identity;
    try {
      identity = await importIdentity(fileText, passphrase);
    } catch (error) {
      if (error instanceof BackupError) return { ok: false, message: error.message };
      throw error;
    }
    if (identity.peerId === hub.identity.peerId) return { ok: true, peerId: identity.peerId };
    await hub.store.replaceIdentity(identity);
    // Start again as the imported identity: every tab waits on HUB_LOCK and reconnects to a
    // fresh hub, whose radio registers the new id (fallback tabs reload on "restarting").
    // Answer first, then go.
    emit({ type: "restarting" });
    setTimeout(() => self.close(), 100);
    return { ok: true, peerId: identity.peerId };
  },
  async connect(peerIdText: string): Promise<ConnectResult> {
    const hub = await ready;
    const parsed = typedPeerId(peerIdText);
    if (!parsed.ok) return parsed;
    const peer = parsed.peer;
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
  async deals() {
    return (await ready).deals.list();
  },
  async makeOffer(listingId, input) {
    const hub = await ready;
    return mailAction(() => hub.deals.propose(listingId, input));
  },
  async respondToDeal(dealId, action, input) {
    const hub = await ready;
    return mailAction(() => hub.deals.respond(dealId, action, input));
  },
  async markDealRead(dealId) {
    await (await ready).deals.markRead(dealId);
  },
  async reputation() {
    // What others see: the receipts in our signed profile, kept across an identity import too.
    return countReceipts((await (await ready).profiles.mine())?.completed);
  },
  async dealSettings() {
    return { ...(await ready).dealSettings };
  },
  async saveDealSettings(settings) {
    const hub = await ready;
    for (const key of ["reserveOnAccept", "sellOnComplete"] as const)
      if (typeof settings[key] === "boolean") hub.dealSettings[key] = settings[key];
    await hub.store.setMeta(DEAL_SETTINGS_KEY, hub.dealSettings);
    return { ...hub.dealSettings };
  },
  async messages() {
    return (await ready).chat.list();
  },
  async sendMessage(peer, topic, text) {
    const hub = await ready;
    return mailAction(() => hub.chat.send(peer, topic, text));
  },
  async markConversationRead(peer, topic) {
    await (await ready).chat.markRead(peer, topic);
  },
  async attachRadio(port: MessagePort) {
    (await ready).link.attach(port);
  },
};

self.onconnect = (event: MessageEvent) => {
  const port = event.ports[0];
  if (port) Comlink.expose(api, port);
};

// Without SharedWorker the same code runs in a dedicated Worker of the host tab
// (src/ui/hub-fallback.ts), which hands over one port per connection.
self.onmessage = (event: MessageEvent) => {
  const port = event.ports[0];
  if (port) Comlink.expose(api, port);
};
