// The sender's side of relaying: outbox entries whose recipient is not connected are
// sealed to the recipient's known ECDH key and handed to a few connected peers, which carry them
// one hop (relay.ts). Direct delivery stays the mailbox's first choice; this runs meanwhile.

import type { Identity, PeerId } from "../crypto.ts";
import type { ProtocolExtension, SessionHost } from "../session/extension.ts";
import type { PeerRecord } from "../store.ts";
import { type Frame, type FrameType, MAX_RELAYED_CIPHERTEXT } from "../wire.ts";
import { type Ack, isSealedAck } from "./ack.ts";
import type { OutboxEntry } from "./mail-store.ts";
import { relayedAck, relayFrame } from "./relay-frames.ts";
import { agreementCard, checkAgreementCard, seal } from "./seal.ts";

/** A peer's identity key and, when known, its signed ECDH key. */
export type PeerKeys = Pick<PeerRecord, "publicKey" | "agreementKey" | "agreementSignature">;

/**
 * Connected peers an entry is handed to while its recipient is away, once per connection each:
 * enough that one of them likely meets the recipient in a mesh of 6–8, few enough that a message
 * costs at most this many copies (each relay holds it for RELAY_LIMITS.ttlMs at most).
 */
export const MAX_RELAYS_PER_MESSAGE = 3;
/** Keys learnt from relayed mail, so a reply can go back by relay to someone we never met. */
const LEARNT_KEYS_MAX = 256;

export interface HandoffOptions {
  identity: Identity;
  host: SessionHost;
  /** The outbox, read when a new relay comes along. */
  listOutbox: () => Promise<OutboxEntry[]>;
  resolveKeys: (peer: PeerId) => Promise<PeerKeys | undefined>;
  blocked: (peer: PeerId) => boolean;
}

export class RelayHandoff {
  /** Relays holding our entries on their current connection: relay → msgIds handed to it. */
  private readonly handedTo = new Map<PeerId, Set<string>>();
  /** One pass at a time, so an entry is not handed to the same relay twice concurrently. */
  private passing: Promise<void> = Promise.resolve();
  private readonly learntKeys = new Map<PeerId, PeerKeys>();

  constructor(private readonly options: HandoffOptions) {}

  /**
   * Hands entries whose recipient is not connected (`only` these, or the whole outbox) to up to
   * MAX_RELAYS_PER_MESSAGE connected peers each; `again` repeats it to the relays that have it
   * (a frame can be lost without the channel closing). Entries whose recipient's keys we do not
   * know wait for a direct meeting.
   */
  hand(only?: OutboxEntry[], again = false): Promise<void> {
    const next = this.passing.then(() => this.pass(only, again));
    this.passing = next.catch(() => undefined);
    return next;
  }

  /**
   * A receipt for an author who is not connected, to whichever relays we have; a sealed one only
   * to relays that take sealed receipts (older ones would refuse it as malformed). Returns how
   * many relays it went to.
   */
  handAck(ack: Ack): number {
    const { host, identity } = this.options;
    const relayed = relayedAck(identity.publicKey, ack);
    const relays = this.relays().filter((relay) => !isSealedAck(ack) || host.readsSealedReceipts(relay));
    const chosen = relays.slice(0, MAX_RELAYS_PER_MESSAGE);
    for (const relay of chosen) host.send(relay, relayed);
    return chosen.length;
  }

  /** Keys that came with relayed mail whose signature and card checked out. */
  learn(peer: PeerId, keys: PeerKeys): void {
    this.learntKeys.delete(peer);
    this.learntKeys.set(peer, keys);
    if (this.learntKeys.size > LEARNT_KEYS_MAX) this.learntKeys.delete(this.learntKeys.keys().next().value as PeerId);
  }

  /** The relay's connection closed: what it held is not counted any more. */
  closed(peer: PeerId): void {
    this.handedTo.delete(peer);
  }

  retired(msgId: string): void {
    for (const handed of this.handedTo.values()) handed.delete(msgId);
  }

  private relays(): PeerId[] {
    return this.options.host.readyPeers().filter((p) => !this.options.blocked(p));
  }

  private async pass(only: OutboxEntry[] | undefined, again: boolean): Promise<void> {
    const relays = this.relays();
    if (!relays.length) return;
    const ready = this.options.host.readyPeers();
    const entries = (only ?? (await this.options.listOutbox()))
      .filter((e) => !ready.includes(e.to) && !this.options.blocked(e.to))
      .sort((a, b) => a.createdAt - b.createdAt);
    if (!entries.length) return;
    const { identity, host } = this.options;
    const card = await agreementCard(identity);
    for (const entry of entries) {
      const holding = relays.filter((r) => this.handedTo.get(r)?.has(entry.msgId));
      const fresh = relays
        .filter((r) => !holding.includes(r))
        .slice(0, Math.max(0, MAX_RELAYS_PER_MESSAGE - holding.length));
      const targets = again ? [...holding, ...fresh] : fresh;
      if (!targets.length) continue;
      const keys = await this.keysFor(entry.to);
      if (!keys) continue;
      const sealed = await seal(identity, entry.kind, entry.to, keys.agreementKey, entry.msgId, entry.body);
      // Too big for a relay to hold (see MAX_RELAYED_CIPHERTEXT): it waits for a direct meeting.
      if (sealed.ciphertext.length > MAX_RELAYED_CIPHERTEXT) continue;
      const relayed = relayFrame(identity.publicKey, { type: entry.kind, sealed, ...card });
      for (const relay of targets) {
        const handed = this.handedTo.get(relay) ?? new Set<string>();
        this.handedTo.set(relay, handed.add(entry.msgId));
        host.send(relay, relayed);
      }
    }
  }

  /** Keys to seal to a peer: its HELLO, what the resolver knows, what its relayed mail carried. */
  async keysFor(peer: PeerId): Promise<{ publicKey: string; agreementKey: string } | undefined> {
    const known =
      this.options.host.verifiedPeer(peer) ?? (await this.options.resolveKeys(peer)) ?? this.learntKeys.get(peer);
    const { publicKey, agreementKey, agreementSignature } = known ?? {};
    if (!publicKey || !agreementKey || !agreementSignature) return undefined;
    // Checked here whatever the source: a stored or resolved card is only as good as its signature.
    if (!(await checkAgreementCard(peer, publicKey, { agreementKey, agreementSignature }))) return undefined;
    return { publicKey, agreementKey };
  }
}

/**
 * Hears a durable relay's RELAY_HELD: it holds one of our messages for its absent recipient.
 * Believed only for a message still in our outbox, for that recipient: a relay cannot mark
 * anything else held. The frame comes straight from the relay over a channel whose HELLO proved
 * who it is.
 */
export class HeldNotices implements ProtocolExtension {
  readonly types: readonly FrameType[] = ["RELAY_HELD"];

  constructor(
    private readonly listOutbox: () => Promise<OutboxEntry[]>,
    private readonly onHeld: (msgId: string, relay: PeerId) => Promise<void>,
  ) {}

  async onFrame(relay: PeerId, incoming: Frame): Promise<void> {
    if (incoming.type !== "RELAY_HELD") return;
    const { msgId, to } = incoming.held;
    const entry = (await this.listOutbox()).find((e) => e.msgId === msgId);
    if (entry?.to !== to || to === relay) return;
    await this.onHeld(msgId, relay);
  }
}
