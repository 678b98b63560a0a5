// The first stage of a peer's start (createPeer, peer.ts): the identity, the store behind its
// quota guard, the block list and the search index, which is all the board and Search answer
// from, and the half of PeerApi they call. That half answers as soon as the block list is read;
// every other call waits for the rest of the start (`startingApi`), so a tab's first screen does
// not wait for the peers, mail, deals and profile reads of the second stage.

import type { HubStatus, PeerApi, PeerEvent } from "./api.ts";
import { BlockList } from "./block-list.ts";
import { generateIdentity, type Identity } from "./crypto.ts";
import { guardStore, QuotaKeeper } from "./listings/quota.ts";
import type { PeerParts } from "./peer-api.ts";
import type { PeerOptions } from "./peer-options.ts";
import type { Clock, Link, Logger, MailStore, StorageEstimator, Store } from "./ports.ts";
import { profileNames } from "./profiles/author-names.ts";
import { Search } from "./search/search.ts";
import type { ListingChange } from "./store.ts";

/** What the first stage opened; the second stage builds the rest of the peer on it. */
export interface BoardParts {
  identity: Identity;
  store: Store & MailStore;
  keeper: QuotaKeeper;
  blocked: BlockList;
  search: Search;
}

export interface BoardHost {
  store: Store & MailStore;
  storage?: StorageEstimator | undefined;
  logger: Logger;
  now: () => number;
  /** The peer's timers (the index waits out a sync before saving itself). */
  clock?: Clock;
  /** A test's known key, used when the store holds no identity yet. */
  identity?: Identity | undefined;
  emit: (event: PeerEvent) => void;
  /** Listings pruned for quota (the second stage tells sync, search and images). */
  pruned: (gone: ListingChange[]) => Promise<void>;
}

/**
 * Opens the identity, then the block list and the search index's saved copy, in that order: the
 * first answers hide blocked authors, so the small block list is read before the copy's megabytes
 * and before any of the second stage's reads. Resolves once the block list is read; the index
 * keeps loading (its queries wait for it).
 */
export async function openBoard(host: BoardHost): Promise<BoardParts> {
  const { now } = host;
  const stored = await host.store.loadIdentity();
  const identity = stored ?? (await host.store.initIdentity(host.identity ?? (await generateIdentity(now()))));
  const keeper = new QuotaKeeper(host.store, {
    me: identity.peerId,
    estimate: host.storage ?? (async () => undefined),
    notify: (message) => host.emit({ type: "notice", message }),
    pruned: (gone) => host.pruned(gone),
    now,
  });
  const store = guardStore(host.store, keeper);
  const blocking = BlockList.open(store);
  // Blocked authors stay indexed and are hidden when the index answers; it asks only then.
  const search = new Search(store, now, {
    hidden: (author) => blocked.has(author),
    warn: (message) => host.logger.warn(message),
    ...(host.clock ? { clock: host.clock } : {}),
  });
  const blocked = await blocking;
  return { identity, store, keeper, blocked, search };
}

/** What the tabs show of the peer's state: its id, the radio, the peers connected. */
export function peerStatus(parts: Pick<PeerParts, "identity" | "link" | "session">): HubStatus {
  return {
    peerId: parts.identity.peerId,
    radio: parts.link.state,
    peers: parts.session
      .connectedPeers()
      .map((p) => ({ id: p.id, stage: p.stage, ...(p.name ? { name: p.name } : {}) })),
  };
}

/** The calls the board and Search make on a cold start, answered by the first stage alone. */
export type BoardCall =
  | "status"
  | "listingCount"
  | "search"
  | "listing"
  | "listingsById"
  | "image"
  | "myProfile"
  | "profileNames"
  | "blockedPeers";

/** The board's half of PeerApi; `full` is the whole peer once it has started (status needs its session). */
export function boardApi(
  board: Pick<BoardParts, "identity" | "store" | "search" | "blocked">,
  link: Link,
  full: () => Pick<PeerParts, "identity" | "link" | "session"> | undefined,
): Pick<PeerApi, BoardCall> {
  const { identity, store, search, blocked } = board;
  return {
    async status() {
      const parts = full();
      // Before the second stage there is no session, so no peer is connected yet.
      return parts ? peerStatus(parts) : { peerId: identity.peerId, radio: link.state, peers: [] };
    },
    // The index answers with what shows (blocked authors' listings hidden), reading no record.
    listingCount: () => search.count(),
    search: (query) => search.search(query),
    listing: (id) => store.getListing(id),
    listingsById: (ids) => store.getListings([...new Set(ids)]),
    image: (hash) => store.getImage(hash),
    myProfile: () => store.getProfile(identity.peerId),
    profileNames: () => profileNames(store),
    async blockedPeers() {
      return blocked.list();
    },
  };
}

/** Every call that is not the board's: all of PeerApi is one or the other (checked by the type). */
const LATER: Record<Exclude<keyof PeerApi, BoardCall>, true> = {
  listings: true,
  post: true,
  network: true,
  block: true,
  unblock: true,
  exportIdentity: true,
  importIdentity: true,
  lookForListing: true,
  myListings: true,
  edit: true,
  setStatus: true,
  renew: true,
  remove: true,
  saveProfile: true,
  profile: true,
  connect: true,
  savedSearches: true,
  saveSearch: true,
  deleteSavedSearch: true,
  setSavedSearchNotify: true,
  openSavedSearch: true,
  deals: true,
  makeOffer: true,
  respondToDeal: true,
  markDealRead: true,
  reputation: true,
  dealSettings: true,
  saveDealSettings: true,
  messages: true,
  sendMessage: true,
  markConversationRead: true,
};

/**
 * The whole PeerApi during a start: the board's calls now, the others once `full` resolves, in
 * the order asked. `hold` hears of each of those (a second stage held back starts then) and of
 * each search answered.
 */
export function startingApi(board: Pick<PeerApi, BoardCall>, full: Promise<PeerApi>, hold?: StageHold): PeerApi {
  const later = Object.fromEntries(
    Object.keys(LATER).map((name) => [
      name,
      async (...args: unknown[]) => {
        hold?.release();
        return ((await full)[name as keyof PeerApi] as (...a: unknown[]) => unknown)(...args);
      },
    ]),
  );
  return {
    ...later,
    ...board,
    async search(query) {
      try {
        return await board.search(query);
      } finally {
        hold?.searched();
      }
    },
  } as PeerApi;
}

/** A held second stage: `settled` once it may start (undefined when nothing holds it). */
export interface StageHold {
  settled?: Promise<void>;
  /** A call needs the whole peer: start now. */
  release(): void;
  /** A search was answered (what the host's hold may wait for: `FirstAnswers.searchAnswered`). */
  searched(): void;
}

/**
 * What a held second stage waits for: what the host's `secondStageAfter` returns settling
 * (failing too), or `release()`, whichever comes first.
 */
export function holdUntil(hold: PeerOptions["secondStageAfter"]): StageHold {
  let searched: () => void = () => undefined;
  const searchAnswered = new Promise<void>((resolve) => {
    searched = resolve;
  });
  const holding = hold?.({ searchAnswered });
  if (!holding) return { release: () => undefined, searched };
  let release: () => void = () => undefined;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const settled = Promise.race([
    holding.then(
      () => undefined,
      () => undefined,
    ),
    released,
  ]);
  return { settled, release: () => release(), searched };
}
