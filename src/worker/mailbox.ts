// The outbox and the sealed-frame path (issue 5): deal steps and chat messages are sealed to
// their recipient, kept in the outbox until the recipient's signed ACK comes back, and sent again
// every time that peer completes HELLO. Incoming sealed frames are verified, decrypted, handed to
// the feature that owns their kind (deals.ts, chat.ts) and acknowledged; replays are ignored.

import type { Identity, PeerId } from "../shared/crypto.ts";
import { sign, verify } from "../shared/crypto.ts";
import { PeerboardError } from "../shared/errors.ts";
import type { MailStore, OutboxEntry, OutboxKind } from "../shared/mail-store.ts";
import { open, SealError, seal } from "../shared/seal.ts";
import type { Store } from "../shared/store.ts";
import { type Frame, type FrameOf, type FrameType, frame } from "../shared/wire.ts";
import type { Protocol, ProtocolExtension } from "./protocol.ts";

export type AckStatus = FrameOf<"ACK">["ack"]["status"];

/** Handles one decrypted message; throwing a PeerboardError refuses it (ACK "refused", nothing stored). */
export type MailHandler = (from: PeerId, body: unknown, msgId: string) => Promise<void>;
export type AckListener = (entry: OutboxEntry | undefined, msgId: string, status: AckStatus) => Promise<void> | void;

export interface MailboxOptions {
  identity: Identity;
  store: Store & MailStore;
  protocol: Protocol;
  /** Asks the transport to reach a peer we have mail for (the hub's dialer). */
  dial?: (peer: PeerId) => void;
  now?: () => number;
}

const KINDS: readonly OutboxKind[] = ["DEAL_PROPOSAL", "DEAL_RESPONSE", "CHAT_MESSAGE"];

function ackText(msgId: string, from: PeerId, to: PeerId, status: AckStatus): string {
  return `peerboard-ack-v1\n${msgId}\n${from}\n${to}\n${status}`;
}

export class Mailbox implements ProtocolExtension {
  readonly types: readonly FrameType[] = [...KINDS, "ACK"];
  private readonly handlers = new Map<OutboxKind, MailHandler>();
  private readonly ackListeners = new Set<AckListener>();
  private readonly readyListeners = new Set<(peer: PeerId) => Promise<void> | void>();
  private readonly identity: Identity;
  private readonly store: Store & MailStore;
  private readonly protocol: Protocol;
  private readonly dial: (peer: PeerId) => void;
  private readonly now: () => number;
  /** One flush per peer at a time, so an entry is not sealed and sent twice concurrently. */
  private readonly flushing = new Map<PeerId, Promise<void>>();
  /** Entries already sent on the current connection to a peer; a new connection sends all again. */
  private readonly sentThisSession = new Map<PeerId, Set<string>>();

  constructor(options: MailboxOptions) {
    this.identity = options.identity;
    this.store = options.store;
    this.protocol = options.protocol;
    this.dial = options.dial ?? (() => undefined);
    this.now = options.now ?? Date.now;
  }

  handle(kind: OutboxKind, handler: MailHandler): void {
    this.handlers.set(kind, handler);
  }

  onAck(fn: AckListener): void {
    this.ackListeners.add(fn);
  }

  /** An outbox entry for the caller to store together with what it records (see MailStore). */
  entry(to: PeerId, kind: OutboxKind, msgId: string, body: unknown): OutboxEntry {
    return { msgId, to, kind, body, createdAt: this.now() };
  }

  /** Sends a stored entry now if its recipient is connected, or dials the recipient. */
  async dispatch(entry: OutboxEntry): Promise<void> {
    if (this.protocol.readyPeers().includes(entry.to)) await this.flush(entry.to, [entry]);
    else this.dial(entry.to);
  }

  /** Puts a message in the outbox and sends it now if its recipient is connected. */
  async post(to: PeerId, kind: OutboxKind, msgId: string, body: unknown): Promise<OutboxEntry> {
    const entry = this.entry(to, kind, msgId, body);
    await this.store.enqueue(entry);
    await this.dispatch(entry);
    return entry;
  }

  /** Peers with mail waiting, for the dialer to keep trying. */
  async waitingFor(): Promise<PeerId[]> {
    return [...new Set((await this.store.listOutbox()).map((e) => e.to))];
  }

  /**
   * Tells the author we read their message, if they are connected; false when not (the caller
   * keeps it and tries again from `onPeerReady`). Receipts are not themselves acknowledged.
   */
  async receipt(to: PeerId, msgId: string, status: AckStatus): Promise<boolean> {
    if (!this.protocol.readyPeers().includes(to)) return false;
    this.protocol.send(to, await this.ackFrame(to, msgId, status));
    return true;
  }

  /**
   * Sends again whatever waited longer than `olderThanMs` to peers that are connected: a frame
   * can be lost without the channel closing (e.g. while the radio moves to another tab).
   */
  async retry(olderThanMs: number): Promise<void> {
    const cutoff = this.now() - olderThanMs;
    const ready = new Set(this.protocol.readyPeers());
    const stale = (await this.store.listOutbox()).filter((e) => e.createdAt <= cutoff && ready.has(e.to));
    for (const peer of new Set(stale.map((e) => e.to)))
      await this.flush(
        peer,
        stale.filter((e) => e.to === peer),
        true,
      );
  }

  /** Hears when a peer has completed HELLO, after its waiting mail went out. */
  onPeerReady(fn: (peer: PeerId) => Promise<void> | void): void {
    this.readyListeners.add(fn);
  }

  onClose(peer: PeerId): void {
    this.sentThisSession.delete(peer);
  }

  /** Everything waiting for a peer goes out each time it completes HELLO, until ACKed. */
  async onReady(peer: PeerId): Promise<void> {
    await this.flush(peer);
    for (const fn of this.readyListeners) await fn(peer);
  }

  async onFrame(peer: PeerId, incoming: Frame): Promise<void> {
    if (incoming.type === "ACK") return this.acknowledged(peer, incoming);
    if (incoming.type !== "DEAL_PROPOSAL" && incoming.type !== "DEAL_RESPONSE" && incoming.type !== "CHAT_MESSAGE")
      return;
    const sealed = incoming.sealed;
    // Direct delivery only for now: the sender must be the author. Relaying through a third
    // peer (gossip) will need the author's keys from its signed profile instead.
    if (sealed.from !== peer || sealed.to !== this.identity.peerId) {
      this.protocol.strike(peer, "bad-record");
      return;
    }
    const keys = this.protocol.verifiedPeer(peer);
    if (!keys?.agreementKey) {
      console.warn(`Peerboard: ${peer} sent sealed mail without an encryption key in its HELLO`);
      return;
    }
    let body: unknown;
    try {
      body = await open(this.identity, incoming.type, sealed, keys.publicKey, keys.agreementKey);
    } catch (error) {
      if (!(error instanceof SealError)) throw error;
      console.warn(`Peerboard: ${error.message}`);
      this.protocol.strike(peer, "bad-record");
      return;
    }
    // A replay (or a resend whose ACK was lost) is answered again but changes nothing. Frames
    // of one peer are handled one at a time (protocol.ts), so check-then-mark does not race.
    if (await this.store.wasSeen(sealed.msgId)) {
      this.protocol.send(peer, await this.ackFrame(peer, sealed.msgId, "delivered"));
      return;
    }
    let status: AckStatus = "delivered";
    try {
      await this.handlers.get(incoming.type)?.(peer, body, sealed.msgId);
    } catch (error) {
      // Anything but a refusal is our bug: no ACK, so the sender keeps it and tries again.
      if (!(error instanceof PeerboardError)) throw error;
      console.warn(`Peerboard: refused ${incoming.type} from ${peer}: ${error.message}`);
      status = "refused";
    }
    // Marked only once its effects are stored: a crash in between means a retry, not a loss.
    await this.store.markSeen(sealed.msgId);
    this.protocol.send(peer, await this.ackFrame(peer, sealed.msgId, status));
  }

  private async ackFrame(to: PeerId, msgId: string, status: AckStatus): Promise<Frame> {
    const from = this.identity.peerId;
    const signature = await sign(this.identity.signing.privateKey, ackText(msgId, from, to, status));
    return frame({ type: "ACK", ack: { msgId, from, to, status, signature } });
  }

  private async acknowledged(peer: PeerId, incoming: FrameOf<"ACK">): Promise<void> {
    const { ack } = incoming;
    const keys = this.protocol.verifiedPeer(peer);
    const valid =
      ack.from === peer &&
      ack.to === this.identity.peerId &&
      keys !== undefined &&
      (await verify(keys.publicKey, ack.signature, ackText(ack.msgId, ack.from, ack.to, ack.status)));
    if (!valid) {
      this.protocol.strike(peer, "bad-record");
      return;
    }
    const waiting = (await this.store.listOutbox()).find((e) => e.msgId === ack.msgId);
    // Only the recipient can retire an entry: an ACK from anyone else leaves it waiting.
    const entry = waiting?.to === peer ? await this.store.dequeue(ack.msgId) : undefined;
    this.sentThisSession.get(peer)?.delete(ack.msgId);
    if (!entry && ack.status === "delivered") return;
    for (const fn of this.ackListeners) await fn(entry, ack.msgId, ack.status);
  }

  /** Sends `only` these entries, or everything waiting for `peer`; `again` repeats sent ones. */
  private flush(peer: PeerId, only?: OutboxEntry[], again = false): Promise<void> {
    const previous = this.flushing.get(peer) ?? Promise.resolve();
    const next = previous.then(() => this.sendWaiting(peer, only, again));
    this.flushing.set(peer, next);
    return next.finally(() => {
      if (this.flushing.get(peer) === next) this.flushing.delete(peer);
    });
  }

  private async sendWaiting(peer: PeerId, only: OutboxEntry[] | undefined, again: boolean): Promise<void> {
    const keys = this.protocol.verifiedPeer(peer);
    // A peer from an older version sends no encryption key: its mail waits until it updates.
    if (!keys?.agreementKey) return;
    const entries = (only ?? (await this.store.listOutbox()))
      .filter((e) => e.to === peer)
      .sort((a, b) => a.createdAt - b.createdAt);
    const sent = this.sentThisSession.get(peer) ?? new Set<string>();
    this.sentThisSession.set(peer, sent);
    for (const entry of entries) {
      if (sent.has(entry.msgId) && !again) continue;
      sent.add(entry.msgId);
      const sealed = await seal(this.identity, entry.kind, peer, keys.agreementKey, entry.msgId, entry.body);
      this.protocol.send(peer, frame({ type: entry.kind, sealed }));
    }
  }
}
