// The Mailbox: deal steps and chat messages sealed end to end, with an outbox that keeps
// them until the recipient's signed ACK (outbox.ts), an inbox that opens, dedups, hands them to
// the feature that owns their kind and acknowledges them (inbox.ts), and the relays that carry
// them one hop while the recipient is away (relay.ts, relay-handoff.ts). This file claims the
// frame types and routes them.

import type { Identity, PeerId } from "../crypto.ts";
import type { Clock } from "../ports.ts";
import type { ProtocolExtension, SessionHost } from "../session/extension.ts";
import type { Store } from "../store.ts";
import type { Frame, FrameType } from "../wire.ts";
import { type AckStatus, readAck } from "./ack.ts";
import { Inbox, type MailHandler } from "./inbox.ts";
import type { MailStore, OutboxEntry, OutboxKind } from "./mail-store.ts";
import { type AckListener, Outbox } from "./outbox.ts";
import { type RELAY_LIMITS, Relay, type RelayStats, type RelayStore } from "./relay.ts";
import { checkRelayed, relayRoute } from "./relay-frames.ts";
import { type PeerKeys, RelayHandoff } from "./relay-handoff.ts";

export type { AckStatus } from "./ack.ts";
export type { MailHandler } from "./inbox.ts";
export type { AckListener } from "./outbox.ts";
export type { PeerKeys } from "./relay-handoff.ts";

export interface MailboxOptions {
  identity: Identity;
  store: Store & MailStore;
  host: SessionHost;
  clock: Clock;
  /** Asks the transport to reach a peer we have mail for (the hub's dialer). */
  dial?: (peer: PeerId) => void;
  /**
   * The keys of a peer that is not connected (stored peer records; later profiles), so mail to
   * it can be sealed and handed to relays. Its ECDH card is checked before use.
   */
  resolveKeys?: (peer: PeerId) => Promise<PeerKeys | undefined>;
  /** Users the user blocked: their relayed mail is dropped, and nothing is relayed to or from them. */
  blocked?: (peer: PeerId) => boolean;
  /** What we hold for others as a relay; RELAY_LIMITS unless a test says otherwise. */
  relayLimits?: Partial<typeof RELAY_LIMITS>;
  /** Keeps what we hold for others across restarts (the always-on peer); else memory only. */
  relayStore?: RelayStore;
  /** Seen message ids kept (inbox.ts SEEN_MAX) unless a test says otherwise. */
  seenMax?: number;
}

const KINDS: readonly OutboxKind[] = ["DEAL_PROPOSAL", "DEAL_RESPONSE", "CHAT_MESSAGE"];

export class Mailbox implements ProtocolExtension {
  readonly types: readonly FrameType[] = [...KINDS, "ACK", "RELAY"];
  private readonly readyListeners = new Set<(peer: PeerId) => Promise<void> | void>();
  private readonly identity: Identity;
  private readonly host: SessionHost;
  /** What we carry for others. */
  private readonly relay: Relay;
  /** What others carry for us. */
  private readonly handoff: RelayHandoff;
  private readonly outbox: Outbox;
  private readonly inbox: Inbox;

  constructor(options: MailboxOptions) {
    this.identity = options.identity;
    this.host = options.host;
    const blocked = options.blocked ?? (() => false);
    this.relay = new Relay({
      host: this.host,
      blocked,
      now: () => options.clock.now(),
      ...(options.relayLimits ? { limits: options.relayLimits } : {}),
      ...(options.relayStore ? { store: options.relayStore } : {}),
    });
    this.handoff = new RelayHandoff({
      identity: this.identity,
      host: this.host,
      listOutbox: () => options.store.listOutbox(),
      resolveKeys: options.resolveKeys ?? (async () => undefined),
      blocked,
    });
    const shared = { identity: this.identity, store: options.store, host: this.host, handoff: this.handoff };
    this.outbox = new Outbox({ ...shared, clock: options.clock, dial: options.dial ?? (() => undefined) });
    this.inbox = new Inbox({ ...shared, blocked, ...(options.seenMax ? { seenMax: options.seenMax } : {}) });
  }

  /** What this hub carries for others (the Network view shows it). */
  relayStats(): RelayStats {
    return this.relay.stats();
  }

  handle(kind: OutboxKind, handler: MailHandler): void {
    this.inbox.handle(kind, handler);
  }

  onAck(fn: AckListener): void {
    this.outbox.onAck(fn);
  }

  /** An outbox entry for the caller to store together with what it records (see MailStore). */
  entry(to: PeerId, kind: OutboxKind, msgId: string, body: unknown): OutboxEntry {
    return this.outbox.entry(to, kind, msgId, body);
  }

  /**
   * Sends a stored entry now if its recipient is connected; otherwise dials the recipient (direct
   * delivery is preferred) and meanwhile hands the entry to relays.
   */
  dispatch(entry: OutboxEntry): Promise<void> {
    return this.outbox.dispatch(entry);
  }

  /** Puts a message in the outbox and sends it now if its recipient is connected. */
  post(to: PeerId, kind: OutboxKind, msgId: string, body: unknown): Promise<OutboxEntry> {
    return this.outbox.post(to, kind, msgId, body);
  }

  /** Peers with mail waiting, for the dialer to keep trying. */
  waitingFor(): Promise<PeerId[]> {
    return this.outbox.waitingFor();
  }

  /**
   * Tells the author we read their message: true when they are connected. When not, the receipt
   * is handed to relays, which may or may not meet them, and false tells the caller to keep it
   * and send it again from `onPeerReady`. Receipts are not themselves acknowledged.
   */
  receipt(to: PeerId, msgId: string, status: AckStatus): Promise<boolean> {
    return this.outbox.receipt(to, msgId, status);
  }

  /**
   * Sends again whatever waited longer than `olderThanMs` to peers that are connected: a frame
   * can be lost without the channel closing (e.g. while the radio moves to another tab).
   */
  retry(olderThanMs: number): Promise<void> {
    return this.outbox.retry(olderThanMs);
  }

  /**
   * Someone's keys just became known (their signed profile arrived): mail waiting for them can
   * go by relay now rather than at the next retry. Batched: a sync brings profiles by the hundred.
   */
  keysArrived(peer: PeerId): void {
    this.outbox.keysArrived(peer);
  }

  /** Hears when a peer has completed HELLO, after its waiting mail went out. */
  onPeerReady(fn: (peer: PeerId) => Promise<void> | void): void {
    this.readyListeners.add(fn);
  }

  onClose(peer: PeerId): void {
    this.outbox.onClose(peer);
    this.handoff.closed(peer);
  }

  /**
   * Everything waiting for a peer goes out each time it completes HELLO, until ACKed: ours, and
   * what we hold for it as a relay. The new peer can also carry our mail for peers that are away.
   */
  async onReady(peer: PeerId): Promise<void> {
    await this.relay.release(peer);
    await this.outbox.flush(peer);
    await this.handoff.hand();
    for (const fn of this.readyListeners) await fn(peer);
  }

  async onFrame(peer: PeerId, incoming: Frame): Promise<void> {
    if (incoming.type === "ACK") return this.outbox.acknowledged(peer, incoming);
    if (incoming.type === "RELAY") {
      if (relayRoute(incoming).to !== this.identity.peerId) return this.relay.forward(peer, incoming);
      const { mail, publicKey } = incoming;
      if (mail.type !== "ACK") return this.inbox.relayed(peer, mail, publicKey);
      if (!(await checkRelayed(incoming))) {
        this.host.strike(peer, "bad-record");
        return;
      }
      // A relay cannot check that a sealed status opens: one that does not is dropped, not struck.
      const keys = await this.handoff.keysFor(mail.ack.from);
      const status = await readAck(this.identity, mail.ack, keys?.agreementKey);
      if (status) return this.outbox.retire(mail.ack, status);
      this.host.log.warn(`a receipt from ${mail.ack.from} relayed by ${peer} did not open`);
      return;
    }
    if (incoming.type === "DEAL_PROPOSAL" || incoming.type === "DEAL_RESPONSE" || incoming.type === "CHAT_MESSAGE")
      return this.inbox.direct(peer, incoming);
  }
}
