// Store-and-forward of sealed mail through a third peer (issue 5). A peer connected to both the
// author and the recipient carries a RELAY frame one hop: it checks the author's signature with
// the key the frame carries (which must hash to the author's id) before it forwards or keeps
// anything, forwards at once when the recipient is connected, and otherwise holds the frame in
// memory, bounded and for a limited time, until the recipient completes HELLO with it; what it
// passed on it passes on again at the recipient's next HELLO, until it expires or the recipient's
// ACK comes back through it. It cannot read what it carries: the body is sealed to the recipient.
//
// One hop is enough in a mesh of 6–8 connections, and keeps the cost of a frame bounded: a relay
// passes on only what the frame's author handed it, never a frame that was itself relayed.

import type { RelayStats } from "../api.ts";
import { keyMatchesPeerId, type PeerId } from "../crypto.ts";
import type { SessionHost } from "../session/extension.ts";
import { type FrameOf, frame } from "../wire.ts";
import type { Ack } from "./ack.ts";
import { verifyAck } from "./ack.ts";
import { checkAgreementCard, verifySealed } from "./seal.ts";

export type RelayFrame = FrameOf<"RELAY">;

/**
 * What a relay keeps for others, in memory only. At most 200 frames of at most ~25 KB
 * (MAX_RELAYED_CIPHERTEXT plus the header) ≈ 5 MB; a chat message is ~1 KB. Frames waiting for
 * a recipient that is away: at most 20 per author, so no author takes more than a tenth of the
 * room. Copies already passed on fill the rest and make way first. Ten minutes covers a reload,
 * the radio moving to another tab or a short trip out of coverage; for longer absences the
 * author's outbox keeps the message and hands it out again.
 */
export const RELAY_LIMITS = { maxHeld: 200, maxHeldPerAuthor: 20, ttlMs: 10 * 60_000 };

export type { RelayStats };

export interface RelayOptions {
  host: SessionHost;
  /** Users the user blocked: nothing is carried to or from them. */
  blocked: (peer: PeerId) => boolean;
  now: () => number;
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
  msgId: string;
  frame: RelayFrame;
  until: number;
  /**
   * Passed on once already. Kept until it expires and passed on again at the recipient's next
   * HELLO: the channel it went on may have been dead already, since a peer that vanishes is
   * noticed only seconds later, and nothing else would send it again (an ACK is not answered).
   */
  sent: boolean;
}

/** Message ids whose recipient answered through us: a late copy of the message is not carried. */
const SETTLED_MEMORY = 1_000;

export class Relay {
  private readonly host: SessionHost;
  private readonly blocked: (peer: PeerId) => boolean;
  private readonly now: () => number;
  private readonly limits: typeof RELAY_LIMITS;
  /** By recipient and relayRoute key: a second copy of the same frame adds nothing. Oldest first. */
  private readonly held = new Map<string, Held>();
  private readonly settled = new Set<string>();
  private forwarded = 0;
  private refused = 0;

  constructor(options: RelayOptions) {
    this.host = options.host;
    this.blocked = options.blocked;
    this.now = options.now;
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
    this.expire();
    const { mail } = relayed;
    const msgId = mail.type === "ACK" ? mail.ack.msgId : mail.sealed.msgId;
    if (mail.type === "ACK" && mail.ack.status !== "read") this.settle(mail.ack.from, msgId);
    if (mail.type !== "ACK" && this.settled.has(msgId)) {
      // Its recipient has it and answered through us; the author missed the answer: repeat that.
      for (const held of this.held.values())
        if (held.to === from && held.from === to && held.msgId === msgId) this.pass(held);
      return;
    }
    const slot = `${to} ${key}`;
    const ready = this.host.readyPeers().includes(to);
    const known = this.held.get(slot);
    if (known) {
      // Handed again: the author is still waiting, so the copy we passed on may have been lost.
      if (ready) this.pass(known);
      return;
    }
    const held: Held = { from, to, msgId, frame: relayed, until: this.now() + this.limits.ttlMs, sent: false };
    if (ready) {
      this.pass(held);
      if (this.makeRoom()) this.held.set(slot, held);
      return;
    }
    const waiting = [...this.held.values()].filter((h) => !h.sent && h.from === from).length;
    if (waiting >= this.limits.maxHeldPerAuthor || !this.makeRoom()) {
      // Full: not the author's fault, no strike. Its outbox hands the frame out again later.
      this.refused += 1;
      return;
    }
    this.held.set(slot, held);
  }

  /** Passes on what waits for `peer`, which has just completed HELLO with us. */
  release(peer: PeerId): void {
    this.expire();
    for (const held of this.held.values()) if (held.to === peer && !this.blocked(held.from)) this.pass(held);
  }

  stats(): RelayStats {
    this.expire();
    const held = [...this.held.values()].filter((h) => !h.sent).length;
    return { held, forwarded: this.forwarded, refused: this.refused };
  }

  private pass(held: Held): void {
    if (!held.sent) this.forwarded += 1;
    held.sent = true;
    this.host.send(held.to, relayFrame(held.frame.publicKey, held.frame.mail));
  }

  /** The recipient answered: copies of its message are no longer needed. */
  private settle(recipient: PeerId, msgId: string): void {
    this.settled.add(msgId);
    if (this.settled.size > SETTLED_MEMORY) this.settled.delete(this.settled.values().next().value as string);
    for (const [slot, held] of this.held)
      if (held.to === recipient && held.msgId === msgId && held.frame.mail.type !== "ACK") this.held.delete(slot);
  }

  /** Whether one more frame fits, forgetting the oldest copy already passed on when full. */
  private makeRoom(): boolean {
    if (this.held.size < this.limits.maxHeld) return true;
    for (const [slot, held] of this.held) {
      if (!held.sent) continue;
      this.held.delete(slot);
      return true;
    }
    return false;
  }

  private refuse(peer: PeerId, what: string): void {
    this.host.log.warn(`${peer} asked us to relay ${what}`);
    this.refused += 1;
    this.host.strike(peer, "bad-record");
  }

  private expire(): void {
    const now = this.now();
    for (const [slot, held] of this.held) if (held.until <= now) this.held.delete(slot);
  }
}
