// RELAY frames as a relay and a recipient see them: who wrote one and whom it is for, the key
// that is the same for every copy, and the checks anyone can make without the recipient's keys.

import { keyMatchesPeerId, type PeerId } from "../crypto.ts";
import { frame } from "../wire.ts";
import { type Ack, ackVariant, verifyAck } from "./ack.ts";
import type { RelayFrame } from "./relay-store.ts";
import { checkAgreementCard, verifySealed } from "./seal.ts";

/**
 * Who wrote a relayed frame, who it is for, and a key that is the same for every copy of it.
 * Message ids are chosen by their authors and unique per author only (as in inbox.ts): the key
 * names the author, so nobody else's frame can take the place of theirs.
 */
export function relayRoute(relayed: RelayFrame): { from: PeerId; to: PeerId; key: string } {
  const { mail } = relayed;
  if (mail.type === "ACK")
    return {
      from: mail.ack.from,
      to: mail.ack.to,
      key: `ACK:${mail.ack.from}:${mail.ack.msgId}:${ackVariant(mail.ack)}`,
    };
  return { from: mail.sealed.from, to: mail.sealed.to, key: `${mail.type}:${mail.sealed.from}:${mail.sealed.msgId}` };
}

/** A message answered by its recipient, as `settled` knows it: one author's id, to one recipient. */
export const settledKey = (recipient: PeerId, author: PeerId, msgId: string) => `${recipient}\n${author}\n${msgId}`;

/**
 * Whether a relayed frame is what it claims: the carried key belongs to the author's id, the
 * ECDH card (mail) is signed by it, and so is the envelope or receipt. What only the recipient
 * can check (that the ciphertext decrypts) is left to it.
 */
export async function checkRelayed(relayed: RelayFrame): Promise<boolean> {
  const { mail, publicKey } = relayed;
  if (mail.type === "ACK") return (await keyMatchesPeerId(publicKey, mail.ack.from)) && verifyAck(publicKey, mail.ack);
  const card = { agreementKey: mail.agreementKey, agreementSignature: mail.agreementSignature };
  // checkAgreementCard also checks that the key hashes to the author's id.
  return (
    (await checkAgreementCard(mail.sealed.from, publicKey, card)) && verifySealed(mail.type, mail.sealed, publicKey)
  );
}

/** A relayed frame as the recipient receives it (mail, with what it needs to open it). */
export function relayFrame(publicKey: string, mail: RelayFrame["mail"]): RelayFrame {
  return frame({ type: "RELAY", publicKey, mail });
}

export function relayedAck(publicKey: string, ack: Ack): RelayFrame {
  return relayFrame(publicKey, { type: "ACK", ack });
}
