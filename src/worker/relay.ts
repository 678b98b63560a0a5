// Store-and-forward of sealed mail through a third peer (issue 5). A peer connected to both the
// author and the recipient carries a RELAY frame one hop: it checks the author's signature with
// the key the frame carries (which must hash to the author's id) before it forwards or keeps
// anything, forwards at once when the recipient is connected, and otherwise holds the frame in
// memory, bounded and for a limited time, until the recipient completes HELLO with it. It cannot
// read what it carries: the body is sealed to the recipient (seal.ts).
//
// One hop is enough in a mesh of 6–8 connections, and keeps the cost of a frame bounded: a relay
// passes on only what the frame's author handed it, never a frame that was itself relayed.

import type { Ack } from "../shared/ack.ts";
import { verifyAck } from "../shared/ack.ts";
import { keyMatchesPeerId, type PeerId } from "../shared/crypto.ts";
import { checkAgreementCard, verifySealed } from "../shared/seal.ts";
import { type FrameOf, frame } from "../shared/wire.ts";
import type { Protocol } from "./protocol.ts";

export type RelayFrame = FrameOf<"RELAY">;

/**
 * What a relay keeps for peers that are away. Worst case 200 × ~33 KB (MAX_RELAYED_CIPHERTEXT as
 * base64url plus the header) ≈ 6.5 MB of memory; in practice chat messages are ~1 KB. 20 per
 * author leaves room for 10 authors' worth of a burst each even when one fills its share. Ten
 * minutes covers a reload, a radio moving to another tab or a short trip out of coverage; for
 * longer absences the author's outbox keeps the message and hands it out again.
 */
export const RELAY_LIMITS = { maxHeld: 200, maxHeldPerAuthor: 20, ttlMs: 10 * 60_000 };

export interface RelayStats {
  /** Frames held now for peers that are away. */
  held: number;
  /** Frames passed on to their recipient since the hub started. */
  forwarded: number;
  /** Frames refused: forged, relayed twice, or no room to hold them. */
  refused: number;
}

export interface RelayOptions {
  protocol: Protocol;
  /** Users the user blocked: nothing is carried to or from them. */
  blocked: (peer: PeerId) => boolean;
  now?: () => number;
  limits?: Partial<typeof RELAY_LIMITS>;
}

/** Who wrote a relayed frame, who it is for, and a key that is the same for every copy of it. */
export function relayRoute(relayed: RelayFrame): { from: PeerId; to: PeerId; key: string } {
  const { mail } = relayed;
  if (mail.type === "ACK")
    return { from: mail.ack.from, to: mail.ack.to, key: `ACK:${mail.ack.msgId}:${mail.ack.status}` };
  return { from: mail.sealed.from, to: mail.sealed.to, key: `${mail.type}:${mail.sealed.msgId}` };
}

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

interface Held {
  from: PeerId;
  to: PeerId;
  frame: RelayFrame;
  until: number;
}

export class Relay {
  private readonly protocol: Protocol;
  private readonly blocked: (peer: PeerId) => boolean;
  private readonly now: () => number;
  private readonly limits: typeof RELAY_LIMITS;
  /** Held frames by recipient and relayRoute key: a second copy of the same frame replaces nothing. */
  private readonly held = new Map<string, Held>();
  private forwarded = 0;
  private refused = 0;

  constructor(options: RelayOptions) {
    this.protocol = options.protocol;
    this.blocked = options.blocked;
    this.now = options.now ?? Date.now;
    this.limits = { ...RELAY_LIMITS, ...options.limits };
  }

  /** A RELAY frame for someone else, handed to us by `peer`. */
  async forward(peer: PeerId, relayed: RelayFrame): Promise<void> {
    const { from, to, key } = relayRoute(relayed);
    // One hop: only the author may hand us a frame to pass on. An honest peer never does
    // otherwise, so it counts against the sender like any other bad record.
    if (from !== peer || to === peer) return this.refuse(peer, `a frame by ${from} for ${to}`);
    if (this.blocked(from) || this.blocked(to)) return;
    if (!(await checkRelayed(relayed))) return this.refuse(peer, "a frame that does not verify");
    if (this.protocol.readyPeers().includes(to)) {
      this.send(to, relayed);
      return;
    }
    this.expire();
    const slot = `${to} ${key}`;
    if (this.held.has(slot)) return;
    const fromAuthor = [...this.held.values()].filter((h) => h.from === from).length;
    if (this.held.size >= this.limits.maxHeld || fromAuthor >= this.limits.maxHeldPerAuthor) {
      // Full: not the author's fault, no strike. Its outbox hands the frame out again later.
      this.refused += 1;
      return;
    }
    this.held.set(slot, { from, to, frame: relayed, until: this.now() + this.limits.ttlMs });
  }

  /** Passes on what waits for `peer`, which has just completed HELLO with us. */
  release(peer: PeerId): void {
    this.expire();
    for (const [slot, held] of this.held) {
      if (held.to !== peer) continue;
      this.held.delete(slot);
      if (!this.blocked(held.from)) this.send(peer, held.frame);
    }
  }

  stats(): RelayStats {
    this.expire();
    return { held: this.held.size, forwarded: this.forwarded, refused: this.refused };
  }

  private send(to: PeerId, relayed: RelayFrame): void {
    this.forwarded += 1;
    this.protocol.send(to, relayFrame(relayed.publicKey, relayed.mail));
  }

  private refuse(peer: PeerId, what: string): void {
    console.warn(`Peerboard: ${peer} asked us to relay ${what}`);
    this.refused += 1;
    this.protocol.strike(peer, "bad-record");
  }

  private expire(): void {
    const now = this.now();
    for (const [slot, held] of this.held) if (held.until <= now) this.held.delete(slot);
  }
}
