// A RelayStore in memory, for tests of a durable relay without SQLite: what it holds goes with the
// object. It passes the same suite as the SQLite one (tests/contract/relay-store.ts).

import type { PeerId } from "../../src/core/crypto.ts";
import type { HeldMail, RelayStore } from "../../src/core/mail/relay-store.ts";

export class MemoryRelayStore implements RelayStore {
  /** By slot; Map order is the order first held, as SQLite's rowid keeps it. */
  private readonly held = new Map<string, HeldMail>();
  private readonly authors = new Set<PeerId>();

  async listHeld(): Promise<HeldMail[]> {
    return [...this.held.values()].map((mail) => structuredClone(mail));
  }

  async putHeld(mail: HeldMail): Promise<void> {
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

  async forgetRelayAuthors(authors: PeerId[]): Promise<void> {
    for (const author of authors) this.authors.delete(author);
  }

  close(): void {
    // Nothing to release: the maps go with the object.
  }
}
