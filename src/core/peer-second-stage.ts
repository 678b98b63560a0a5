// The second stage of a peer's start (startPeer, peer.ts, the composition root, calls it): the
// session and every feature over the store the first stage opened (peer-board.ts). peer.ts loads
// this module with a dynamic import once the first stage serves, so a browser's hub evaluates
// the session, sync, mail, deals, chat and profile code only after the board's first answers.

import type { PeerEvent } from "./api.ts";
import { Chat, chatHeldNotices } from "./chat/chat.ts";
import type { PeerId } from "./crypto.ts";
import { counterparty } from "./deals/deal.ts";
import { DealSettingsStore } from "./deals/deal-settings.ts";
import { Deals } from "./deals/deals.ts";
import { followListingArrivals } from "./listing-arrivals.ts";
import { Images } from "./listings/images.ts";
import { ListingActions } from "./listings/listing-actions.ts";
import { Listings } from "./listings/listings.ts";
import { ListingLookups } from "./listings/lookups.ts";
import { Correspondents } from "./mail/correspondents.ts";
import { Mailbox } from "./mail/mailbox.ts";
import type { Peer } from "./peer.ts";
import { createPeerApi, type PeerParts } from "./peer-api.ts";
import type { BoardParts } from "./peer-board.ts";
import { startPeerLoops } from "./peer-loops.ts";
import type { PeerOptions } from "./peer-options.ts";
import type { Ports } from "./ports.ts";
import { ProfileQuota } from "./profiles/profile-quota.ts";
import { Profiles } from "./profiles/profiles.ts";
import type { scopedClock } from "./scoped-clock.ts";
import { SavedSearches } from "./search/saved-searches.ts";
import { capConnections } from "./session/connection-cap.ts";
import { Dialer } from "./session/dialer.ts";
import { Session } from "./session/session.ts";
import type { ListingChange } from "./store.ts";
import { SyncExtension } from "./sync/sync.ts";

/** What the first stage (startPeer, peer.ts) opened and owns, which the second builds on. */
export interface FirstStage {
  board: BoardParts;
  timers: ReturnType<typeof scopedClock>;
  listeners: Set<(event: PeerEvent) => void>;
  emit: (event: PeerEvent) => void;
  subscribe: Peer["subscribe"];
  onPruned: (fn: (gone: ListingChange[]) => Promise<void>) => void;
}

/** The second stage: the session and every feature over the store the first stage opened. */
export async function startSecondStage(ports: Ports, options: PeerOptions, first: FirstStage): Promise<Peer> {
  const { link, logger: log } = ports;
  const { board, timers, listeners, emit } = first;
  const clock = timers.clock;
  const now = () => clock.now();
  const { identity, store, keeper, blocked, search } = board;
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
    evicted: (gone) => afterPrune(gone),
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
  // A durable relay holds our chat message for someone away: the conversation says so.
  session.use(chatHeldNotices(store, identity.peerId, (message) => emit({ type: "message", message })));
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
  followListingArrivals({ listings, images, search, lookups, savedSearches }, isBlocked, emit);
  const startedAt = now();
  const afterPrune = async (gone: ListingChange[]) => {
    const ids = gone.map((change) => change.id);
    // Gone for good at this version: not offered to peers, and not fetched back from them.
    sync?.forget("listings", ids, true);
    for (const { id, seq } of gone) search.remove(id, seq);
    // The pass at start with nothing pruned skips collecting images: it reads every listing's
    // summary, time of the hub's at 100,000 just when the first board and search ask. The hourly
    // passes still collect.
    if (!ids.length && now() - startedAt < 60_000) return;
    await images.collect(await images.referenced());
  };
  first.onPruned(afterPrune);

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
    subscribe: first.subscribe,
    dispose() {
      stop();
      timers.stop();
      listeners.clear();
      for (const peer of session.connectedPeers()) link.hangUp(peer.id);
    },
  };
}
