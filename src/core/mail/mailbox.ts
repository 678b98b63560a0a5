// The outbox and the sealed-frame path (issue 5): deal steps and chat messages are sealed to
// their recipient, kept in the outbox until the recipient's signed ACK comes back, and sent again
// every time that peer completes HELLO. While the recipient is not connected they are also
// handed to a few connected peers that relay them one hop (relay.ts). Incoming sealed frames,
// direct or relayed, are verified, decrypted, handed to the feature that owns their kind
// (deals.ts, chat.ts) and acknowledged; replays are ignored.

import type { Identity, PeerId } from "../crypto.ts";
import { PeerboardError } from "../errors.ts";
import type { Clock, TimerId } from "../ports.ts";
import type { ProtocolExtension, SessionHost } from "../session/extension.ts";
import type { Store } from "../store.ts";
import { type Frame, type FrameOf, type FrameType, frame } from "../wire.ts";
import { type Ack, type AckStatus, signAck, verifyAck } from "./ack.ts";
import type { MailStore, OutboxEntry, OutboxKind } from "./mail-store.ts";
import {
  checkRelayed,
  type RELAY_LIMITS,
  Relay,
  type RelayFrame,
  type RelayStats,
  type RelayStore,
  relayedAck,
  relayRoute,
} from "./relay.ts";
import { type PeerKeys, RelayHandoff } from "./relay-handoff.ts";
import { checkAgreementCard, open, SealError, type Sealed, seal } from "./seal.ts";

export type { AckStatus } from "./ack.ts";
export type { PeerKeys } from "./relay-handoff.ts";

/** Handles one decrypted message; throwing a PeerboardError refuses it (ACK "refused", nothing stored). */
export type MailHandler = (from: PeerId, body: unknown, msgId: string) => Promise<void>;
export type AckListener = (entry: OutboxEntry | undefined, msgId: string, status: AckStatus) => Promise<void> | void;

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
}

/** Profiles arriving within this long are looked up against the outbox together. */
const KEYS_BATCH_MS = 100;

const KINDS: readonly OutboxKind[] = ["DEAL_PROPOSAL", "DEAL_RESPONSE", "CHAT_MESSAGE"];

export class Mailbox implements ProtocolExtension {
  readonly types: readonly FrameType[] = [...KINDS, "ACK", "RELAY"];
  private readonly handlers = new Map<OutboxKind, MailHandler>();
  private readonly ackListeners = new Set<AckListener>();
  private readonly readyListeners = new Set<(peer: PeerId) => Promise<void> | void>();
  private readonly identity: Identity;
  private readonly store: Store & MailStore;
  private readonly host: SessionHost;
  private readonly clock: Clock;
  private readonly dial: (peer: PeerId) => void;
  private readonly blocked: (peer: PeerId) => boolean;
  private readonly now: () => number;
  /** What we carry for others. */
  private readonly relay: Relay;
  /** What others carry for us. */
  private readonly handoff: RelayHandoff;
  private readonly keysPending = new Set<PeerId>();
  private keysTimer: TimerId | undefined;
  /** Mail for one msgId is handled one copy at a time: a direct and a relayed copy may race. */
  private readonly handling = new Map<string, Promise<void>>();
  /** One flush per peer at a time, so an entry is not sealed and sent twice concurrently. */
  private readonly flushing = new Map<PeerId, Promise<void>>();
  /** Entries already sent on the current connection to a peer; a new connection sends all again. */
  private readonly sentThisSession = new Map<PeerId, Set<string>>();

  constructor(options: MailboxOptions) {
    this.identity = options.identity;
    this.store = options.store;
    this.host = options.host;
    this.clock = options.clock;
    this.dial = options.dial ?? (() => undefined);
    this.blocked = options.blocked ?? (() => false);
    this.now = () => this.clock.now();
    this.relay = new Relay({
      host: this.host,
      blocked: this.blocked,
      now: this.now,
      ...(options.relayLimits ? { limits: options.relayLimits } : {}),
      ...(options.relayStore ? { store: options.relayStore } : {}),
    });
    this.handoff = new RelayHandoff({
      identity: this.identity,
      host: this.host,
      listOutbox: () => this.store.listOutbox(),
      resolveKeys: options.resolveKeys ?? (async () => undefined),
      blocked: this.blocked,
    });
  }

  /** What this hub carries for others (the Network view shows it). */
  relayStats(): RelayStats {
    return this.relay.stats();
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

  /**
   * Sends a stored entry now if its recipient is connected; otherwise dials the recipient (direct
   * delivery is preferred) and meanwhile hands the entry to relays.
   */
  async dispatch(entry: OutboxEntry): Promise<void> {
    if (this.host.readyPeers().includes(entry.to)) return this.flush(entry.to, [entry]);
    this.dial(entry.to);
    await this.handoff.hand([entry]);
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
   * Tells the author we read their message: true when they are connected. When not, the receipt
   * is handed to relays, which may or may not meet them, and false tells the caller to keep it
   * and send it again from `onPeerReady`. Receipts are not themselves acknowledged.
   */
  async receipt(to: PeerId, msgId: string, status: AckStatus): Promise<boolean> {
    const ack = await signAck(this.identity, to, msgId, status);
    if (this.host.readyPeers().includes(to)) {
      this.host.send(to, frame({ type: "ACK", ack }));
      return true;
    }
    this.handoff.handAck(ack);
    return false;
  }

  /**
   * Sends again whatever waited longer than `olderThanMs` to peers that are connected: a frame
   * can be lost without the channel closing (e.g. while the radio moves to another tab).
   */
  async retry(olderThanMs: number): Promise<void> {
    const cutoff = this.now() - olderThanMs;
    const ready = new Set(this.host.readyPeers());
    const old = (await this.store.listOutbox()).filter((e) => e.createdAt <= cutoff);
    const stale = old.filter((e) => ready.has(e.to));
    for (const peer of new Set(stale.map((e) => e.to)))
      await this.flush(
        peer,
        stale.filter((e) => e.to === peer),
        true,
      );
    // A relay may have restarted and lost what it held: hand the rest out again.
    await this.handoff.hand(
      old.filter((e) => !ready.has(e.to)),
      true,
    );
  }

  /**
   * Someone's keys just became known (their signed profile arrived): mail waiting for them can
   * go by relay now rather than at the next retry. Batched: a sync brings profiles by the hundred.
   */
  keysArrived(peer: PeerId): void {
    this.keysPending.add(peer);
    this.keysTimer ??= this.clock.setTimeout(() => {
      this.keysTimer = undefined;
      const peers = new Set(this.keysPending);
      this.keysPending.clear();
      void this.store
        .listOutbox()
        .then((outbox) => outbox.filter((e) => peers.has(e.to)))
        .then((waiting) => (waiting.length ? this.handoff.hand(waiting) : undefined))
        .catch((error: unknown) => this.host.log.error("handing waiting mail to relays failed", error));
    }, KEYS_BATCH_MS);
  }

  /** Hears when a peer has completed HELLO, after its waiting mail went out. */
  onPeerReady(fn: (peer: PeerId) => Promise<void> | void): void {
    this.readyListeners.add(fn);
  }

  onClose(peer: PeerId): void {
    this.sentThisSession.delete(peer);
    this.handoff.closed(peer);
  }

  /**
   * Everything waiting for a peer goes out each time it completes HELLO, until ACKed: ours, and
   * what we hold for it as a relay. The new peer can also carry our mail for peers that are away.
   */
  async onReady(peer: PeerId): Promise<void> {
    await this.relay.release(peer);
    await this.flush(peer);
    await this.handoff.hand();
    for (const fn of this.readyListeners) await fn(peer);
  }

  async onFrame(peer: PeerId, incoming: Frame): Promise<void> {
    if (incoming.type === "ACK") return this.acknowledged(peer, incoming);
    if (incoming.type === "RELAY") {
      if (relayRoute(incoming).to !== this.identity.peerId) return this.relay.forward(peer, incoming);
      return this.relayed(peer, incoming);
    }
    if (incoming.type !== "DEAL_PROPOSAL" && incoming.type !== "DEAL_RESPONSE" && incoming.type !== "CHAT_MESSAGE")
      return;
    const sealed = incoming.sealed;
    // A sealed frame comes straight from its author; anything else travels as RELAY.
    if (sealed.from !== peer || sealed.to !== this.identity.peerId) {
      this.host.strike(peer, "bad-record");
      return;
    }
    const keys = this.host.verifiedPeer(peer);
    if (!keys?.agreementKey) {
      this.host.log.warn(`${peer} sent sealed mail without an encryption key in its HELLO`);
      return;
    }
    await this.accept(peer, incoming.type, sealed, keys.publicKey, keys.agreementKey);
  }

  /** A RELAY frame addressed to us, handed over by `via` (the relay). */
  private async relayed(via: PeerId, incoming: RelayFrame): Promise<void> {
    const { mail, publicKey } = incoming;
    if (mail.type === "ACK") {
      if (!(await checkRelayed(incoming))) {
        this.host.strike(via, "bad-record");
        return;
      }
      return this.retire(mail.ack);
    }
    const author = mail.sealed.from;
    // As if it never came: a blocked user cannot reach us directly either.
    if (this.blocked(author)) return;
    const card = { agreementKey: mail.agreementKey, agreementSignature: mail.agreementSignature };
    if (!(await checkAgreementCard(author, publicKey, card))) {
      this.host.strike(via, "bad-record");
      return;
    }
    // Its keys are learnt as soon as it opens, before it is handled: a reply may follow at once.
    await this.accept(via, mail.type, mail.sealed, publicKey, mail.agreementKey, () =>
      this.handoff.learn(author, { publicKey, ...card }),
    );
  }

  /**
   * Opens, dedups, handles and acknowledges one sealed message to us, with its author's keys;
   * `via` handed it over (the author, or a relay); `opened` hears that it opened.
   */
  private async accept(
    via: PeerId,
    kind: OutboxKind,
    sealed: Sealed,
    authorKey: string,
    authorAgreementKey: string,
    opened?: () => void,
  ): Promise<void> {
    let body: unknown;
    try {
      body = await open(this.identity, kind, sealed, authorKey, authorAgreementKey);
    } catch (error) {
      if (!(error instanceof SealError)) throw error;
      this.host.log.warn(error.message);
      this.host.strike(via, "bad-record");
      return;
    }
    opened?.();
    const author = sealed.from;
    await this.once(sealed.msgId, async () => {
      // A replay (or a resend whose ACK was lost, or a second copy by another path) is answered
      // again but changes nothing.
      if (await this.store.wasSeen(sealed.msgId)) return this.answer(author, sealed.msgId, "delivered", via);
      let status: AckStatus = "delivered";
      try {
        await this.handlers.get(kind)?.(author, body, sealed.msgId);
      } catch (error) {
        // Anything but a refusal is our bug: no ACK, so the sender keeps it and tries again.
        if (!(error instanceof PeerboardError)) throw error;
        this.host.log.warn(`refused ${kind} from ${author}: ${error.message}`);
        status = "refused";
      }
      // Marked only once its effects are stored: a crash in between means a retry, not a loss.
      await this.store.markSeen(sealed.msgId);
      await this.answer(author, sealed.msgId, status, via);
    });
  }

  /** Runs `fn` after any other handling of the same message id has finished. */
  private once(msgId: string, fn: () => Promise<void>): Promise<void> {
    const next = (this.handling.get(msgId) ?? Promise.resolve()).then(fn);
    const settled = next.catch(() => undefined);
    this.handling.set(msgId, settled);
    void settled.then(() => {
      if (this.handling.get(msgId) === settled) this.handling.delete(msgId);
    });
    return next;
  }

  /** Our ACK goes straight to the author when connected, else back through the relay it came by. */
  private async answer(author: PeerId, msgId: string, status: AckStatus, via: PeerId): Promise<void> {
    const ack = await signAck(this.identity, author, msgId, status);
    const ready = this.host.readyPeers();
    if (ready.includes(author)) this.host.send(author, frame({ type: "ACK", ack }));
    else if (ready.includes(via)) this.host.send(via, relayedAck(this.identity.publicKey, ack));
  }

  private async acknowledged(peer: PeerId, incoming: FrameOf<"ACK">): Promise<void> {
    const { ack } = incoming;
    const keys = this.host.verifiedPeer(peer);
    const valid =
      ack.from === peer &&
      ack.to === this.identity.peerId &&
      keys !== undefined &&
      (await verifyAck(keys.publicKey, ack));
    if (!valid) {
      this.host.strike(peer, "bad-record");
      return;
    }
    await this.retire(ack);
  }

  /** A receipt whose signature by `ack.from` was checked, direct or relayed. */
  private async retire(ack: Ack): Promise<void> {
    if (ack.to !== this.identity.peerId) return;
    const waiting = (await this.store.listOutbox()).find((e) => e.msgId === ack.msgId);
    // Only the recipient can retire an entry: an ACK from anyone else leaves it waiting.
    const entry = waiting?.to === ack.from ? await this.store.dequeue(ack.msgId) : undefined;
    this.sentThisSession.get(ack.from)?.delete(ack.msgId);
    this.handoff.retired(ack.msgId);
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
    const keys = this.host.verifiedPeer(peer);
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
      this.host.send(peer, frame({ type: entry.kind, sealed }));
    }
  }
}
