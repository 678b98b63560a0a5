// Delivery and read receipts for sealed mail: the recipient signs what became of a
// message, so its sender, and any relay on the way, can check who answered without trusting
// whoever carried the receipt. The status itself is sealed to the message's author: a relay sees
// that a receipt exists, not whether the message was read or refused. Peers from before that
// get and send it in clear (they say which they are in HELLO: handshake.ts).

import { type Identity, type PeerId, sign, verify } from "../crypto.ts";
import type { FrameOf } from "../wire.ts";
import { openStatus, sealStatus } from "./seal.ts";

/** A receipt as it travels. */
export type Ack = FrameOf<"ACK">["ack"];
export type AckStatus = Extract<Ack, { status: unknown }>["status"];

const STATUSES: readonly string[] = ["delivered", "read", "refused"] satisfies AckStatus[];

type UnsignedAck = Ack extends infer A ? (A extends unknown ? Omit<A, "signature"> : never) : never;

function ackText(ack: UnsignedAck): string {
  const { msgId, from, to } = ack;
  return "status" in ack
    ? `peerboard-ack-v1\n${msgId}\n${from}\n${to}\n${ack.status}`
    : `peerboard-ack-v2\n${msgId}\n${from}\n${to}\n${ack.sealedStatus}`;
}

/**
 * Our receipt for message `msgId` that `to` sent us: its status sealed with `to`'s ECDH key, or
 * in clear without one (for a peer from before sealed receipts).
 */
export async function signAck(
  me: Identity,
  to: PeerId,
  msgId: string,
  status: AckStatus,
  theirAgreementKey?: string,
): Promise<Ack> {
  const from = me.peerId;
  const unsigned: UnsignedAck = theirAgreementKey
    ? { msgId, from, to, sealedStatus: await sealStatus(me, to, theirAgreementKey, msgId, status) }
    : { msgId, from, to, status };
  return { ...unsigned, signature: await sign(me.signing.privateKey, ackText(unsigned)) };
}

/** Whether `ack` was signed by the identity key `publicKey` (the caller checks that it is `ack.from`'s). */
export function verifyAck(publicKey: string, ack: Ack): Promise<boolean> {
  const { signature, ...unsigned } = ack;
  return verify(publicKey, signature, ackText(unsigned));
}

/** The status of a receipt for our message, opened with its signer's ECDH key when sealed. */
export async function readAck(me: Identity, ack: Ack, theirAgreementKey?: string): Promise<AckStatus | undefined> {
  if ("status" in ack) return ack.status;
  if (!theirAgreementKey) return undefined;
  const status = await openStatus(me, ack.from, theirAgreementKey, ack.msgId, ack.sealedStatus);
  return status !== undefined && STATUSES.includes(status) ? (status as AckStatus) : undefined;
}

/** Whether only a peer that reads sealed receipts can take this one (older ones refuse it). */
export function isSealedAck(ack: Ack): boolean {
  return !("status" in ack);
}

/** What tells two receipts for one message apart, to a relay that cannot open them. */
export function ackVariant(ack: Ack): string {
  return "status" in ack ? ack.status : ack.sealedStatus;
}
