// The sending half of the Mailbox: deal steps and chat messages wait in the outbox until their
// recipient's signed ACK retires them. They go out sealed every time the recipient completes
// HELLO, are sent again when they waited too long, and meanwhile are handed to relays
// (relay-handoff.ts) while the recipient is away.

import type { Identity, PeerId } from "../crypto.ts";
import type { Clock, TimerId } from "../ports.ts";
import type { SessionHost } from "../session/extension.ts";
import { type FrameOf, frame } from "../wire.ts";
import { type Ack, type AckStatus, readAck, signAck, verifyAck } from "./ack.ts";
import type { MailStore, OutboxEntry, OutboxKind } from "./mail-store.ts";
import type { RelayHandoff } from "./relay-handoff.ts";
import { seal } from "./seal.ts";

/**
 * Hears a checked receipt: `entry` is the outbox entry it retired (only its recipient can), `from`
 * who signed it. Listeners must accept a status only from the message's counterparty.
 */
export type AckListener = (
  entry: OutboxEntry | undefined,
  msgId: string,
  status: AckStatus,
  from: PeerId,
) => Promise<void> | void;

/** Profiles arriving within this long are looked up against the outbox together. */
const KEYS_BATCH_MS = 100;

export interface OutboxOptions {
  identity: Identity;
  store: MailStore;
  host: SessionHost;
  clock: Clock;
  handoff: RelayHandoff;
  dial: (peer: PeerId) => void;
}

export class Outbox {
  private readonly ackListeners = new Set<AckListener>();
  private readonly keysPending = new Set<PeerId>();
  private keysTimer: TimerId | undefined;
  /** One flush per peer at a time, so an entry is not sealed and sent twice concurrently. */
  private readonly flushing = new Map<PeerId, Promise<void>>();
  /** Entries already sent on the current connection to a peer; a new connection sends all again. */
  private readonly sentThisSession = new Map<PeerId, Set<string>>();

  constructor(private readonly options: OutboxOptions) {}

  onAck(fn: AckListener): void {
    this.ackListeners.add(fn);
  }

  entry(to: PeerId, kind: OutboxKind, msgId: string, body: unknown): OutboxEntry {
    return { msgId, to, kind, body, createdAt: this.options.clock.now() };
  }

  async dispatch(entry: OutboxEntry): Promise<void> {
    if (this.options.host.readyPeers().includes(entry.to)) return this.flush(entry.to, [entry]);
    this.options.dial(entry.to);
    await this.options.handoff.hand([entry]);
  }

  async post(to: PeerId, kind: OutboxKind, msgId: string, body: unknown): Promise<OutboxEntry> {
    const entry = this.entry(to, kind, msgId, body);
    await this.options.store.enqueue(entry);
    await this.dispatch(entry);
    return entry;
  }

  async waitingFor(): Promise<PeerId[]> {
    return [...new Set((await this.options.store.listOutbox()).map((e) => e.to))];
  }

  async receipt(to: PeerId, msgId: string, status: AckStatus): Promise<boolean> {
    const { identity, host, handoff } = this.options;
    if (host.readyPeers().includes(to)) {
      // Sealed for a peer that says it reads that; in clear for one from before.
      const key = host.readsSealedReceipts(to) ? host.verifiedPeer(to)?.agreementKey : undefined;
      host.send(to, frame({ type: "ACK", ack: await signAck(identity, to, msgId, status, key) }));
      return true;
    }
    // Through relays only sealed: a relay must not learn that a message was read.
    const keys = await handoff.keysFor(to);
    if (keys) handoff.handAck(await signAck(identity, to, msgId, status, keys.agreementKey));
    return false;
  }

  async retry(olderThanMs: number): Promise<void> {
    const cutoff = this.options.clock.now() - olderThanMs;
    const ready = new Set(this.options.host.readyPeers());
    const old = (await this.options.store.listOutbox()).filter((e) => e.createdAt <= cutoff);
    const stale = old.filter((e) => ready.has(e.to));
    for (const peer of new Set(stale.map((e) => e.to)))
      await this.flush(
        peer,
        stale.filter((e) => e.to === peer),
        true,
      );
    // A relay may have restarted and lost what it held: hand the rest out again.
    await this.options.handoff.hand(
      old.filter((e) => !ready.has(e.to)),
      true,
    );
  }

  keysArrived(peer: PeerId): void {
    const { clock, store, handoff, host } = this.options;
    this.keysPending.add(peer);
    this.keysTimer ??= clock.setTimeout(() => {
      this.keysTimer = undefined;
      const peers = new Set(this.keysPending);
      this.keysPending.clear();
      void store
        .listOutbox()
        .then((outbox) => outbox.filter((e) => peers.has(e.to)))
        .then((waiting) => (waiting.length ? handoff.hand(waiting) : undefined))
        .catch((error: unknown) => host.log.error("handing waiting mail to relays failed", error));
    }, KEYS_BATCH_MS);
  }

  onClose(peer: PeerId): void {
    this.sentThisSession.delete(peer);
  }

  /** An ACK sent to us directly by `peer`: it must be signed by `peer`, for us. */
  async acknowledged(peer: PeerId, incoming: FrameOf<"ACK">): Promise<void> {
    const { host, identity } = this.options;
    const { ack } = incoming;
    const keys = host.verifiedPeer(peer);
    const valid =
      ack.from === peer && ack.to === identity.peerId && keys !== undefined && (await verifyAck(keys.publicKey, ack));
    const status = valid ? await readAck(identity, ack, keys.agreementKey) : undefined;
    if (!status) {
      host.strike(peer, "bad-record");
      return;
    }
    await this.retire(ack, status);
  }

  /** A receipt whose signature by `ack.from` was checked and whose status opened, direct or relayed. */
  async retire(ack: Ack, status: AckStatus): Promise<void> {
    const { store, identity, handoff } = this.options;
    if (ack.to !== identity.peerId) return;
    const waiting = (await store.listOutbox()).find((e) => e.msgId === ack.msgId);
    // Only the recipient can retire an entry: an ACK from anyone else leaves it waiting.
    const entry = waiting?.to === ack.from ? await store.dequeue(ack.msgId) : undefined;
    this.sentThisSession.get(ack.from)?.delete(ack.msgId);
    // Someone else's receipt for our message does not stop relays carrying it.
    if (!waiting || entry) handoff.retired(ack.msgId);
    if (!entry && status === "delivered") return;
    for (const fn of this.ackListeners) await fn(entry, ack.msgId, status, ack.from);
  }

  /** Sends `only` these entries, or everything waiting for `peer`; `again` repeats sent ones. */
  flush(peer: PeerId, only?: OutboxEntry[], again = false): Promise<void> {
    const previous = this.flushing.get(peer) ?? Promise.resolve();
    const next = previous.then(() => this.sendWaiting(peer, only, again));
    this.flushing.set(peer, next);
    return next.finally(() => {
      if (this.flushing.get(peer) === next) this.flushing.delete(peer);
    });
  }

  private async sendWaiting(peer: PeerId, only: OutboxEntry[] | undefined, again: boolean): Promise<void> {
    const { host, store, identity } = this.options;
    const keys = host.verifiedPeer(peer);
    // A peer from an older version sends no encryption key: its mail waits until it updates.
    if (!keys?.agreementKey) return;
    const entries = (only ?? (await store.listOutbox()))
      .filter((e) => e.to === peer)
      .sort((a, b) => a.createdAt - b.createdAt);
    const sent = this.sentThisSession.get(peer) ?? new Set<string>();
    this.sentThisSession.set(peer, sent);
    for (const entry of entries) {
      if (sent.has(entry.msgId) && !again) continue;
      sent.add(entry.msgId);
      const sealed = await seal(identity, entry.kind, peer, keys.agreementKey, entry.msgId, entry.body);
      host.send(peer, frame({ type: entry.kind, sealed }));
    }
  }
}
