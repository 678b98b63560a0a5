// Store-and-forward of sealed mail through a third peer. A peer connected to both the
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
import type { PeerId } from "../crypto.ts";
import type { SessionHost } from "../session/extension.ts";
import { frame } from "../wire.ts";
import { ackVariant, isSealedAck } from "./ack.ts";
import { checkRelayed, relayFrame, relayRoute, settledKey } from "./relay-frames.ts";
import type { HeldMail, RelayFrame, RelayStore } from "./relay-store.ts";

export type { HeldMail, RelayFrame, RelayStore } from "./relay-store.ts";

/**
 * What a browser relay keeps for others, in memory only. At most 200 frames of at most ~25 KB
 * (MAX_RELAYED_CIPHERTEXT plus the header) ≈ 5 MB; a chat message is ~1 KB. Frames waiting for
 * a recipient that is away: at most 20 per author (and so per connection: only authors hand us
 * frames), 50 per recipient. Copies already passed on fill the rest and make way first. Ten
 * minutes covers a reload, the radio moving to another tab or a short trip out of coverage; for
 * longer absences the author's outbox keeps the message and hands it out again.
 *
 * `maxHeldPerRecipient` bounds what waits for one person; `newcomerShare` is the part of the
 * room (in all, and for each recipient) that authors this relay has not seen before may fill:
 * the rest is kept for authors whose mail already reached its recipient through it, so a relay
 * filled by throwaway identities (ten of them filled all 200 frames) still takes honest people's
 * mail. A browser remembers those authors while it runs (up to KNOWN_AUTHORS_MAX).
 */
export const RELAY_LIMITS = {
  maxHeld: 200,
  maxHeldPerAuthor: 20,
  maxHeldPerRecipient: 50,
  newcomerShare: 0.5,
  ttlMs: 10 * 60_000,
};

/** Authors seen delivering through us that are remembered; the least recent is forgotten first. */
export const KNOWN_AUTHORS_MAX = 10_000;

/**
 * What the always-on peer holds, in its SQLite store (a RelayStore), until the recipient's ACK or
 * 30 days: 20,000 frames ≤ ~500 MB at worst, 200 for one recipient, 50 from one author; half of
 * the room is for authors seen before.
 */
export const DURABLE_RELAY_LIMITS: typeof RELAY_LIMITS = {
  maxHeld: 20_000,
  maxHeldPerAuthor: 50,
  maxHeldPerRecipient: 200,
  newcomerShare: 0.5,
  ttlMs: 30 * 24 * 60 * 60_000,
};

export type { RelayStats };

export interface RelayOptions {
  host: SessionHost;
  /** Users the user blocked: nothing is carried to or from them. */
  blocked: (peer: PeerId) => boolean;
  now: () => number;
  limits?: Partial<typeof RELAY_LIMITS>;
  /**
   * Keeps what is held across restarts. With one, the relay also confirms to the author that it
   * holds their message (RELAY_HELD), since it will still have it tomorrow.
   */
  store?: RelayStore;
}

type Held = HeldMail;

/** Messages whose recipient answered through us (settledKey): a late copy is not carried. */
const SETTLED_MEMORY = 1_000;

export class Relay {
  private readonly host: SessionHost;
  private readonly blocked: (peer: PeerId) => boolean;
  private readonly now: () => number;
  private readonly limits: typeof RELAY_LIMITS;
  private readonly store: RelayStore | undefined;
  /** By recipient and relayRoute key: a second copy of the same frame adds nothing. Oldest first. */
  private readonly held = new Map<string, Held>();
  private readonly settled = new Set<string>();
  /** Authors whose mail reached its recipient through us: room is kept for them. */
  private readonly known = new Set<PeerId>();
  /** What the store held when we started; everything else waits for it. */
  private readonly loaded: Promise<void>;
  /** Store writes in order, one at a time, so a delete never overtakes the put it undoes. */
  private writing: Promise<void> = Promise.resolve();
  private forwarded = 0;
  private refused = 0;

  constructor(options: RelayOptions) {
    this.host = options.host;
    this.blocked = options.blocked;
    this.now = options.now;
    this.limits = { ...RELAY_LIMITS, ...options.limits };
    this.store = options.store;
    this.loaded = this.load();
  }

  /** A RELAY frame for someone else, handed to us by `peer`. */
  async forward(peer: PeerId, relayed: RelayFrame): Promise<void> {
    const { from, to, key } = relayRoute(relayed);
    // One hop: only the author may hand us a frame to pass on. An honest peer never does
    // otherwise, so it counts against the sender like any other bad record.
    if (from !== peer || to === peer) return this.refuse(peer, `a frame by ${from} for ${to}`);
    if (this.blocked(from) || this.blocked(to)) return;
    if (!(await checkRelayed(relayed))) return this.refuse(peer, "a frame that does not verify");
    await this.loaded;
    this.expire();
    const { mail } = relayed;
    const msgId = mail.type === "ACK" ? mail.ack.msgId : mail.sealed.msgId;
    // Any receipt shows the recipient has the message (a sealed one may be "read": that too).
    if (mail.type === "ACK" && ackVariant(mail.ack) !== "read") this.settle(mail.ack.from, mail.ack.to, msgId);
    if (mail.type !== "ACK" && this.settled.has(settledKey(to, from, msgId))) {
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
      else await this.confirm(known);
      return;
    }
    const held: Held = { slot, from, to, msgId, frame: relayed, until: this.now() + this.limits.ttlMs, sent: false };
    if (ready) {
      this.pass(held);
      if (this.makeRoom()) this.keep(held);
      return;
    }
    if (!this.fits(held) || !this.makeRoom()) {
      // Full: not the author's fault, no strike. Its outbox hands the frame out again later.
      this.refused += 1;
      return;
    }
    await this.keep(held);
    await this.confirm(held);
  }

  /** Passes on what waits for `peer`, which has just completed HELLO with us. */
  async release(peer: PeerId): Promise<void> {
    await this.loaded;
    this.expire();
    for (const held of this.held.values()) if (held.to === peer && !this.blocked(held.from)) this.pass(held);
  }

  stats(): RelayStats {
    this.expire();
    const held = [...this.held.values()].filter((h) => !h.sent).length;
    return { held, forwarded: this.forwarded, refused: this.refused };
  }

  /** Whether the per-author, per-recipient and newcomer caps leave room for one more waiting frame. */
  private fits(candidate: Held): boolean {
    const { maxHeld, maxHeldPerAuthor, maxHeldPerRecipient, newcomerShare } = this.limits;
    const waiting = [...this.held.values()].filter((h) => !h.sent);
    const newcomer = (h: Held) => !this.known.has(h.from);
    if (waiting.filter((h) => h.from === candidate.from).length >= maxHeldPerAuthor) return false;
    const forRecipient = waiting.filter((h) => h.to === candidate.to);
    if (forRecipient.length >= maxHeldPerRecipient) return false;
    if (!newcomer(candidate)) return true;
    if (forRecipient.filter(newcomer).length >= Math.floor(maxHeldPerRecipient * newcomerShare)) return false;
    return waiting.filter(newcomer).length < Math.floor(maxHeld * newcomerShare);
  }

  private pass(held: Held): void {
    const { mail } = held.frame;
    // An older recipient would refuse a sealed receipt as malformed, and strike us for it.
    if (mail.type === "ACK" && isSealedAck(mail.ack) && !this.host.readsSealedReceipts(held.to)) return;
    if (!held.sent) {
      this.forwarded += 1;
      held.sent = true;
      if (this.held.get(held.slot) === held) this.write((store) => store.putHeld(held));
    }
    this.host.send(held.to, relayFrame(held.frame.publicKey, held.frame.mail));
  }

  private keep(held: Held): Promise<void> {
    this.held.set(held.slot, held);
    return this.write((store) => store.putHeld(held));
  }

  /** Tells the author, when we keep mail durably, that we hold their message for its recipient. */
  private async confirm(held: Held): Promise<void> {
    if (!this.store || held.frame.mail.type === "ACK") return;
    // Only once it is committed: "held" must survive our crash.
    await this.writing;
    this.host.send(
      held.from,
      frame({ type: "RELAY_HELD", held: { msgId: held.msgId, to: held.to, until: held.until } }),
    );
  }

  /** `recipient` answered `author`'s message: copies of it are no longer needed. */
  private settle(recipient: PeerId, author: PeerId, msgId: string): void {
    this.settled.add(settledKey(recipient, author, msgId));
    if (this.settled.size > SETTLED_MEMORY) this.settled.delete(this.settled.values().next().value as string);
    const gone: string[] = [];
    for (const [slot, held] of this.held)
      if (held.to === recipient && held.from === author && held.msgId === msgId && held.frame.mail.type !== "ACK")
        gone.push(slot);
    for (const slot of gone) this.held.delete(slot);
    if (gone.length) this.write((store) => store.deleteHeld(gone));
    // It reached its recipient through us: an author seen before, whose mail keeps its room.
    if (gone.length && !this.known.has(author)) {
      this.known.add(author);
      this.write((store) => store.addRelayAuthor(author));
      const oldest = this.known.values().next().value as PeerId;
      if (this.known.size > KNOWN_AUTHORS_MAX && this.known.delete(oldest))
        this.write((store) => store.forgetRelayAuthors([oldest]));
    }
  }

  /** Whether one more frame fits, forgetting the oldest copy already passed on when full. */
  private makeRoom(): boolean {
    if (this.held.size < this.limits.maxHeld) return true;
    for (const [slot, held] of this.held) {
      if (!held.sent) continue;
      this.held.delete(slot);
      this.write((store) => store.deleteHeld([slot]));
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
    const gone: string[] = [];
    for (const [slot, held] of this.held) if (held.until <= now) gone.push(slot);
    for (const slot of gone) this.held.delete(slot);
    if (gone.length) this.write((store) => store.deleteHeld(gone));
  }

  private async load(): Promise<void> {
    if (!this.store) return;
    try {
      const authors = await this.store.listRelayAuthors();
      // A store written before authors were forgotten may hold more than the bound: the oldest go.
      const excess = authors.splice(0, Math.max(0, authors.length - KNOWN_AUTHORS_MAX));
      for (const author of authors) this.known.add(author);
      if (excess.length) this.write((store) => store.forgetRelayAuthors(excess));
      for (const held of await this.store.listHeld()) this.held.set(held.slot, held);
    } catch (error) {
      this.host.log.error("could not load the mail held for others", error);
    }
  }

  /** Queues a store write; a failure is logged (what is held in memory still goes out). */
  private write(fn: (store: RelayStore) => Promise<void>): Promise<void> {
    const store = this.store;
    if (!store) return Promise.resolve();
    this.writing = this.writing
      .then(() => fn(store))
      .catch((error: unknown) => this.host.log.error("could not store mail held for others", error));
    return this.writing;
  }
}
