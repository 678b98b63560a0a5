// Profiles over the protocol (USER_INFO): ours is signed when the user saves it; on connect we
// send ours and the newest we know of others; a newer valid profile is stored and relayed.

import type { AuthorSummary, ProfileResult } from "../shared/api.ts";
import type { Identity, PeerId } from "../shared/crypto.ts";
import { canonicalJson } from "../shared/encoding.ts";
import { ValidationError } from "../shared/errors.ts";
import {
  authorSummary,
  createProfile,
  type Profile,
  type ProfileDraft,
  profileSupersedes,
  signProfile,
  verifyProfile,
} from "../shared/profile.ts";
import { MAX_RECEIPTS, type Receipt } from "../shared/receipt.ts";
import type { ImageRef } from "../shared/records.ts";
import { agreementCard } from "../shared/seal.ts";
import type { Store } from "../shared/store.ts";
import { type Frame, frame } from "../shared/wire.ts";
import type { Protocol, ProtocolExtension } from "./protocol.ts";
import type { Thumbnail } from "./thumbnails.ts";

/** Profiles of others sent on connect, newest first: enough for the listings a peer is likely to see. */
const PROFILES_ON_CONNECT = 200;

export class Profiles implements ProtocolExtension {
  readonly types = ["USER_INFO"] as const;
  private readonly listeners = new Set<(profile: Profile) => void>();

  constructor(
    private readonly identity: Identity,
    private readonly store: Store,
    private readonly protocol: Protocol,
    private readonly now: () => number = Date.now,
    /** Makes the avatar thumbnail (thumbnails.ts in the browser). */
    private readonly thumbnail?: (photo: Blob) => Promise<Thumbnail>,
    /** Fetches the avatar bytes of a profile from peers (Images.fetch). */
    private readonly fetchImages?: (refs: ImageRef[]) => Promise<void>,
  ) {}

  onProfile(fn: (profile: Profile) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  mine(): Promise<Profile | undefined> {
    return this.store.getProfile(this.identity.peerId);
  }

  /** Display names (and avatar hashes) by peer id, for showing authors; nameless profiles are left out. */
  async names(): Promise<Record<PeerId, AuthorSummary>> {
    return Object.fromEntries(
      (await this.store.listProfiles()).filter((p) => p.name).map((p) => [p.peerId, authorSummary(p)]),
    );
  }

  /**
   * Makes sure we have a signed profile carrying our current ECDH card, even before the user
   * saves one (then with no name): people who never met us need it to seal an offer to us.
   */
  async ensure(): Promise<void> {
    const previous = await this.mine();
    const card = await agreementCard(this.identity);
    if (previous?.agreementKey === card.agreementKey) return;
    const { name = "", about = "", avatar, completed } = previous ?? {};
    await this.publish(
      await signProfile(
        this.identity,
        { name, about, ...(avatar ? { avatar } : {}), ...(completed ? { completed } : {}) },
        this.now(),
        previous,
      ),
    );
  }

  /** Re-signs our profile with these completed deals (newest first, capped) when they changed. */
  async setCompleted(receipts: Receipt[]): Promise<void> {
    const completed = [...receipts].sort((a, b) => b.completedAt - a.completedAt).slice(0, MAX_RECEIPTS);
    const previous = await this.mine();
    if (canonicalJson(previous?.completed ?? []) === canonicalJson(completed)) return;
    const { name = "", about = "", avatar } = previous ?? {};
    await this.publish(
      await signProfile(this.identity, { name, about, ...(avatar ? { avatar } : {}), completed }, this.now(), previous),
    );
  }

  private async publish(profile: Profile): Promise<void> {
    if (!(await this.store.putProfileIf(profile, (stored) => profileSupersedes(profile, stored)))) return;
    this.emit(profile);
    this.relay(profile);
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
    this.relay(profile);
    return { ok: true, profile };
  }

  async onReady(peer: PeerId): Promise<void> {
    const known = (await this.store.listProfiles()).filter((p) => p.peerId !== peer);
    const own = known.filter((p) => p.peerId === this.identity.peerId);
    const others = known.filter((p) => p.peerId !== this.identity.peerId).slice(0, PROFILES_ON_CONNECT);
    for (const profile of [...own, ...others]) this.protocol.send(peer, frame({ type: "USER_INFO", profile }));
  }

  async onFrame(from: PeerId, incoming: Frame): Promise<void> {
    if (incoming.type !== "USER_INFO") return;
    const profile = incoming.profile;
    const checked = await verifyProfile(profile, this.now());
    if (!checked.ok) {
      console.warn(`Peerboard: profile from ${from} rejected (${checked.reason})`);
      this.protocol.strike(from, "bad-record");
      return;
    }
    // Nobody but us signs our profile, and an old copy of it must not come back.
    if (profile.peerId === this.identity.peerId) return;
    if (!(await this.store.putProfileIf(profile, (stored) => profileSupersedes(profile, stored)))) return;
    if (profile.avatar) void this.fetchImages?.([profile.avatar]);
    this.emit(profile);
    this.relay(profile, from);
  }

  private relay(profile: Profile, except?: PeerId): void {
    for (const peer of this.protocol.readyPeers())
      if (peer !== except) this.protocol.send(peer, frame({ type: "USER_INFO", profile }));
  }

  private emit(profile: Profile): void {
    for (const fn of this.listeners) fn(profile);
  }
}
