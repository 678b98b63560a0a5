// A RelayStore in memory, for tests and simulations: it outlives the peers built on it, so a test
// can stop a relay and start it again on the same store, as the Node peer restarts on its file.

import type { PeerId } from "../crypto.ts";
import type { HeldMail, RelayStore } from "../mail/relay-store.ts";

export class MemoryRelayStore implements RelayStore {
  private readonly held = new Map<string, HeldMail>();
  private readonly authors = new Set<PeerId>();

  async listHeld(): Promise<HeldMail[]> {
    return [...this.held.values()].map((h) => structuredClone(h));
  }

  async putHeld(mail: HeldMail): Promise<void> {
    // Map.set keeps an existing slot's place: the order stays oldest first.
    this.held.set(mail.slot, structuredClone(mail));
  }

  async deleteHeld(slots: string[]): Promise<void> {
    for (const slot of slots) this.held.delete(slot);
  }

  async listRelayAuthors(): Promise<PeerId[]> {
    return [...this.authors];
  }

  async addRelayAuthor(author: PeerId): Promise<void> {
    this.authors.add(author);
  }
}
