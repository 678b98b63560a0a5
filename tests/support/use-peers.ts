// The hooks of a test file whose peers (peers.ts) talk over one in-memory network: a fresh network
// for each test, the peers it built closed after it (last built, first closed), and a connect that
// waits until HELLO is done both ways. Call it at the top of a file or inside a describe block.

import { afterEach, beforeEach, expect, vi } from "vitest";
import { MemoryNetwork } from "./memory-link.ts";
import { buildPeer, type TestPeer, type TestPeerOptions } from "./peers.ts";

export const PEER_WAIT = { timeout: 5_000, interval: 5 };

export interface PeersOptions {
  /** What every peer of the file is built with, unless a call says otherwise. */
  defaults?: TestPeerOptions;
  /** Silence console.warn (struck peers, refused frames) and restore it after each test. */
  quiet?: boolean;
}

export function usePeers({ defaults = {}, quiet = false }: PeersOptions = {}) {
  let network = new MemoryNetwork();
  const teardown: (() => Promise<void>)[] = [];

  beforeEach(() => {
    network = new MemoryNetwork();
    if (quiet) vi.spyOn(console, "warn").mockImplementation(() => undefined);
  });

  afterEach(async () => {
    for (const fn of teardown.splice(0).reverse()) await fn();
    if (quiet) vi.restoreAllMocks();
  });

  async function connect(a: TestPeer, b: TestPeer): Promise<void> {
    network.connect(a.id, b.id);
    await vi.waitFor(() => {
      expect(a.session.readyPeers()).toContain(b.id);
      expect(b.session.readyPeers()).toContain(a.id);
    }, PEER_WAIT);
  }

  return {
    /** This test's network. */
    network: () => network,
    /** A peer closed after the test; closing it sooner (a reload) is fine, it closes once. */
    async node(options: TestPeerOptions = {}): Promise<TestPeer> {
      const peer = await buildPeer(network, { ...defaults, ...options });
      let closed: Promise<void> | undefined;
      const close = () => {
        closed ??= peer.close();
        return closed;
      };
      teardown.push(close);
      return { ...peer, close };
    },
    connect,
    /** Four peers from `make`: A connected to B and C, D only to B and C, so D is two hops from A. */
    async diamond(make: () => Promise<TestPeer>): Promise<[TestPeer, TestPeer, TestPeer, TestPeer]> {
      const [a, b, c, d] = await Promise.all([make(), make(), make(), make()]);
      for (const [x, y] of [
        [a, b],
        [a, c],
        [b, d],
        [c, d],
      ] as const)
        await connect(x, y);
      return [a, b, c, d];
    },
  };
}
