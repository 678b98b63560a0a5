// Profiles over the protocol (USER_INFO): ours is signed when the user saves it; on connect we
// send ours and the newest we know of others; a newer valid profile is stored and relayed.

import type { ProfileResult } from "../shared/api.ts";
import type { Identity, PeerId } from "../shared/crypto.ts";
import { ValidationError } from "../shared/errors.ts";
import { createProfile, type Profile, type ProfileDraft, profileSupersedes, verifyProfile } from "../shared/profile.ts";
import type { Store } from "../shared/store.ts";
import { type Frame, frame } from "../shared/wire.ts";
import type { Protocol, ProtocolExtension } from "./protocol.ts";

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
  ) {}

  onProfile(fn: (profile: Profile) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  mine(): Promise<Profile | undefined> {
    return this.store.getProfile(this.identity.peerId);
  }

  /** Display names by peer id, for showing authors. */
  async names(): Promise<Record<PeerId, string>> {
    return Object.fromEntries((await this.store.listProfiles()).map((p) => [p.peerId, p.name]));
  }

  async save(draft: ProfileDraft): Promise<ProfileResult> {
    let profile: Profile;
    try {
      profile = await createProfile(this.identity, draft, this.now(), await this.mine());
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
