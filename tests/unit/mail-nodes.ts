// Hubs for mail tests (deals, chat, relay, reputation): protocol, mailbox, deals, chat and
// optionally profiles on fake-indexeddb over one in-memory network, wired as src/worker/hub.ts
// wires them. `useMailNodes()` gives each test a fresh network and closes its hubs afterwards.

import "fake-indexeddb/auto";
import { afterEach, beforeEach, expect, vi } from "vitest";
import { Chat } from "../../src/core/chat/chat.ts";
import { generateIdentity, type Identity, type PeerId } from "../../src/core/crypto.ts";
import { Deals } from "../../src/core/deals/deals.ts";
import type { ChatRecord, DealRecord, MailStore } from "../../src/core/mail/mail-store.ts";
import { Mailbox } from "../../src/core/mail/mailbox.ts";
import type { RELAY_LIMITS } from "../../src/core/mail/relay.ts";
import { type MemoryLink, MemoryNetwork } from "../../src/core/memory/memory-link.ts";
import { Profiles } from "../../src/core/profiles/profiles.ts";
import { Protocol } from "../../src/core/session/protocol.ts";
import type { Store } from "../../src/core/store.ts";
import { openIdbStore } from "../../src/worker/idb-store.ts";

export const WAIT = { timeout: 3_000, interval: 5 };

export interface MailNode {
  identity: Identity;
  id: PeerId;
  store: Store & MailStore;
  link: MemoryLink;
  protocol: Protocol;
  mailbox: Mailbox;
  deals: Deals;
  chat: Chat;
  /** Present when the node was made with `profiles: true`. */
  profiles?: Profiles;
  blocked: Set<PeerId>;
  /** Peers the mailbox asked the dialer to reach. */
  dialled: PeerId[];
  dealEvents: DealRecord[];
  messageEvents: ChatRecord[];
  /** Added to Date.now() for the mailbox's clock. */
  clock: { now: number };
}

export interface MailNodeOptions {
  identity?: Identity;
  /** Reuse a database, to test a reload. */
  dbName?: string;
  relayLimits?: Partial<typeof RELAY_LIMITS>;
  /**
   * Profiles too, as in the hub: a profile carrying the ECDH card from the start, receipts
   * added on completion, and mail keys looked up in profiles when no HELLO gave them.
   */
  profiles?: boolean;
}

let dbCounter = 0;

export function useMailNodes(): {
  node(options?: MailNodeOptions): Promise<MailNode>;
  connect(a: MailNode, b: MailNode): Promise<void>;
  disconnect(a: MailNode, b: MailNode): Promise<void>;
  network(): MemoryNetwork;
} {
  let network = new MemoryNetwork();
  let teardown: (() => Promise<void>)[] = [];

  beforeEach(() => {
    network = new MemoryNetwork();
    teardown = [];
    vi.spyOn(console, "warn").mockImplementation(() => undefined);
  });

  afterEach(async () => {
    for (const fn of teardown.reverse()) await fn();
    vi.restoreAllMocks();
  });

  async function node(options: MailNodeOptions = {}): Promise<MailNode> {
    const identity = options.identity ?? (await generateIdentity(Date.now()));
    const store = await openIdbStore(options.dbName ?? `mail-${++dbCounter}-${Math.random().toString(36).slice(2)}`);
    await store.initIdentity(identity);
    const link = network.link(identity.peerId);
    const blocked = new Set<PeerId>();
    const clock = { now: 0 };
    const protocol = new Protocol({ identity, store, link, blocked: (peer) => blocked.has(peer) });
    const dialled: PeerId[] = [];
    const mailbox = new Mailbox({
      identity,
      store,
      protocol,
      dial: (peer) => dialled.push(peer),
      resolveKeys: async (peer) =>
        (await store.listPeers()).find((p) => p.id === peer) ??
        (options.profiles ? await store.getProfile(peer) : undefined),
      blocked: (peer) => blocked.has(peer),
      now: () => Date.now() + clock.now,
      ...(options.relayLimits ? { relayLimits: options.relayLimits } : {}),
    });
    protocol.use(mailbox);
    const profiles = options.profiles ? new Profiles(identity, store, protocol) : undefined;
    if (profiles) {
      protocol.use(profiles);
      profiles.onProfile((profile) => mailbox.keysArrived(profile.peerId));
    }
    const dealEvents: DealRecord[] = [];
    const messageEvents: ChatRecord[] = [];
    const deals: Deals = new Deals({
      identity,
      store,
      mailbox,
      getListing: (id) => store.getListing(id),
      onDeal: (deal) => dealEvents.push(deal),
      ...(profiles ? { onReceipt: async () => profiles.setCompleted(await deals.receipts()) } : {}),
    });
    const chat = new Chat({ identity, store, mailbox, onMessage: (message) => messageEvents.push(message) });
    await profiles?.ensure();
    teardown.push(async () => {
      for (const other of protocol.connectedPeers()) link.hangUp(other.id);
      await new Promise((resolve) => setTimeout(resolve, 20));
      store.close();
    });
    return {
      identity,
      id: identity.peerId,
      store,
      link,
      protocol,
      mailbox,
      deals,
      chat,
      ...(profiles ? { profiles } : {}),
      blocked,
      dialled,
      dealEvents,
      messageEvents,
      clock,
    };
  }

  async function connect(a: MailNode, b: MailNode): Promise<void> {
    a.link.dial(b.id);
    await vi.waitFor(() => {
      expect(a.protocol.readyPeers()).toContain(b.id);
      expect(b.protocol.readyPeers()).toContain(a.id);
    }, WAIT);
  }

  async function disconnect(a: MailNode, b: MailNode): Promise<void> {
    a.link.hangUp(b.id);
    await vi.waitFor(() => {
      expect(a.protocol.readyPeers()).not.toContain(b.id);
      expect(b.protocol.readyPeers()).not.toContain(a.id);
    }, WAIT);
  }

  return { node, connect, disconnect, network: () => network };
}
