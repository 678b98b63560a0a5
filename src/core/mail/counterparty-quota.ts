// How much one other person may leave with us. Anyone with a free identity can write to the user
// inside the rate limits; without a cap, chat messages and deals from one person would fill the
// user's storage (they are never pruned: they are the user's conversations). What one person has
// left is counted once from the store, then kept up to date; past the cap their mail is refused
// ("refused" tells them, nothing is stored) and everyone else's still arrives.

import type { PeerId } from "../crypto.ts";

/** Chat messages one person may leave with us, in all their conversations with the user. */
export const MESSAGES_PER_PERSON = 2_000;
/** Deals one person may have with the user, open or closed. */
export const DEALS_PER_PERSON = 100;

export class CounterpartyQuota {
  private counts: Promise<Map<PeerId, number>> | undefined;

  /** `list` names the person behind each record already stored (one entry a record). */
  constructor(
    private readonly list: () => Promise<PeerId[]>,
    readonly limit: number,
  ) {}

  /** Whether `peer` may leave one more. */
  async admits(peer: PeerId): Promise<boolean> {
    return ((await this.load()).get(peer) ?? 0) < this.limit;
  }

  /** `peer` left one more (call once it is stored). */
  async added(peer: PeerId): Promise<void> {
    const counts = await this.load();
    counts.set(peer, (counts.get(peer) ?? 0) + 1);
  }

  private load(): Promise<Map<PeerId, number>> {
    this.counts ??= this.list().then((peers) => {
      const counts = new Map<PeerId, number>();
      for (const peer of peers) counts.set(peer, (counts.get(peer) ?? 0) + 1);
      return counts;
    });
    return this.counts;
  }
}
