// Profiles over the protocol (USER_INFO): ours is signed when the user saves it and sent to every
// peer; others' are reconciled on connect and gossiped by key like listings (sync.ts),
// asked for with PROFILE_REQUEST and answered with PROFILE_BROADCAST.

import type { AuthorSummary, ProfileResult } from "../api.ts";
import type { Identity, PeerId } from "../crypto.ts";
import { canonicalJson } from "../encoding.ts";
import { ValidationError } from "../errors.ts";
import type { ImageRef } from "../listings/records.ts";
import { agreementCard } from "../mail/seal.ts";
import type { Thumbnail } from "../ports.ts";
import type { ProtocolExtension, SessionHost } from "../session/extension.ts";
import type { Store } from "../store.ts";
import { REQUEST_BATCH, type RecordKey, type RecordSet } from "../sync/record-set.ts";
import type { SyncExtension } from "../sync/sync.ts";
import { type Frame, type FrameOf, frame } from "../wire.ts";
import { profileNames } from "./author-names.ts";
import {
  batchProfiles,
  createProfile,
  type Profile,
  type ProfileDraft,
  profileSupersedes,
  signProfile,
  verifyProfile,
} from "./profile.ts";
import type { ProfileQuota } from "./profile-quota.ts";
import { MAX_RECEIPTS, type Receipt } from "./receipt.ts";

/**
 * Profiles of others sent on connect in send-all mode (the benchmark baseline), newest first;
 * reconciliation replaces this.
 */
const PROFILES_ON_CONNECT = 200;

const profileKey = (profile: Profile): RecordKey => ({
  id: profile.peerId,
  updatedAt: profile.updatedAt,
  author: profile.peerId,
});

export class Profiles implements ProtocolExtension {
  readonly types = ["USER_INFO", "PROFILE_REQUEST", "PROFILE_BROADCAST"] as const;
  private readonly listeners = new Set<(profile: Profile) => void>();
  private readonly evictedListeners = new Set<(profiles: Profile[]) => Promise<void>>();
  /** Admissions one at a time, so two frames at once cannot both fill the room that is left. */
  private admitting: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly identity: Identity,
    private readonly store: Store,
    private readonly host: SessionHost,
    /** Reconciliation and gossip; without it (send-all mode) profiles go to every new peer. */
    private readonly sync: SyncExtension | undefined,
    private readonly now: () => number,
    /** How many profiles of others are held (profile-quota.ts). */
    readonly quota: ProfileQuota,
    /** Makes the avatar thumbnail (thumbnails.ts in the browser). */
    private readonly thumbnail?: (photo: Blob) => Promise<Thumbnail>,
    /** Fetches the avatar bytes of a profile from peers (Images.fetch). */
    private readonly fetchImages?: (refs: ImageRef[]) => Promise<void>,
  ) {
    sync?.addSet(this.recordSet());
  }

  onProfile(fn: (profile: Profile) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Profiles the cap pushed out (their avatars can go too). */
  onEvicted(fn: (profiles: Profile[]) => Promise<void>): void {
    this.evictedListeners.add(fn);
  }

  mine(): Promise<Profile | undefined> {
    return this.store.getProfile(this.identity.peerId);
  }

  /** Display names (and avatar hashes) by peer id, for showing authors; nameless profiles are left out. */
  names(): Promise<Record<PeerId, AuthorSummary>> {
    return profileNames(this.store);
  }

  /**
   * Makes sure we have a signed profile carrying our current ECDH card, even before the user
   * saves one (then with no name): people who never met us need it to seal an offer to us.
   */
  async ensure(): Promise<void> {
    const previous = await this.mine();
    const card = await agreementCard(this.identity);
    if (previous?.agreementKey === card.agreementKey) return;
    // A first, nameless profile is dated when the identity was made, so after importing an
    // identity the profile it already has on peers (newer) wins and comes back, not this one.
    await this.resign(previous, {}, previous ? this.now() : this.identity.createdAt);
  }

  /**
   * Adds these completed deals to our profile (newest first, capped) and re-signs it when that
   * changes anything. Receipts are only ever added: ones the profile already lists stay, even
   * when this device does not hold their deals (an identity imported from a backup).
   */
  async setCompleted(receipts: Receipt[]): Promise<void> {
    const previous = await this.mine();
    const byDeal = new Map((previous?.completed ?? []).map((r) => [r.dealId, r]));
    for (const receipt of receipts) byDeal.set(receipt.dealId, receipt);
    const completed = [...byDeal.values()].sort((a, b) => b.completedAt - a.completedAt).slice(0, MAX_RECEIPTS);
    if (canonicalJson(previous?.completed ?? []) === canonicalJson(completed)) return;
    await this.resign(previous, { completed }, this.now());
  }

  /** Signs, stores and sends our profile: what `previous` says, with `changes` over it. */
  private async resign(previous: Profile | undefined, changes: { completed?: Receipt[] }, at: number): Promise<void> {
    const { name = "", about = "", avatar, completed } = previous ?? {};
    const content = { name, about, ...(avatar ? { avatar } : {}), ...(completed ? { completed } : {}), ...changes };
    const profile = await signProfile(this.identity, content, at, previous);
    if (!(await this.store.putProfileIf(profile, (stored) => profileSupersedes(profile, stored)))) return;
    this.emit(profile);
    this.relay([profile]);
  }

  async get(peerId: PeerId): Promise<Profile | undefined> {
    return this.store.getProfile(peerId);
  }

  async save(draft: ProfileDraft): Promise<ProfileResult> {
    let profile: Profile;
    try {
      let avatar: ImageRef | undefined;
      if (draft.avatarPhoto) {
        if (!this.thumbnail) throw new ValidationError("avatar", "Photos cannot be processed here.");
        // The thumbnail error names "photos"; on this form the field is the avatar.
        const made = await this.thumbnail(draft.avatarPhoto).catch((error: unknown) => {
          throw error instanceof ValidationError ? new ValidationError("avatar", error.message) : error;
        });
        await this.store.putImage(made.ref.hash, made.blob);
        avatar = made.ref;
      }
      const previous = await this.mine();
      profile = await createProfile(
        this.identity,
        draft,
        this.now(),
        previous,
        avatar ?? (draft.removeAvatar ? undefined : previous?.avatar),
      );
    } catch (error) {
      if (error instanceof ValidationError) return { ok: false, field: error.field, message: error.message };
      throw error;
    }
    await this.store.putProfileIf(profile, (stored) => profileSupersedes(profile, stored));
    this.emit(profile);
    this.relay([profile]);
    return { ok: true, profile };
  }

  async onReady(peer: PeerId): Promise<void> {
    // Met just now: its profile is not the one to push out first.
    await this.quota.seen(peer);
    if (this.sync) return; // reconciliation brings them (sync.ts)
    const known = (await this.store.listProfiles()).filter((p) => p.peerId !== peer);
    const own = known.filter((p) => p.peerId === this.identity.peerId);
    const others = known.filter((p) => p.peerId !== this.identity.peerId).slice(0, PROFILES_ON_CONNECT);
    this.sendProfiles(peer, [...own, ...others]);
  }

  async onFrame(from: PeerId, incoming: Frame): Promise<void> {
    if (incoming.type === "USER_INFO") return this.accept(from, [incoming.profile]);
    if (incoming.type === "PROFILE_BROADCAST") return this.accept(from, incoming.profiles);
    if (incoming.type === "PROFILE_REQUEST") return this.serve(from, incoming);
  }

  /** Verifies and stores profiles from `from`; new ones are shown and gossiped on. */
  private async accept(from: PeerId, profiles: Profile[]): Promise<void> {
    const valid: Profile[] = [];
    for (const profile of profiles) {
      const checked = await verifyProfile(profile, this.now());
      if (!checked.ok) {
        this.host.log.warn(`profile from ${from} rejected (${checked.reason})`);
        // Disconnected for it: stop reading, but what was already stored still goes out below.
        if (this.host.strike(from, "bad-record")) break;
        continue;
      }
      valid.push(profile);
    }
    const admission = this.admitting.then(() => this.admit(valid));
    this.admitting = admission.catch(() => undefined);
    const fresh = await admission;
    if (fresh.length) this.relay(fresh, from);
  }

  /** Stores what the profile cap admits, after evicting what makes room; returns what was new. */
  private async admit(valid: Profile[]): Promise<Profile[]> {
    // Identities are free: a flood of made-up people pushes out the least recently seen of the
    // profiles nobody here needs, never one the user needs (profile-quota.ts).
    const { accepted, evicted } = await this.quota.admit(valid);
    await this.evict(evicted);
    const fresh: Profile[] = [];
    for (const profile of accepted) {
      // A newer profile of our own was signed by this identity elsewhere (before an import, or
      // on another device): it is ours, and putProfileIf keeps an older copy from coming back.
      if (!(await this.store.putProfileIf(profile, (stored) => profileSupersedes(profile, stored)))) {
        await this.quota.seen(profile.peerId);
        continue;
      }
      await this.quota.stored(profile);
      if (profile.avatar) void this.fetchImages?.([profile.avatar]);
      this.emit(profile);
      fresh.push(profile);
    }
    return fresh;
  }

  /** Deletes what the cap pushed out; sync forgets it, so it may come again once there is room. */
  private async evict(peers: PeerId[]): Promise<void> {
    const gone: Profile[] = [];
    for (const peer of peers) {
      const profile = await this.store.getProfile(peer);
      if (!profile || !(await this.store.deleteProfile(peer))) continue;
      await this.quota.removed(peer);
      gone.push(profile);
    }
    if (!gone.length) return;
    const ids = gone.map((p) => p.peerId);
    this.sync?.forget("profiles", ids);
    for (const fn of this.evictedListeners) await fn(gone);
  }

  /** Answers a PROFILE_REQUEST with what we hold, except profiles of blocked peers. */
  private async serve(from: PeerId, request: FrameOf<"PROFILE_REQUEST">): Promise<void> {
    const found: Profile[] = [];
    // An id asked twice is answered once.
    for (const id of new Set(request.ids)) {
      const profile = await this.store.getProfile(id);
      if (profile && !this.host.isBlocked(profile.peerId)) found.push(profile);
    }
    // Answers draw on the peer's answer budget (session.ts): past it, the rest is not sent.
    this.sendProfiles(from, found, "PROFILE_BROADCAST", (outgoing) => this.host.answer(from, outgoing));
  }

  /**
   * Profiles to one peer: one alone as USER_INFO, many in PROFILE_BROADCAST frames of up to 200
   * (one frame each would run into the receiver's burst limit, and get us disconnected).
   * `send` says false to stop (an answer over budget).
   */
  private sendProfiles(
    peer: PeerId,
    profiles: Profile[],
    single: "USER_INFO" | "PROFILE_BROADCAST" = "USER_INFO",
    send: (outgoing: Frame) => boolean = (outgoing) => {
      this.host.send(peer, outgoing);
      return true;
    },
  ): void {
    const [only] = profiles;
    if (profiles.length === 1 && only && single === "USER_INFO") {
      send(frame({ type: "USER_INFO", profile: only }));
      return;
    }
    for (const batch of batchProfiles(profiles))
      if (!send(frame({ type: "PROFILE_BROADCAST", profiles: batch }))) return;
  }

  /**
   * New profiles go on as listings do: one saved here whole to every peer, one received announced
   * by key (sync.ts). In send-all mode, every profile goes whole to every peer.
   */
  private relay(profiles: Profile[], except?: PeerId): void {
    const push = this.sync
      ? this.sync.spread("profiles", profiles.map(profileKey), except)
      : this.host.readyPeers().filter((peer) => peer !== except);
    for (const peer of push) this.sendProfiles(peer, profiles);
  }

  /** Profiles as a record set for sync.ts: keyed (updatedAt, peerId), asked for by peer id. */
  private recordSet(): RecordSet {
    return {
      name: "profiles",
      // "Syncing N / M" counts listings: a profile is small and not what the user waits for.
      progress: false,
      load: async () => (await this.store.listProfiles()).map(profileKey),
      request: (peer, ids) => {
        for (let i = 0; i < ids.length; i += REQUEST_BATCH)
          this.host.send(peer, frame({ type: "PROFILE_REQUEST", ids: ids.slice(i, i + REQUEST_BATCH) }));
      },
    };
  }

  private emit(profile: Profile): void {
    for (const fn of this.listeners) fn(profile);
  }
}
