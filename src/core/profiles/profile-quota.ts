// How many profiles a hub keeps (docs/architecture.md, "Limits and policy"). Each identity has one
// profile, but identities are free: without a bound in total, a flood of made-up people fills the
// store. The profiles the user needs are kept whatever their number: the people they have deals or
// conversations with (the profile carries the key a reply is sealed with) and the authors of
// stored listings (their names on the board), so those follow the bounds of the deals, chats and
// listings that hold them. Everyone else's share a cap in count and bytes (an avatar counts with
// its profile), and the least recently seen goes first.

import type { PeerId } from "../crypto.ts";
import type { Correspondents } from "../mail/correspondents.ts";
import type { Store } from "../store.ts";
import { frameSize } from "../wire.ts";
import type { Profile } from "./profile.ts";

export interface ProfileLimits {
  /** Profiles of people the user does not need, at most. */
  count: number;
  /** Their bytes, avatars included, at most. */
  bytes: number;
}

/** Ample for the people a community's board shows; small next to a flood of free identities. */
export const OTHER_PROFILES: ProfileLimits = { count: 2_000, bytes: 16 * 1024 * 1024 };

/** What holding a profile costs: the record and its avatar. */
export function profileCost(profile: Profile): number {
  return frameSize(profile) + (profile.avatar?.bytes ?? 0);
}

/** Who has listings stored here (Listings: the per-author cap counts them). */
export interface ListingAuthors {
  counted(): Promise<void>;
  heldOf(author: PeerId): number;
}

export class ProfileQuota {
  readonly limits: ProfileLimits;
  /** The cost of every stored profile but ours, least recently seen first (a Map keeps insertion order). */
  private held: Promise<Map<PeerId, number>> | undefined;
  private bytes = 0;

  constructor(
    private readonly me: PeerId,
    private readonly store: Pick<Store, "listProfiles">,
    private readonly listings: ListingAuthors,
    private readonly correspondents: Correspondents,
    limits: Partial<ProfileLimits> = {},
  ) {
    this.limits = { ...OTHER_PROFILES, ...limits };
  }

  /**
   * Which of `incoming` (verified, about to be stored) may be stored, and which stored profiles
   * make room for them. Arriving now, they are the most recently seen: the least recently seen of
   * the profiles nobody needs go first, and only when a frame alone holds more than the cap are
   * some of its own refused.
   */
  async admit(incoming: readonly Profile[]): Promise<{ accepted: Profile[]; evicted: PeerId[] }> {
    const held = await this.load();
    const arriving = new Map<PeerId, Profile>();
    for (const profile of incoming) if (profile.peerId !== this.me) arriving.set(profile.peerId, profile);
    const own = incoming.filter((p) => p.peerId === this.me);
    let count = held.size;
    let bytes = this.bytes;
    for (const [peer, profile] of arriving) {
      const before = held.get(peer);
      if (before === undefined) count++;
      bytes += profileCost(profile) - (before ?? 0);
    }
    // Within the cap even if nobody were needed: nothing to look up.
    if (count <= this.limits.count && bytes <= this.limits.bytes) return { accepted: [...incoming], evicted: [] };
    const needed = await this.needed();
    // The profiles that may go, in the order they go: stored ones least recently seen first, then this frame's.
    const queue: [PeerId, number][] = [];
    for (const [peer, cost] of held) if (!needed(peer) && !arriving.has(peer)) queue.push([peer, cost]);
    for (const [peer, profile] of arriving) if (!needed(peer)) queue.push([peer, profileCost(profile)]);
    let othersCount = queue.length;
    let othersBytes = queue.reduce((sum, [, cost]) => sum + cost, 0);
    const gone = new Set<PeerId>();
    for (const [peer, cost] of queue) {
      if (othersCount <= this.limits.count && othersBytes <= this.limits.bytes) break;
      gone.add(peer);
      othersCount--;
      othersBytes -= cost;
    }
    const accepted = [...own, ...[...arriving.values()].filter((p) => !gone.has(p.peerId))];
    // A refused profile of someone held goes too: keeping their older one would not bound anything.
    return { accepted, evicted: [...gone].filter((peer) => held.has(peer)) };
  }

  /** A version was stored: its owner is the most recently seen. */
  async stored(profile: Profile): Promise<void> {
    if (profile.peerId === this.me) return;
    const held = await this.load();
    this.bytes -= held.get(profile.peerId) ?? 0;
    held.delete(profile.peerId);
    const cost = profileCost(profile);
    held.set(profile.peerId, cost);
    this.bytes += cost;
  }

  /** We heard from `peer` (a copy of the profile we hold, a HELLO): seen now. */
  async seen(peer: PeerId): Promise<void> {
    const held = await this.load();
    const cost = held.get(peer);
    if (cost === undefined) return;
    held.delete(peer);
    held.set(peer, cost);
  }

  /** A profile left the store. */
  async removed(peer: PeerId): Promise<void> {
    const held = await this.load();
    this.bytes -= held.get(peer) ?? 0;
    held.delete(peer);
  }

  /** Profiles held of others, and their bytes. */
  async size(): Promise<{ count: number; bytes: number }> {
    return { count: (await this.load()).size, bytes: this.bytes };
  }

  /** Whose profiles stay whatever the cap: authors of stored listings, people with a deal or a conversation. */
  private async needed(): Promise<(peer: PeerId) => boolean> {
    const { listings, correspondents } = this;
    await listings.counted();
    const people = await correspondents.load();
    return (peer) => people.has(peer) || listings.heldOf(peer) > 0;
  }

  private load(): Promise<Map<PeerId, number>> {
    // Nothing says when a stored profile was last seen before this start: its date stands in.
    this.held ??= this.store.listProfiles().then((profiles) => {
      const held = new Map<PeerId, number>();
      for (const profile of [...profiles].reverse()) {
        if (profile.peerId === this.me) continue;
        const cost = profileCost(profile);
        held.set(profile.peerId, cost);
        this.bytes += cost;
      }
      return held;
    });
    return this.held;
  }
}
