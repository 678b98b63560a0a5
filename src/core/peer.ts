// The composition root: createPeer builds a whole peer from what its host provides (ports.ts).
// The SharedWorker hub, the no-SharedWorker fallback, the Node peer, the simulator, the benches
// and every test build peers here; nothing else wires the session layer and its features.

import type { PeerEvent, PolicySettings } from "./api.ts";
import { BlockList } from "./block-list.ts";
import { Chat } from "./chat/chat.ts";
import { generateIdentity, type Identity, type PeerId } from "./crypto.ts";
import { counterparty } from "./deals/deal.ts";
import { DealSettingsStore } from "./deals/deal-settings.ts";
import { Deals } from "./deals/deals.ts";
import { Images } from "./listings/images.ts";
import { ListingActions } from "./listings/listing-actions.ts";
import { Listings } from "./listings/listings.ts";
import { ListingLookups } from "./listings/lookups.ts";
import { guardStore, QuotaKeeper } from "./listings/quota.ts";
import type { Listing } from "./listings/records.ts";
import { Correspondents } from "./mail/correspondents.ts";
import { Mailbox } from "./mail/mailbox.ts";
import type { RELAY_LIMITS } from "./mail/relay.ts";
import { HeldNotices } from "./mail/relay-handoff.ts";
import { createPeerApi, type PeerParts } from "./peer-api.ts";
import { startPeerLoops } from "./peer-loops.ts";
import type { Ports } from "./ports.ts";
import { type ProfileLimits, ProfileQuota } from "./profiles/profile-quota.ts";
import { Profiles } from "./profiles/profiles.ts";
import { scopedClock } from "./scoped-clock.ts";
import { SavedSearches, summarize } from "./search/saved-searches.ts";
import { Search } from "./search/search.ts";
import type { AnswerBudgetSettings } from "./session/answer-budget.ts";
import { capConnections } from "./session/connection-cap.ts";
import { Dialer } from "./session/dialer.ts";
import { Session } from "./session/session.ts";
import { SyncExtension } from "./sync/sync.ts";

export interface PeerOptions {
  /** Use this identity when the store holds none yet (a test's known key); else one is made. */
  identity?: Identity;
  /**
   * How peers catch up on connect: "reconcile" (default) exchanges only differences over SYNC;
   * "send-all" sends every record, the baseline benchmarks compare against.
   */
  syncMode?: "reconcile" | "send-all";
  policy?: Partial<PolicySettings>;
  /** Bytes of answers a peer can ask of us (answer-budget.ts). */
  answerBudget?: Partial<AnswerBudgetSettings>;
  helloTimeoutMs?: number;
  relayLimits?: Partial<typeof RELAY_LIMITS>;
  /** Seen message ids kept (inbox.ts SEEN_MAX), unless a test says otherwise. */
  seenMax?: number;
  /** How long peers asked for a listing by id have to answer (lookups.ts, 8 s). */
  lookupTimeoutMs?: number;
  /** What one other person may leave with us (counterparty-quota.ts), unless a test says otherwise. */
  perPerson?: { messages?: number; deals?: number };
  /** Profiles held of people the user does not need (profile-quota.ts), unless a test says otherwise. */
  otherProfiles?: Partial<ProfileLimits>;
  /** Peers the dialer keeps (6). */
  maxPeers?: number;
  /** Channels past this many, dialled or accepted, are hung up at once (8). */
  maxConnections?: number;
  /**
   * Dial rounds, churn, mail retries, pruning and storage checks on the clock (default on).
   * Tests that place every connection themselves turn them off; dials the peer asks for itself
   * (mail waiting for someone) still happen.
   */
  background?: boolean;
  /** The stored identity was replaced (an import): the host should start a new peer. */
  onIdentityReplaced?: () => void;
}

/** A running peer: its API, its events, and its parts for hosts and tests that look inside. */
export interface Peer extends PeerParts {
  /** Live changes, one call per event; returns the unsubscribe function. */
  subscribe(listener: (event: PeerEvent) => void): () => void;
  /** Stops timers and hangs up every peer; the store stays open (the host owns it). */
  dispose(): void;
}

export async function createPeer(ports: Ports, options: PeerOptions = {}): Promise<Peer> {
  const { link, logger: log } = ports;
  // Every timer of this peer goes through here, so dispose() can cancel them all.
  const timers = scopedClock(ports.clock);
  const clock = timers.clock;
  const now = () => clock.now();
  const listeners = new Set<(event: PeerEvent) => void>();
  const emit = (event: PeerEvent) => {
    for (const fn of listeners) fn(event);
  };
  const stored = await ports.store.loadIdentity();
  const identity = stored ?? (await ports.store.initIdentity(options.identity ?? (await generateIdentity(now()))));
  // Set once search and images exist, below; storage checks before that have nothing to update.
  let afterPrune = async (_ids: string[]) => {};
  const keeper = new QuotaKeeper(ports.store, {
    me: identity.peerId,
    estimate: ports.storage ?? (async () => undefined),
    notify: (message) => emit({ type: "notice", message }),
    pruned: (ids) => afterPrune(ids),
    now,
  });
  const store = guardStore(ports.store, keeper);
  // First of the start's reads: the first board and search answers wait for the index's copy,
  // the largest of them (the blocked authors it hides are only asked when it answers).
  const search = new Search(store, now, {
    hidden: (author) => isBlocked(author),
    warn: (message) => log.warn(message),
  });
  const blocked = await BlockList.open(store);
  const isBlocked = (peer: PeerId) => blocked.has(peer);

  const session = new Session({
    identity,
    store,
    link,
    clock,
    log,
    blocked: isBlocked,
    ...(options.policy ? { policy: options.policy } : {}),
    ...(options.helloTimeoutMs ? { helloTimeoutMs: options.helloTimeoutMs } : {}),
    ...(options.answerBudget ? { answerBudget: options.answerBudget } : {}),
  });
  const sync = options.syncMode === "send-all" ? undefined : new SyncExtension(session, clock);
  const listings = new Listings({
    identity,
    store,
    host: session,
    clock,
    evicted: (ids) => afterPrune(ids),
    ...(sync ? { sync } : {}),
  });
  if (sync) session.use(sync);
  session.use(listings);
  const lookups = new ListingLookups({
    host: session,
    store,
    clock,
    changed: (id, lookup) => emit({ type: "lookup", id, lookup }),
    ...(options.lookupTimeoutMs ? { timeoutMs: options.lookupTimeoutMs } : {}),
  });
  session.use(lookups);
  capConnections(link, () => session.connectedPeers().map((p) => p.id), options.maxConnections);
  const dialer = new Dialer({
    self: identity.peerId,
    dial: (peer) => link.dial(peer),
    connected: () => session.connectedPeers().map((p) => p.id),
    discover: ports.discovery ?? (async () => []),
    excluded: (peer) => session.policy.isBanned(peer) || isBlocked(peer),
    now,
    log,
    ...(options.maxPeers ? { maxPeers: options.maxPeers } : {}),
  });
  dialer.setOnline(link.state === "online");
  dialer.addCandidates((await store.listPeers()).map((p) => p.id));
  const actions = new ListingActions(identity, store, listings, now, ports.thumbnailer?.listingPhotos);

  const mailbox = new Mailbox({
    identity,
    store,
    host: session,
    clock,
    dial: (peer) => dialer.connectNow(peer),
    // Mail for someone not connected goes by relay when we know their signed ECDH key: from a
    // HELLO we had with them, or else from their signed profile, which reaches everyone.
    resolveKeys: async (peer) => (await store.getPeer(peer)) ?? (await store.getProfile(peer)),
    blocked: isBlocked,
    ...(options.relayLimits ? { relayLimits: options.relayLimits } : {}),
    ...(ports.relayStore ? { relayStore: ports.relayStore } : {}),
    ...(options.seenMax ? { seenMax: options.seenMax } : {}),
  });
  session.use(mailbox);
  // A durable relay holds our chat message for someone away: the conversation says so until
  // it is delivered (only a message still "sent" changes; a later ACK overrides it).
  session.use(
    new HeldNotices(
      () => store.listOutbox(),
      async (msgId, relay) => {
        const message = await store.getMessage(identity.peerId, msgId);
        if (message?.status !== "sent" || message.heldBy === relay) return;
        const held = { ...message, heldBy: relay };
        await store.putMessage(held);
        emit({ type: "message", message: held });
      },
    ),
  );
  // Whose profiles stay whatever the profile cap: people with a deal or a conversation.
  const correspondents = new Correspondents(store, identity.peerId);
  listeners.add((event) => {
    if (event.type === "deal") correspondents.add(counterparty(event.deal, identity.peerId));
    if (event.type === "message") correspondents.add(event.message.peer);
  });
  const dealSettings = await DealSettingsStore.open(store);
  const deals: Deals = new Deals({
    identity,
    store,
    mailbox,
    now,
    ...(options.perPerson?.deals ? { dealsPerPerson: options.perPerson.deals } : {}),
    getListing: (id) => store.getListing(id),
    onDeal: (deal) => emit({ type: "deal", deal }),
    // Countersigned completions are the reputation our profile shows everyone.
    onReceipt: async () => profiles.setCompleted(await deals.receipts()),
    // The seller's listing follows the deal: reserved on accept, sold on completion.
    onListingStatus: async (listingId, status) => {
      const settings = dealSettings.get();
      if (status === "reserved" ? !settings.reserveOnAccept : !settings.sellOnComplete) return;
      const listing = await store.getListing(listingId);
      if (!listing || listing.deleted || listing.status === status) return;
      const result = await actions.setStatus(listingId, status);
      if (!result.ok) log.warn(`could not mark ${listingId} ${status}: ${result.message}`);
    },
  });
  const chat = new Chat({
    identity,
    store,
    mailbox,
    now,
    onMessage: (message) => emit({ type: "message", message }),
    ...(options.perPerson?.messages ? { messagesPerPerson: options.perPerson.messages } : {}),
  });
  dialer.addCandidates(await mailbox.waitingFor());

  const savedSearches = new SavedSearches(store, { me: identity.peerId, now, log });
  const images = new Images(store, session, now);
  session.use(images);
  images.onImage((hash) => emit({ type: "image", hash }));
  const profileQuota = new ProfileQuota(identity.peerId, store, listings, correspondents, options.otherProfiles);
  const profiles = new Profiles(identity, store, session, sync, now, profileQuota, ports.thumbnailer?.avatar, (refs) =>
    images.fetch(refs),
  );
  profiles.onEvicted(async (gone) => (gone.some((p) => p.avatar) ? afterPrune([]) : undefined));
  session.use(profiles);
  profiles.onProfile((profile) => {
    emit({ type: "profile", profile });
    // It carries its owner's ECDH card: mail waiting for them can go by relay now.
    mailbox.keysArrived(profile.peerId);
  });
  // A profile from the start (the ECDH card), with every countersigned deal (after a crash too).
  await profiles.ensure();
  await profiles.setCompleted(await deals.receipts());
  // Blocked authors' listings stay stored but out of the search index and the board.
  listings.onListing((listing) => {
    void images.fetchMissing(listing);
    // New to this device (not an edit of one it holds): matched against the saved searches.
    const known = search.has(listing.id);
    // The index mirrors the store; it hides blocked authors when it answers.
    search.update(listing);
    if (isBlocked(listing.author)) return;
    lookups.arrived(listing);
    emit({ type: "listing", listing });
    if (!known) void matchSaved(listing);
  });
  const matchSaved = async (listing: Listing) => {
    const matched = await savedSearches.consider(listing);
    if (!matched.length) return;
    for (const record of matched) emit({ type: "match", search: summarize(record), listing });
    emit({ type: "saved-searches", searches: await savedSearches.list() });
  };
  const startedAt = now();
  afterPrune = async (ids) => {
    // Gone for good at this version: not offered to peers, and not fetched back from them.
    sync?.forget("listings", ids, true);
    for (const id of ids) search.remove(id);
    // The pass at start with nothing pruned skips collecting images: it reads every listing's
    // summary, time of the hub's at 100,000 just when the first board and search ask. The hourly
    // passes still collect.
    if (!ids.length && now() - startedAt < 60_000) return;
    await images.collect(await images.referenced());
  };

  const parts: PeerParts = {
    identity,
    store,
    link,
    session,
    ...(sync ? { sync } : {}),
    listings,
    lookups,
    actions,
    dialer,
    blocked,
    search,
    savedSearches,
    images,
    profiles,
    mailbox,
    deals,
    chat,
    dealSettings,
    api: undefined as never,
  };
  parts.api = createPeerApi(parts, { emit, now, onIdentityReplaced: options.onIdentityReplaced });
  const stop = startPeerLoops(parts, { clock, log, keeper, emit, afterPrune, background: options.background ?? true });
  return {
    ...parts,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    dispose() {
      stop();
      timers.stop();
      listeners.clear();
      for (const peer of session.connectedPeers()) link.hangUp(peer.id);
    },
  };
}
