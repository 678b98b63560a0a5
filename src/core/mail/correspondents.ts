// The people the user has deals or conversations with: read once from the MailStore, then told
// of each deal and message as it is stored. Their profiles stay whatever the profile cap
// (profile-quota.ts): a reply to them is sealed with the key their profile carries.

import type { PeerId } from "../crypto.ts";
import type { MailStore } from "./mail-store.ts";

export class Correspondents {
  private people: Promise<Set<PeerId>> | undefined;

  constructor(
    private readonly store: MailStore,
    private readonly me: PeerId,
  ) {}

  /** Everyone the user has a deal or a conversation with. */
  load(): Promise<ReadonlySet<PeerId>> {
    return this.read();
  }

  /** A deal or message with `peer` was stored (if nothing was read yet, the first read finds it). */
  add(peer: PeerId): void {
    // A failed read is reported to whoever loads (the profile cap's admission); nothing to add to.
    this.people?.then((people) => people.add(peer)).catch(() => undefined);
  }

  private read(): Promise<Set<PeerId>> {
    this.people ??= (async () => {
      const people = new Set<PeerId>();
      for (const deal of await this.store.listDeals()) people.add(deal.buyer === this.me ? deal.seller : deal.buyer);
      for (const message of await this.store.listMessages()) people.add(message.peer);
      return people;
    })();
    return this.people;
  }
}
