// PeerApi over a peer's parts: what a person can ask of their peer, answered from its store and
// features. Bad input comes back as a result with a message, never as a thrown error.

import type { ConnectResult, MailResult, NetworkReport, PeerApi, PeerEvent } from "./api.ts";
import { BackupError, exportIdentity, importIdentity } from "./backup.ts";
import type { BlockList } from "./block-list.ts";
import type { Chat } from "./chat/chat.ts";
import { type Identity, parsePeerId } from "./crypto.ts";
import type { DealSettingsStore } from "./deals/deal-settings.ts";
import type { Deals } from "./deals/deals.ts";
import { PeerboardError, ValidationError } from "./errors.ts";
import type { Images } from "./listings/images.ts";
import type { ListingActions } from "./listings/listing-actions.ts";
import type { Listings } from "./listings/listings.ts";
import type { ListingLookups } from "./listings/lookups.ts";
import { isVisible } from "./listings/records.ts";
import type { Mailbox } from "./mail/mailbox.ts";
import { boardApi } from "./peer-board.ts";

export { peerStatus } from "./peer-board.ts";

import type { Link, MailStore, Store } from "./ports.ts";
import type { Profiles } from "./profiles/profiles.ts";
import { countReceipts } from "./profiles/receipt.ts";
import type { SavedSearches } from "./search/saved-searches.ts";
import type { Search } from "./search/search.ts";
import type { Dialer } from "./session/dialer.ts";
import type { Session } from "./session/session.ts";
import type { SyncExtension } from "./sync/sync.ts";
import { MAX_FRAME_BYTES } from "./wire.ts";

/** Everything createPeer wired, for the API below, the host and tests that look inside. */
export interface PeerParts {
  identity: Identity;
  store: Store & MailStore;
  link: Link;
  session: Session;
  /** Absent in send-all mode. */
  sync?: SyncExtension;
  listings: Listings;
  lookups: ListingLookups;
  actions: ListingActions;
  dialer: Dialer;
  blocked: BlockList;
  search: Search;
  savedSearches: SavedSearches;
  images: Images;
  profiles: Profiles;
  mailbox: Mailbox;
  deals: Deals;
  chat: Chat;
  dealSettings: DealSettingsStore;
  api: PeerApi;
}

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

/** The saved-search half of PeerApi; every change is told to the views as a "saved-searches" event. */
function savedSearchApi(
  parts: PeerParts,
  emit: (event: PeerEvent) => void,
  now: () => number,
): Pick<PeerApi, "savedSearches" | "saveSearch" | "deleteSavedSearch" | "setSavedSearchNotify" | "openSavedSearch"> {
  const saved = parts.savedSearches;
  const changed = async <T>(result: T): Promise<T> => {
    emit({ type: "saved-searches", searches: await saved.list() });
    return result;
  };
  return {
    savedSearches: () => saved.list(),
    saveSearch: async (query) => {
      const result = await saved.save(query);
      return result.ok ? changed(result) : result;
    },
    deleteSavedSearch: async (id) => ((await saved.remove(id)) ? changed(true) : false),
    setSavedSearchNotify: async (id, notify) => changed(await saved.setNotify(id, notify)),
    async openSavedSearch(id) {
      const record = await saved.get(id);
      if (!record) return undefined;
      const listings = (await parts.store.getListings(record.matches.map((m) => m.listingId))).filter(
        (l) => isVisible(l, now()) && !parts.blocked.has(l.author),
      );
      const search = await saved.markSeen(id);
      return search && changed({ search, listings });
    },
  };
}

export function createPeerApi(
  parts: PeerParts,
  host: { emit: (event: PeerEvent) => void; now: () => number; onIdentityReplaced?: (() => void) | undefined },
): PeerApi {
  const { identity, store, link, session, actions, blocked, profiles, deals, chat, dialer, mailbox } = parts;
  const me = identity.peerId;
  return {
    // What the board and Search ask, answered the same way before and after the second stage.
    ...boardApi(parts, link, () => parts),
    async listings() {
      return (await actions.visible()).filter((l) => !blocked.has(l.author));
    },
    async block(peerIdText) {
      const parsed = typedPeerId(peerIdText);
      if (!parsed.ok) return parsed;
      const peer = parsed.peer;
      if (peer === me) return { ok: false, message: "You cannot block yourself." };
      await blocked.add(peer);
      if (session.isConnected(peer)) link.hangUp(peer);
      return { ok: true, peer };
    },
    async unblock(peer) {
      await blocked.remove(peer);
    },
    lookForListing: (id) => parts.lookups.look(id),
    myListings: () => actions.mine(),
    post: (draft) => actions.post(draft),
    edit: (id, draft) => actions.edit(id, draft),
    setStatus: (id, status) => actions.setStatus(id, status),
    renew: (id, days) => actions.renew(id, days),
    remove: (id) => actions.remove(id),
    ...savedSearchApi(parts, host.emit, host.now),
    saveProfile: (draft) => profiles.save(draft),
    profile: (peerId) => profiles.get(peerId),
    async network(): Promise<NetworkReport> {
      const { policy } = session;
      return {
        peers: session.connectedPeers(),
        banned: policy.banned(),
        limits: { maxFrameBytes: MAX_FRAME_BYTES, maxPeers: dialer.maxPeers, ...policy.settings },
        unreachable: dialer.unreachable(),
        relay: mailbox.relayStats(),
      };
    },
    async exportIdentity(passphrase) {
      try {
        const text = await exportIdentity(identity, passphrase);
        return { ok: true, text, fileName: `peerboard-identity-${me}.json` };
      } catch (error) {
        if (error instanceof BackupError) return { ok: false, message: error.message };
        throw error;
      }
    },
    async importIdentity(fileText, passphrase) {
      let imported: Identity;
      try {
        imported = await importIdentity(fileText, passphrase);
      } catch (error) {
        if (error instanceof BackupError) return { ok: false, message: error.message };
        throw error;
      }
      if (imported.peerId === me) return { ok: true, peerId: imported.peerId };
      await store.replaceIdentity(imported);
      // This peer is now the wrong identity: the host starts a new one (tabs hear "restarting").
      host.emit({ type: "restarting" });
      host.onIdentityReplaced?.();
      return { ok: true, peerId: imported.peerId };
    },
    async connect(peerIdText) {
      const parsed = typedPeerId(peerIdText);
      if (!parsed.ok) return parsed;
      const peer = parsed.peer;
      if (peer === me) return { ok: false, message: "That is your own peer id." };
      if (link.state !== "online")
        return { ok: false, message: "Not connected to the signaling server yet; try again in a moment." };
      dialer.connectNow(peer);
      return { ok: true, peer };
    },
    deals: () => deals.list(),
    makeOffer: (listingId, input) => mailAction(() => deals.propose(listingId, input)),
    respondToDeal: (dealId, action, input) => mailAction(() => deals.respond(dealId, action, input)),
    markDealRead: (dealId) => deals.markRead(dealId),
    // What others see: the receipts in our signed profile, kept across an identity import too.
    reputation: async () => countReceipts(identity.peerId, (await profiles.mine())?.completed),
    dealSettings: async () => parts.dealSettings.get(),
    saveDealSettings: (settings) => parts.dealSettings.save(settings),
    messages: () => chat.list(),
    sendMessage: (peer, topic, text) => mailAction(() => chat.send(peer, topic, text)),
    markConversationRead: (peer, topic) => chat.markRead(peer, topic),
  };
}
