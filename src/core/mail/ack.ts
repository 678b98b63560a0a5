// Delivery and read receipts for sealed mail: the recipient signs what became of a
// message, so its sender, and any relay on the way, can check who answered without trusting
// whoever carried the receipt.

import { type Identity, type PeerId, sign, verify } from "../crypto.ts";
import type { FrameOf } from "../wire.ts";

export type Ack = FrameOf<"ACK">["ack"];
export type AckStatus = Ack["status"];

function ackText(msgId: string, from: PeerId, to: PeerId, status: AckStatus): string {
  return `peerboard-ack-v1\n${msgId}\n${from}\n${to}\n${status}`;
}

/** Our receipt for message `msgId` that `to` sent us. */
export async function signAck(me: Identity, to: PeerId, msgId: string, status: AckStatus): Promise<Ack> {
  const from = me.peerId;
  const signature = await sign(me.signing.privateKey, ackText(msgId, from, to, status));
  return { msgId, from, to, status, signature };
}

/** Whether `ack` was signed by the identity key `publicKey` (the caller checks that it is `ack.from`'s). */
export function verifyAck(publicKey: string, ack: Ack): Promise<boolean> {
  return verify(publicKey, ack.signature, ackText(ack.msgId, ack.from, ack.to, ack.status));
}
