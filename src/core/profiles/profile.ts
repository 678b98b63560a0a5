// The signed profile record (docs/architecture.md, "Records"; USER_INFO): display name, about,
// avatar, the ECDH card and the completed deals (reputation), updated-at. The newest valid version
// wins; anyone can check it was signed by the key behind its peer id.

import { type Identity, keyMatchesPeerId, sign, verify } from "../crypto.ts";
import { canonicalJson } from "../encoding.ts";
import { ValidationError } from "../errors.ts";
import { type ImageRef, LIMITS } from "../listings/records.ts";
import { agreementCard, checkAgreementCard } from "../mail/seal.ts";
import { type FrameOf, frameSize, MAX_FRAME_BYTES, MAX_PROFILES_PER_FRAME } from "../wire.ts";
import { PROFILE_LIMITS } from "./profile-limits.ts";
import { checkReceipts } from "./receipt.ts";

export type Profile = FrameOf<"USER_INFO">["profile"];
export type UnsignedProfile = Omit<Profile, "signature">;

// The limits live apart, for the tab's first script (the welcome's name field needs them, not the
// profile records, their sealing and schemas).
export { PROFILE_LIMITS } from "./profile-limits.ts";

export interface ProfileDraft {
  name: string;
  about: string;
  /** A new avatar photo (the hub makes the thumbnail); absent keeps the current one. */
  avatarPhoto?: Blob;
  /** Drop the current avatar. */
  removeAvatar?: boolean;
}

function signedText(profile: UnsignedProfile): string {
  return `peerboard-profile-v1\n${canonicalJson(profile)}`;
}

/** Checks what the user typed; throws a ValidationError naming the field. */
export function checkProfileDraft(draft: ProfileDraft): { name: string; about: string } {
  const name = draft.name.trim();
  if (!name) throw new ValidationError("name", "Give a display name, so people know who they are dealing with.");
  if (name.length > PROFILE_LIMITS.nameMax)
    throw new ValidationError("name", `Keep the name to ${PROFILE_LIMITS.nameMax} characters (it has ${name.length}).`);
  const about = draft.about.trim();
  if (about.length > PROFILE_LIMITS.aboutMax)
    throw new ValidationError(
      "about",
      `Keep "about" to ${PROFILE_LIMITS.aboutMax} characters (it has ${about.length}).`,
    );
  return { name, about };
}

/** What a profile says besides who signed it and when. */
export type ProfileContent = Omit<UnsignedProfile, "peerId" | "publicKey" | "updatedAt">;

/**
 * Signs `content` as our profile, with our current ECDH card; `previous` keeps updatedAt moving
 * forward even if the clock went back.
 */
export async function signProfile(
  identity: Identity,
  content: Omit<ProfileContent, "agreementKey" | "agreementSignature">,
  now: number,
  previous?: Profile,
): Promise<Profile> {
  const unsigned: UnsignedProfile = {
    peerId: identity.peerId,
    publicKey: identity.publicKey,
    name: content.name,
    about: content.about,
    ...(content.avatar ? { avatar: content.avatar } : {}),
    ...(await agreementCard(identity)),
    ...(content.completed?.length ? { completed: content.completed } : {}),
    updatedAt: Math.max(now, (previous?.updatedAt ?? 0) + 1),
  };
  return { ...unsigned, signature: await sign(identity.signing.privateKey, signedText(unsigned)) };
}

/** A new signed profile from what the user typed; deals completed so far are kept. */
export async function createProfile(
  identity: Identity,
  draft: ProfileDraft,
  now: number,
  previous?: Profile,
  avatar: ImageRef | undefined = draft.removeAvatar ? undefined : previous?.avatar,
): Promise<Profile> {
  const fields = checkProfileDraft(draft);
  return signProfile(
    identity,
    { ...fields, ...(avatar ? { avatar } : {}), ...(previous?.completed ? { completed: previous.completed } : {}) },
    now,
    previous,
  );
}

export type ProfileRejection = "from-the-future" | "key-mismatch" | "bad-signature" | "bad-card" | "bad-receipt";

/**
 * Checks a profile whose shape the wire schema already checked. The name may be empty: every
 * hub publishes a profile from the start so its ECDH card reaches people it has never met.
 */
export async function verifyProfile(
  profile: Profile,
  now: number,
): Promise<{ ok: true } | { ok: false; reason: ProfileRejection }> {
  if (profile.updatedAt > now + LIMITS.clockSkewMs) return { ok: false, reason: "from-the-future" };
  if (!(await keyMatchesPeerId(profile.publicKey, profile.peerId))) return { ok: false, reason: "key-mismatch" };
  const { signature, ...unsigned } = profile;
  if (!(await verify(profile.publicKey, signature, signedText(unsigned))))
    return { ok: false, reason: "bad-signature" };
  const { agreementKey, agreementSignature } = profile;
  if ((agreementKey === undefined) !== (agreementSignature === undefined)) return { ok: false, reason: "bad-card" };
  if (
    agreementKey &&
    agreementSignature &&
    !(await checkAgreementCard(profile.peerId, profile.publicKey, { agreementKey, agreementSignature }))
  )
    return { ok: false, reason: "bad-card" };
  if (profile.completed && !(await checkReceipts(profile.peerId, profile.completed)))
    return { ok: false, reason: "bad-receipt" };
  return { ok: true };
}

/** Whether `incoming` replaces `stored`: later updatedAt, then larger content (the same on every peer). */
export function profileSupersedes(incoming: Profile, stored: Profile | undefined): boolean {
  if (!stored) return true;
  if (stored.peerId !== incoming.peerId) return false;
  if (incoming.updatedAt !== stored.updatedAt) return incoming.updatedAt > stored.updatedAt;
  return canonicalJson({ ...incoming, signature: undefined }) > canonicalJson({ ...stored, signature: undefined });
}

/** Bytes per PROFILE_BROADCAST we aim for, leaving headroom under MAX_FRAME_BYTES. */
const BATCH_BYTES = MAX_FRAME_BYTES - 8 * 1024;

/** Profiles in PROFILE_BROADCAST-sized batches: under BATCH_BYTES and MAX_PROFILES_PER_FRAME each. */
export function batchProfiles(profiles: Profile[]): Profile[][] {
  const batches: Profile[][] = [];
  let batch: Profile[] = [];
  let bytes = 0;
  for (const profile of profiles) {
    const size = frameSize(profile) + 1;
    if (batch.length && (bytes + size > BATCH_BYTES || batch.length >= MAX_PROFILES_PER_FRAME)) {
      batches.push(batch);
      batch = [];
      bytes = 0;
    }
    batch.push(profile);
    bytes += size;
  }
  if (batch.length) batches.push(batch);
  return batches;
}
