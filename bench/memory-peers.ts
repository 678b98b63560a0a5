// What the in-memory hostile benches share: peers on a MemoryNetwork closed together at the end,
// a connect that waits for HELLO both ways, and the bytes one peer sent another. Written against
// APIs every version has, like the benches that use it, so they measure before and after alike.

import { expect, vi } from "vitest";
import { frameSize } from "../src/core/wire.ts";
import type { MemoryNetwork } from "../tests/support/memory-link.ts";
import { buildPeer, type TestPeer } from "../tests/support/peers.ts";

const peers: TestPeer[] = [];

export async function node(network: MemoryNetwork, options: Parameters<typeof buildPeer>[1] = {}) {
  const peer = await buildPeer(network, { memory: true, ...options });
  peers.push(peer);
  return peer;
}

export async function closePeers(): Promise<void> {
  for (const peer of peers.splice(0)) await peer.close();
}

/** Connects two peers, waits for HELLO both ways, then `settleMs` for the first sync to start. */
export async function ready(network: MemoryNetwork, a: TestPeer, b: TestPeer, settleMs = 100): Promise<void> {
  network.connect(a.id, b.id);
  await vi.waitFor(() => expect(a.session.readyPeers()).toContain(b.id), { timeout: 5000 });
  await vi.waitFor(() => expect(b.session.readyPeers()).toContain(a.id), { timeout: 5000 });
  await new Promise((resolve) => setTimeout(resolve, settleMs));
}

/** Bytes `from` sent `to` since the network's `since`-th frame. */
export function traffic(network: MemoryNetwork, from: string, to: string, since: number): number {
  return network.sent
    .slice(since)
    .filter((s) => s.from === from && s.to === to)
    .reduce((n, s) => n + frameSize(s.frame), 0);
}

export const kb = (bytes: number) =>
  bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
