// Wire frames (docs/architecture.md, "Frames"): `{ v: 1, type, id, ...body }`, one valibot schema
// per type. Every frame from a peer passes `parseFrame` before anything else looks at it.

import * as v from "valibot";
import { utf8Length } from "./encoding.ts";
import { ImageRefSchema, ListingSchema } from "./listings/records.ts";
import { MAX_RECEIPTS, ReceiptSchema } from "./profiles/receipt.ts";
import { Base64url, header, PeerIdSchema, PROTOCOL_VERSION } from "./wire-common.ts";
import { Sync, SyncCoded } from "./wire-sync.ts";

export { PROTOCOL_VERSION } from "./wire-common.ts";
export { MAX_CODED_PER_FRAME, MAX_SYNC_ITEMS } from "./wire-sync.ts";

/** Frames larger than this (UTF-8 bytes of their JSON) are dropped; senders batch below it. */
export const MAX_FRAME_BYTES = 64 * 1024;
/** Listings per LISTING_BROADCAST frame at most; the sender also keeps each frame under the byte cap. */
export const MAX_LISTINGS_PER_FRAME = 200;

/** HELLO, first step: who I am, and a nonce for you to sign. */
const HelloChallenge = v.strictObject({
  ...header("HELLO"),
  step: v.literal("challenge"),
  peerId: PeerIdSchema,
  publicKey: v.pipe(Base64url(87), v.length(87)),
  nonce: v.pipe(Base64url(64), v.minLength(22)),
  name: v.optional(v.pipe(v.string(), v.maxLength(80))),
  /** ECDH P-256 public key for end-to-end encryption, signed by the identity key. */
  agreementKey: v.optional(v.pipe(Base64url(87), v.length(87))),
  agreementSignature: v.optional(v.pipe(Base64url(86), v.length(86))),
});

/** HELLO, second step: my signature over your nonce (see handshake.ts for the signed text). */
const HelloProof = v.strictObject({
  ...header("HELLO"),
  step: v.literal("proof"),
  signature: v.pipe(Base64url(86), v.length(86)),
});

const ListingBroadcast = v.strictObject({
  ...header("LISTING_BROADCAST"),
  listings: v.pipe(v.array(ListingSchema), v.minLength(1), v.maxLength(MAX_LISTINGS_PER_FRAME)),
});

const ListingRequest = v.strictObject({
  ...header("LISTING_REQUEST"),
  ids: v.pipe(v.array(v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{8,64}$/))), v.minLength(1), v.maxLength(1000)),
});

/** End-to-end encrypted, signed payload between two users (deal steps and chat). */
const MessageId = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{16,64}$/));

const Sealed = v.strictObject({
  from: PeerIdSchema,
  to: PeerIdSchema,
  /** Unique per message: the recipient ACKs it and ignores a second copy. */
  msgId: MessageId,
  iv: Base64url(32),
  ciphertext: Base64url(60_000),
  signature: v.pipe(Base64url(86), v.length(86)),
});

const DealProposal = v.strictObject({ ...header("DEAL_PROPOSAL"), sealed: Sealed });
const DealResponse = v.strictObject({ ...header("DEAL_RESPONSE"), sealed: Sealed });
const ChatMessage = v.strictObject({ ...header("CHAT_MESSAGE"), sealed: Sealed });

/**
 * Delivery (or read) receipt for a sealed message, signed by its recipient (see src/core/mail/ack.ts).
 * The status is sealed to the message's author, so relays cannot tell "read" from "refused"; in
 * clear only for peers from before that (they say which they are in HELLO, handshake.ts).
 */
const ackHeader = {
  msgId: MessageId,
  /** Who received it (signs) and who sent it. */
  from: PeerIdSchema,
  to: PeerIdSchema,
  signature: v.pipe(Base64url(86), v.length(86)),
};
const AckBody = v.union([
  v.strictObject({ ...ackHeader, status: v.picklist(["delivered", "read", "refused"]) }),
  /** AES-GCM nonce and ciphertext of the status padded to 16 bytes: always 59 characters. */
  v.strictObject({ ...ackHeader, sealedStatus: v.pipe(Base64url(59), v.length(59)) }),
]);

const Ack = v.strictObject({ ...header("ACK"), ack: AckBody });

/**
 * Ciphertext a relayed envelope may carry. The largest deal step or chat message seals to about
 * 21 KB (2,000 characters that JSON escapes to 6 bytes each); a relay holds up to
 * RELAY_HOLD_MAX of these in memory (src/core/mail/relay.ts), so it is tighter than the frame cap.
 */
export const MAX_RELAYED_CIPHERTEXT = 24 * 1024;

/**
 * Sealed mail or its ACK handed to a third peer for a recipient its author is not connected to:
 * one hop, author → relay → recipient. It carries what anyone needs to check it
 * without having met the author: the author's identity key (which must hash to its id) and, for
 * mail, the author's ECDH key signed by that identity key. The relay cannot read the body.
 */
const Relay = v.strictObject({
  ...header("RELAY"),
  publicKey: v.pipe(Base64url(87), v.length(87)),
  mail: v.variant("type", [
    v.strictObject({
      type: v.picklist(["DEAL_PROPOSAL", "DEAL_RESPONSE", "CHAT_MESSAGE"]),
      sealed: v.strictObject({ ...Sealed.entries, ciphertext: Base64url(MAX_RELAYED_CIPHERTEXT) }),
      agreementKey: v.pipe(Base64url(87), v.length(87)),
      agreementSignature: v.pipe(Base64url(86), v.length(86)),
    }),
    v.strictObject({ type: v.literal("ACK"), ack: AckBody }),
  ]),
});

/**
 * A relay that keeps mail durably (the always-on peer) tells the author it holds its message for
 * an absent recipient until `until`: the author's conversation shows "held". Direct from the
 * relay on a channel whose HELLO proved who it is, so it needs no signature of its own.
 */
const RelayHeld = v.strictObject({
  ...header("RELAY_HELD"),
  held: v.strictObject({
    msgId: MessageId,
    to: PeerIdSchema,
    until: v.pipe(v.number(), v.safeInteger(), v.minValue(0)),
  }),
});

const UserInfo = v.strictObject({
  ...header("USER_INFO"),
  profile: v.strictObject({
    peerId: PeerIdSchema,
    publicKey: v.pipe(Base64url(87), v.length(87)),
    name: v.pipe(v.string(), v.maxLength(80)),
    about: v.pipe(v.string(), v.maxLength(2000)),
    /** Avatar thumbnail, fetched like listing photos (IMAGE_REQUEST) and checked by hash. */
    avatar: v.optional(ImageRefSchema),
    /** The ECDH card (as in HELLO), so anyone can seal mail to this user without having met them. */
    agreementKey: v.optional(v.pipe(Base64url(87), v.length(87))),
    agreementSignature: v.optional(v.pipe(Base64url(86), v.length(86))),
    /** Completed deals, each countersigned by the other party (receipt.ts): the reputation. */
    completed: v.optional(v.pipe(v.array(ReceiptSchema), v.maxLength(MAX_RECEIPTS))),
    updatedAt: v.pipe(v.number(), v.safeInteger(), v.minValue(0)),
    signature: v.pipe(Base64url(86), v.length(86)),
  }),
});

/** Profile ids per PROFILE_REQUEST at most, as for LISTING_REQUEST. */
export const MAX_PROFILE_REQUEST = 1000;
/** Profiles per PROFILE_BROADCAST at most; the sender also keeps each frame under the byte cap. */
export const MAX_PROFILES_PER_FRAME = 200;

/** Ask for profiles by peer id, after reconciliation or an announcement says what we lack. */
const ProfileRequest = v.strictObject({
  ...header("PROFILE_REQUEST"),
  ids: v.pipe(v.array(PeerIdSchema), v.minLength(1), v.maxLength(MAX_PROFILE_REQUEST)),
});

/**
 * The answer to PROFILE_REQUEST: many profiles a frame, each the record USER_INFO carries. One
 * USER_INFO per profile would make a first sync of a few thousand profiles overrun the frame
 * rate limit (policy.ts: bursts of 1,000 frames) and get the answering peer disconnected.
 */
const ProfileBroadcast = v.strictObject({
  ...header("PROFILE_BROADCAST"),
  profiles: v.pipe(v.array(UserInfo.entries.profile), v.minLength(1), v.maxLength(MAX_PROFILES_PER_FRAME)),
});

const ImageHash = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{43}$/));

/** Ask a peer for image bytes by hash (the hashes a listing carries). */
const ImageRequest = v.strictObject({
  ...header("IMAGE_REQUEST"),
  hashes: v.pipe(v.array(ImageHash), v.minLength(1), v.maxLength(16)),
});

/** Bytes per IMAGE_CHUNK before base64url: keeps each frame far below MAX_FRAME_BYTES. */
export const IMAGE_CHUNK_BYTES = 32 * 1024;

/** One piece of an image; the receiver reassembles `count` pieces and checks the hash. */
const ImageChunk = v.strictObject({
  ...header("IMAGE_CHUNK"),
  hash: ImageHash,
  index: v.pipe(v.number(), v.safeInteger(), v.minValue(0), v.maxValue(15)),
  count: v.pipe(v.number(), v.safeInteger(), v.minValue(1), v.maxValue(16)),
  data: Base64url(Math.ceil((IMAGE_CHUNK_BYTES * 4) / 3) + 4),
});

const PeerList = v.strictObject({
  ...header("PEER_LIST"),
  peers: v.pipe(
    v.array(v.strictObject({ id: PeerIdSchema, lastSeen: v.pipe(v.number(), v.safeInteger(), v.minValue(0)) })),
    v.maxLength(100),
  ),
});

export const FrameSchema = v.variant("type", [
  v.variant("step", [HelloChallenge, HelloProof]),
  ListingBroadcast,
  ListingRequest,
  DealProposal,
  DealResponse,
  ChatMessage,
  Ack,
  UserInfo,
  PeerList,
  Sync,
  SyncCoded,
  ProfileRequest,
  ProfileBroadcast,
  ImageRequest,
  ImageChunk,
  Relay,
  RelayHeld,
]);

export type Frame = v.InferOutput<typeof FrameSchema>;
export type FrameType = Frame["type"];
export type FrameOf<T extends FrameType> = Extract<Frame, { type: T }>;
export type HelloChallengeFrame = v.InferOutput<typeof HelloChallenge>;
export type HelloProofFrame = v.InferOutput<typeof HelloProof>;
/** A frame as a sender writes it: the header fields are filled in by `frame()`. */
export type FrameBody<T extends FrameType> =
  FrameOf<T> extends infer F ? (F extends unknown ? Omit<F, "v" | "id"> : never) : never;

export type FrameParse = { ok: true; frame: Frame } | { ok: false; reason: "oversized" | "malformed" };

/** UTF-8 bytes of the frame as JSON; raw values that cannot be serialised count as oversized. */
export function frameSize(raw: unknown): number {
  try {
    return utf8Length(JSON.stringify(raw) ?? "");
  } catch {
    // Cycles or BigInts cannot come from a well-behaved peer: treat as too big to handle.
    return Number.POSITIVE_INFINITY;
  }
}

/** Validates a frame; `size` is its frameSize when the caller has already measured it. */
export function parseFrame(raw: unknown, size = frameSize(raw)): FrameParse {
  if (size > MAX_FRAME_BYTES) return { ok: false, reason: "oversized" };
  const parsed = v.safeParse(FrameSchema, raw);
  return parsed.success ? { ok: true, frame: parsed.output } : { ok: false, reason: "malformed" };
}

let frameCounter = 0;
const framePrefix = Math.random().toString(36).slice(2, 10);

export function frame<T extends FrameType>(body: FrameBody<T>): FrameOf<T> {
  frameCounter += 1;
  return { v: PROTOCOL_VERSION, id: `${framePrefix}-${frameCounter.toString(36)}`, ...body } as unknown as FrameOf<T>;
}
