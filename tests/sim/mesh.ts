// A simulated community: many peers built by createPeer on MemoryStores over one in-memory
// network, each with its real dialer and connection cap, so the mesh forms as it would in browsers.
// Used by tests/sim/*.test.ts and bench/gossip.bench.ts.

import { generateIdentity, type PeerId } from "../../src/core/crypto.ts";
import type { Listing } from "../../src/core/listings/records.ts";
import type { Profile } from "../../src/core/profiles/profile.ts";
import { churnCandidate } from "../../src/core/session/connection-cap.ts";
import { frameSize } from "../../src/core/wire.ts";
import { MemoryNetwork } from "../support/memory-link.ts";
import { buildPeer, type TestPeer } from "../support/peers.ts";

export interface MeshOptions {
  hubs: number;
  /** Connections each hub dials towards (the hub's default is 6). */
  maxPeers?: number;
  /** Hard cap on connections, dialled or accepted. */
  maxConnections?: number;
  syncMode?: "reconcile" | "send-all";
  /** One-way delay of every frame. */
  latencyMs?: number;
}

export type SimHub = TestPeer;

/** MemoryNetwork with a fixed one-way delay; order per direction is kept. */
export class DelayedNetwork extends MemoryNetwork {
  constructor(private readonly latencyMs: number) {
    super();
  }

  override deliver(from: PeerId, to: PeerId, frame: unknown): void {
    if (!this.latencyMs) {
      super.deliver(from, to, frame);
      return;
    }
    this.sent.push({ from, to, frame });
    const copy = structuredClone(frame);
    setTimeout(() => this.get(to)?.receive(from, copy), this.latencyMs);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class Mesh {
  readonly network: MemoryNetwork;
  readonly hubs: SimHub[] = [];

  private constructor(readonly options: MeshOptions) {
    this.network = new DelayedNetwork(options.latencyMs ?? 0);
  }

  static async create(options: MeshOptions): Promise<Mesh> {
    const mesh = new Mesh(options);
    const identities = await Promise.all(Array.from({ length: options.hubs }, () => generateIdentity(Date.now())));
    const ids = identities.map((identity) => identity.peerId);
    for (const identity of identities) {
      const hub = await buildPeer(mesh.network, {
        identity,
        memory: true,
        ...(options.syncMode ? { syncMode: options.syncMode } : {}),
        maxPeers: options.maxPeers ?? 6,
        maxConnections: options.maxConnections ?? 8,
        // PeerServer discovery lists everyone registered.
        ports: { discovery: async () => ids },
      });
      mesh.hubs.push(hub);
    }
    return mesh;
  }

  /** Dial rounds until every hub has its connections (or `rounds` run out), then let HELLO finish. */
  async form(rounds = 30): Promise<void> {
    const target = this.options.maxPeers ?? 6;
    for (let round = 0; round < rounds; round++) {
      await Promise.all(this.hubs.map((hub) => hub.dialer.tick()));
      await sleep(20 + 2 * (this.options.latencyMs ?? 0));
      if (this.hubs.every((hub) => hub.session.readyPeers().length >= target)) break;
    }
    await this.settle();
  }

  /** Waits until no frame has been sent for a while. */
  async settle(quietMs = 100, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let count = -1;
    while (Date.now() < deadline) {
      if (this.network.sent.length === count) return;
      count = this.network.sent.length;
      await sleep(quietMs + 2 * (this.options.latencyMs ?? 0));
    }
  }

  /** One churn round: every hub with a full set drops its oldest peer; then the dialers refill. */
  async churn(): Promise<void> {
    for (const hub of this.hubs) {
      const peer = churnCandidate(hub.session.connectedPeers(), this.options.maxPeers ?? 6);
      if (peer) this.network.disconnect(hub.id, peer);
    }
    await this.form(10);
  }

  hub(index: number): SimHub {
    const hub = this.hubs[index];
    if (!hub) throw new RangeError(`No hub ${index}`);
    return hub;
  }

  degrees(): number[] {
    return this.hubs.map((hub) => hub.session.readyPeers().length);
  }

  /** Hubs holding this version of the listing (or a newer one). */
  async holders(listing: Listing): Promise<number> {
    let count = 0;
    for (const hub of this.hubs)
      if (((await hub.store.getListing(listing.id))?.version ?? 0) >= listing.version) count++;
    return count;
  }

  /** Hubs holding this version of the profile (or a newer one). */
  async profileHolders(profile: Profile): Promise<number> {
    let count = 0;
    for (const hub of this.hubs)
      if (((await hub.store.getProfile(profile.peerId))?.updatedAt ?? 0) >= profile.updatedAt) count++;
    return count;
  }

  /**
   * How one listing spread, from the frames sent since `sentFrom`: hops from the author to each
   * hub (by first delivery), whole-record deliveries past the first per hub, and bytes on the
   * wire of every frame (announcements, requests and SYNC included).
   */
  spread(listing: Listing, sentFrom: number): { hops: number[]; duplicates: number[]; bytes: number } {
    const hops = new Map<PeerId, number>([[listing.author, 0]]);
    const deliveries = new Map<PeerId, number>();
    let bytes = 0;
    for (const { from, to, frame } of this.network.sent.slice(sentFrom)) {
      bytes += frameSize(frame);
      const f = frame as { type: string; listings?: Listing[] };
      if (f.type !== "LISTING_BROADCAST" || !f.listings?.some((l) => l.id === listing.id)) continue;
      deliveries.set(to, (deliveries.get(to) ?? 0) + 1);
      const hop = hops.get(from);
      if (!hops.has(to) && hop !== undefined) hops.set(to, hop + 1);
    }
    hops.delete(listing.author);
    return {
      hops: [...hops.values()],
      duplicates: this.hubs
        .filter((hub) => hub.id !== listing.author)
        .map((hub) => Math.max(0, (deliveries.get(hub.id) ?? 0) - 1)),
      bytes,
    };
  }

  close(): void {
    for (const hub of this.hubs) for (const peer of hub.session.readyPeers()) this.network.disconnect(hub.id, peer);
  }
}
