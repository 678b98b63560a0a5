// The peers the user blocked, kept in the store's meta. A blocked peer is not dialled or talked
// to, what it wrote is neither shown nor relayed, and it stays stored so unblocking restores it.

import type { PeerId } from "./crypto.ts";
import type { Store } from "./store.ts";

const BLOCKED_KEY = "blocked";

export class BlockList {
  private constructor(
    private readonly store: Store,
    private readonly peers: Set<PeerId>,
  ) {}

  static async open(store: Store): Promise<BlockList> {
    return new BlockList(store, new Set((await store.getMeta<PeerId[]>(BLOCKED_KEY)) ?? []));
  }

  has(peer: PeerId): boolean {
    return this.peers.has(peer);
  }

  list(): PeerId[] {
    return [...this.peers];
  }

  async add(peer: PeerId): Promise<void> {
    this.peers.add(peer);
    await this.store.setMeta(BLOCKED_KEY, this.list());
  }

  async remove(peer: PeerId): Promise<void> {
    this.peers.delete(peer);
    await this.store.setMeta(BLOCKED_KEY, this.list());
  }
}
