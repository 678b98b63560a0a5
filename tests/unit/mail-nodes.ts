// Peers for mail tests (deals, chat, relay, reputation), built by createPeer on fake-indexeddb over
// one in-memory network, with the dials they ask for and their deal and chat events recorded.
// `useMailNodes()` gives each test a fresh network and closes its peers afterwards (use-peers.ts);
// `triangle()` the relay tests' A, R and B, where A and B never meet.

import "fake-indexeddb/auto";
import { expect, vi } from "vitest";
import { generateIdentity, type Identity, type PeerId } from "../../src/core/crypto.ts";
import type { RELAY_LIMITS } from "../../src/core/mail/relay.ts";
import { agreementCard } from "../../src/core/mail/seal.ts";
import type { ChatRecord, DealRecord } from "../../src/core/ports.ts";
import { systemClock } from "../../src/shared/system.ts";
import type { MemoryNetwork } from "../support/memory-link.ts";
import type { TestPeer, TestPeerOptions } from "../support/peers.ts";
import { usePeers } from "../support/use-peers.ts";

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
  triangle(options?: TriangleOptions): Promise<[MailNode, MailNode, MailNode]>;
  seenDelivering(author: MailNode, relay: MailNode, recipient: MailNode): Promise<void>;
} {
  const peers = usePeers({ quiet: true });
  const { connect } = peers;

  async function node(options: MailNodeOptions = {}): Promise<MailNode> {
    const offset = { now: 0 };
    const peer = await peers.node({
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
    return { ...peer, dialled, dealEvents, messageEvents, clock: offset };
  }

  async function disconnect(a: MailNode, b: MailNode): Promise<void> {
    a.link.hangUp(b.id);
    await vi.waitFor(() => {
      expect(a.session.readyPeers()).not.toContain(b.id);
      expect(b.session.readyPeers()).not.toContain(a.id);
    }, WAIT);
  }

  async function triangle(options: TriangleOptions = {}): Promise<[MailNode, MailNode, MailNode]> {
    const relayLimits = options.relayLimits ? { relayLimits: options.relayLimits } : {};
    const [a, r, b] = [await node(), await node(relayLimits), await node()];
    await knows(a, b);
    if (options.connected ?? true) {
      await connect(a, r);
      await connect(r, b);
    }
    return [a, r, b];
  }

  /** `relay` sees `author` deliver: one message to `recipient` through it, answered. Stays connected. */
  async function seenDelivering(author: MailNode, relay: MailNode, recipient: MailNode): Promise<void> {
    await knows(author, recipient);
    await connect(author, relay);
    await connect(relay, recipient);
    const first = await author.chat.send(recipient.id, "listing-topic-1", "hello");
    await untilStatus(author, first, "delivered");
  }

  return { node, connect, disconnect, network: peers.network, triangle, seenDelivering };
}

export interface TriangleOptions {
  /** The relay's limits. */
  relayLimits?: MailNodeOptions["relayLimits"];
  /** Connect A to R and R to B (the default); false leaves every connection to the test. */
  connected?: boolean;
}

/** What `who` learns of `other` from a signed card (stored peer records, as from a profile). */
export async function knows(who: MailNode, other: MailNode): Promise<void> {
  await who.store.rememberPeer({
    id: other.id,
    publicKey: other.identity.publicKey,
    lastSeen: 0,
    ...(await agreementCard(other.identity)),
  });
}

/** Waits until the author's copy of `sent` has `status` (its receipt came back). */
export async function untilStatus(
  author: MailNode,
  sent: { author: PeerId; id: string },
  status: ChatRecord["status"],
): Promise<void> {
  await vi.waitFor(
    async () => expect((await author.store.getMessage(sent.author, sent.id))?.status).toBe(status),
    WAIT,
  );
}
