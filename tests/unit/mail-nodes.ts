// Peers for mail tests (deals, chat, relay, reputation), built by createPeer on fake-indexeddb over
// one in-memory network, with the dials they ask for and their deal and chat events recorded.
// `useMailNodes()` gives each test a fresh network and closes its peers afterwards.

import "fake-indexeddb/auto";
import { afterEach, beforeEach, expect, vi } from "vitest";
import { generateIdentity, type Identity, type PeerId } from "../../src/core/crypto.ts";
import type { RELAY_LIMITS } from "../../src/core/mail/relay.ts";
import type { ChatRecord, DealRecord } from "../../src/core/ports.ts";
import { systemClock } from "../../src/shared/system.ts";
import { MemoryNetwork } from "../support/memory-link.ts";
import { buildPeer, type TestPeer, type TestPeerOptions } from "../support/peers.ts";

export const WAIT = { timeout: 3_000, interval: 5 };

export interface MailNode extends TestPeer {
  /** Peers the peer asked its link to dial (the dial itself reaches nobody). */
  dialled: PeerId[];
  dealEvents: DealRecord[];
  messageEvents: ChatRecord[];
  /** Added to Date.now() for the peer's clock. */
  clock: { now: number };
}

export interface MailNodeOptions {
  identity?: Identity;
  /** Reuse a database, to test a reload. */
  dbName?: string;
  relayLimits?: Partial<typeof RELAY_LIMITS>;
  perPerson?: TestPeerOptions["perPerson"];
  /** A store to use instead of IndexedDB (the always-on peer's SQLite), and ports to add. */
  store?: TestPeerOptions["store"];
  ports?: TestPeerOptions["ports"];
}

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
    const offset = { now: 0 };
    const peer = await buildPeer(network, {
      identity: options.identity ?? (await generateIdentity(Date.now())),
      ...(options.dbName ? { dbName: options.dbName } : {}),
      ...(options.relayLimits ? { relayLimits: options.relayLimits } : {}),
      ...(options.perPerson ? { perPerson: options.perPerson } : {}),
      ...(options.store ? { store: options.store } : {}),
      ...(options.ports ? { ports: options.ports } : {}),
      clock: { ...systemClock, now: () => Date.now() + offset.now },
    });
    // Dials find nobody, as between users behind two NATs: a test opens every channel itself
    // (connect below), so "A and B never meet" holds while the peer's dialer works as it does.
    const dialled: PeerId[] = [];
    peer.link.dial = (other) => void dialled.push(other);
    const dealEvents: DealRecord[] = [];
    const messageEvents: ChatRecord[] = [];
    peer.subscribe((event) => {
      if (event.type === "deal") dealEvents.push(event.deal);
      if (event.type === "message") messageEvents.push(event.message);
    });
    teardown.push(() => peer.close());
    return { ...peer, dialled, dealEvents, messageEvents, clock: offset };
  }
  async function connect(a: MailNode, b: MailNode): Promise<void> {
    network.connect(a.id, b.id);
    await vi.waitFor(() => {
      expect(a.session.readyPeers()).toContain(b.id);
      expect(b.session.readyPeers()).toContain(a.id);
    }, WAIT);
  }

  async function disconnect(a: MailNode, b: MailNode): Promise<void> {
    a.link.hangUp(b.id);
    await vi.waitFor(() => {
      expect(a.session.readyPeers()).not.toContain(b.id);
      expect(b.session.readyPeers()).not.toContain(a.id);
    }, WAIT);
  }

  return { node, connect, disconnect, network: () => network };
}
