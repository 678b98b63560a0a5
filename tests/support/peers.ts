// Peers for tests, built the one way every host builds them (createPeer), on an in-memory network
// and fake-indexeddb (or a MemoryStore), with background rounds off so a test places every
// connection itself. Only the transport and the storage are stand-ins.

import "fake-indexeddb/auto";
import { generateIdentity, type Identity, type PeerId } from "../../src/core/crypto.ts";
import type { ListingDraft } from "../../src/core/listings/draft.ts";
import type { Listing } from "../../src/core/listings/records.ts";
import { createPeer, type Peer, type PeerOptions } from "../../src/core/peer.ts";
import type { Clock, MailStore, Ports, Store } from "../../src/core/ports.ts";
import { consoleLogger, systemClock } from "../../src/shared/system.ts";
import { openIdbStore } from "../../src/worker/idb-store.ts";
import { type MemoryLink, MemoryNetwork } from "./memory-link.ts";
import { MemoryStore } from "./memory-store.ts";

export interface TestPeerOptions extends PeerOptions {
  /** A store to use (a reload reuses one); else a fresh IndexedDB database, or memory. */
  store?: Store & MailStore;
  /** Reuse this IndexedDB database, to test a reload. */
  dbName?: string;
  /** A MemoryStore instead of fake-indexeddb (simulations of many peers). */
  memory?: boolean;
  clock?: Clock;
  /** Peers blocked from the start. */
  blocked?: Iterable<PeerId>;
  ports?: Partial<Ports>;
}

export interface TestPeer extends Peer {
  id: PeerId;
  link: MemoryLink;
  /** Every listing the peer accepted, in order. */
  received: Listing[];
  /** Hangs up, lets queued handlers finish and closes the store. */
  close(): Promise<void>;
}

let dbCounter = 0;

export async function buildPeer(network: MemoryNetwork, options: TestPeerOptions = {}): Promise<TestPeer> {
  const store =
    options.store ??
    (options.memory
      ? new MemoryStore()
      : await openIdbStore(options.dbName ?? `peer-${++dbCounter}-${Math.random().toString(36).slice(2)}`));
  // The link is named for the identity: load it first when the store already holds one.
  const identity: Identity | undefined = (await store.loadIdentity()) ?? options.identity;
  const id = identity?.peerId ?? (await store.initIdentity(await generateIdentity(Date.now()))).peerId;
  const link = network.link(id);
  const peer = await createPeer(
    { store, link, clock: options.clock ?? systemClock, logger: consoleLogger, ...options.ports },
    { background: false, ...options },
  );
  for (const blocked of options.blocked ?? []) await peer.blocked.add(blocked);
  const received: Listing[] = [];
  peer.listings.onListing((listing) => received.push(listing));
  return {
    ...peer,
    id,
    link,
    received,
    async close() {
      // Frame handlers already running or queued finish before the database goes away (a loaded
      // machine took longer than any fixed wait); one that never ends is not waited for past 2 s.
      const handled = Promise.all(peer.session.connectedPeers().map((p) => peer.session.whenIdle(p.id)));
      peer.dispose();
      await Promise.race([handled, new Promise((resolve) => setTimeout(resolve, 2_000))]);
      await new Promise((resolve) => setTimeout(resolve, 20));
      store.close();
    },
  };
}

/** Posts through the API a user's tab calls; fails the test on a refused draft. */
export async function post(peer: Peer, draft: ListingDraft): Promise<Listing> {
  const result = await peer.api.post(draft);
  if (!result.ok) throw new Error(`post refused: ${result.field}: ${result.message}`);
  return result.listing;
}

export { MemoryNetwork };
