// Sealed mail a hostile peer can send a hub inside the rate limits, made with real keys: chat
// messages, deal proposals and later steps (valid and out of turn), receipts for deals that never
// completed, signed receipts with a sealed status (direct and in RELAY frames, for made-up ids and
// for the user's own message), and mail handed to the hub to relay to someone away. Sealing is
// asynchronous, so the property test draws from a pool made once.

import type { Identity, PeerId } from "../../src/core/crypto.ts";
import { type DealStep, signStep } from "../../src/core/deals/deal.ts";
import { base64urlEncode } from "../../src/core/encoding.ts";
import { signAck } from "../../src/core/mail/ack.ts";
import { relayedAck, relayFrame } from "../../src/core/mail/relay-frames.ts";
import { agreementCard, newMessageId, seal } from "../../src/core/mail/seal.ts";
import { type Frame, frame } from "../../src/core/wire.ts";

export interface MailPool {
  frames: Frame[];
  /** The message ids of the sealed mail to the hub, for counting what the hub remembers. */
  msgIds: string[];
}

export async function mailFrames(
  mallory: Identity,
  hub: Identity,
  options: { listingId: string; away: Identity; userMessageId: string; now: number },
): Promise<MailPool> {
  const { listingId, away, userMessageId, now } = options;
  const hubCard = await agreementCard(hub);
  const card = await agreementCard(mallory);
  const frames: Frame[] = [];
  const msgIds: string[] = [];
  const sealed = async (type: "CHAT_MESSAGE" | "DEAL_PROPOSAL" | "DEAL_RESPONSE", body: unknown, to = hub) => {
    const msgId = newMessageId();
    const key = to === hub ? hubCard.agreementKey : (await agreementCard(to)).agreementKey;
    const mail = await seal(mallory, type, to.peerId, key, msgId, body);
    if (to === hub) msgIds.push(msgId);
    return { type, mail };
  };
  for (let i = 0; i < 40; i++) {
    const { mail } = await sealed("CHAT_MESSAGE", { topic: listingId, text: `Flood ${i}`, createdAt: now + i });
    frames.push(frame({ type: "CHAT_MESSAGE", sealed: mail }));
  }
  const base = { listingId, buyer: mallory.peerId, seller: hub.peerId as PeerId, message: "" };
  for (let i = 0; i < 8; i++) {
    const dealId = newMessageId();
    const offer = { kind: "money" as const, amount: 10 + i, currency: "EUR" as const };
    const propose = await signStep(mallory, { ...base, dealId, seq: 0, action: "propose", createdAt: now, offer });
    const later: DealStep[] = [
      await signStep(mallory, { ...base, dealId, seq: 1, action: "withdraw", createdAt: now + 1 }),
      // Out of turn: the buyer countering its own offer.
      await signStep(mallory, { ...base, dealId, seq: 1, action: "counter", createdAt: now + 1, offer }),
    ];
    frames.push(frame({ type: "DEAL_PROPOSAL", sealed: (await sealed("DEAL_PROPOSAL", { step: propose })).mail }));
    for (const step of later)
      frames.push(frame({ type: "DEAL_RESPONSE", sealed: (await sealed("DEAL_RESPONSE", { step })).mail }));
    // A countersignature for a deal that never completed.
    const receipt = { dealId, signature: base64urlEncode(crypto.getRandomValues(new Uint8Array(64))) };
    frames.push(frame({ type: "DEAL_RESPONSE", sealed: (await sealed("DEAL_RESPONSE", { receipt })).mail }));
  }
  // Signed receipts with a sealed status: for ids the hub never sent, and for the user's own message.
  for (const msgId of [newMessageId(), newMessageId(), userMessageId])
    for (const status of ["read", "refused"] as const) {
      const ack = await signAck(mallory, hub.peerId, msgId, status, hubCard.agreementKey);
      frames.push(frame({ type: "ACK", ack }), relayedAck(mallory.publicKey, ack));
    }
  // Mail for someone away, for the hub to hold as a relay.
  for (let i = 0; i < 30; i++) {
    const { mail } = await sealed("CHAT_MESSAGE", { topic: listingId, text: `Hold ${i}`, createdAt: now }, away);
    frames.push(relayFrame(mallory.publicKey, { type: "CHAT_MESSAGE", sealed: mail, ...card }));
  }
  return { frames, msgIds };
}
