// The receiving half of the Mailbox: sealed frames to us, direct or relayed, are verified,
// decrypted, handed to the feature that owns their kind (deals.ts, chat.ts) and acknowledged with
// a signed ACK; replays are answered again but change nothing.

import type { Identity, PeerId } from "../crypto.ts";
import { PeerboardError } from "../errors.ts";
import type { SessionHost } from "../session/extension.ts";
import { type FrameOf, frame } from "../wire.ts";
import { type AckStatus, signAck } from "./ack.ts";
import type { MailStore, OutboxKind } from "./mail-store.ts";
import { relayedAck } from "./relay-frames.ts";
import type { RelayHandoff } from "./relay-handoff.ts";
import { checkAgreementCard, open, SealError, type Sealed, UnpaddedError } from "./seal.ts";

/**
 * Seen ids are kept this long (mail-store.ts forgetSeenBefore): relays hold mail for far less,
 * and what is older than this is refused by its date (chat.ts), or cannot apply twice (deal steps
 * follow a sequence; a receipt is stored once).
 */
export const SEEN_TTL_MS = 30 * 24 * 60 * 60 * 1000;
/**
 * Seen ids kept at most (and a hundredth more between trims): months of a busy user's mail, and a
 * flood inside the rate limits cannot grow the set past it. What it pushes out is only judged
 * again if replayed, and judging again stores nothing twice: a message is kept by author and id
 * (chat.ts), a deal step by its signature (deals.ts).
 */
export const SEEN_MAX = 50_000;

/** Handles one decrypted message; throwing a PeerboardError refuses it (ACK "refused", nothing stored). */
export type MailHandler = (from: PeerId, body: unknown, msgId: string) => Promise<void>;

type SealedFrame = FrameOf<OutboxKind>;
type RelayedMail = Exclude<FrameOf<"RELAY">["mail"], { type: "ACK" }>;

export interface InboxOptions {
  identity: Identity;
  store: MailStore;
  host: SessionHost;
  handoff: RelayHandoff;
  blocked: (peer: PeerId) => boolean;
  /** SEEN_MAX unless a test says otherwise. */
  seenMax?: number;
}

/** Receipts handed to other relays that are remembered, so a replayed copy is not answered again. */
const HANDED_RECEIPTS_MAX = 1_000;

export class Inbox {
  private readonly handlers = new Map<OutboxKind, MailHandler>();
  /** Mail for one author and msgId is handled one copy at a time: a direct and a relayed copy may race. */
  private readonly handling = new Map<string, Promise<void>>();
  private readonly handedReceipts = new Set<string>();
  private readonly seenMax: number;
  /** Ids marked since the last trim; the first mark trims what a store from before holds. */
  private marks: number;
  private readonly trimEvery: number;

  constructor(private readonly options: InboxOptions) {
    this.seenMax = options.seenMax ?? SEEN_MAX;
    this.trimEvery = Math.max(1, Math.floor(this.seenMax / 100));
    this.marks = this.trimEvery - 1;
  }

  handle(kind: OutboxKind, handler: MailHandler): void {
    this.handlers.set(kind, handler);
  }

  /** A sealed frame `peer` sent us itself. */
  async direct(peer: PeerId, incoming: SealedFrame): Promise<void> {
    const { host, identity } = this.options;
    const sealed = incoming.sealed;
    // A sealed frame comes straight from its author; anything else travels as RELAY.
    if (sealed.from !== peer || sealed.to !== identity.peerId) {
      host.strike(peer, "bad-record");
      return;
    }
    const keys = host.verifiedPeer(peer);
    if (!keys?.agreementKey) {
      host.log.warn(`${peer} sent sealed mail without an encryption key in its HELLO`);
      return;
    }
    await this.accept(peer, incoming.type, sealed, keys.publicKey, keys.agreementKey);
  }

  /** Sealed mail in a RELAY frame addressed to us, handed over by `via` (the relay). */
  async relayed(via: PeerId, mail: RelayedMail, publicKey: string): Promise<void> {
    const { host, blocked, handoff } = this.options;
    const author = mail.sealed.from;
    // As if it never came: a blocked user cannot reach us directly either.
    if (blocked(author)) return;
    const card = { agreementKey: mail.agreementKey, agreementSignature: mail.agreementSignature };
    if (!(await checkAgreementCard(author, publicKey, card))) {
      host.strike(via, "bad-record");
      return;
    }
    // Its keys are learnt as soon as it opens, before it is handled: a reply may follow at once.
    await this.accept(via, mail.type, mail.sealed, publicKey, mail.agreementKey, () =>
      handoff.learn(author, { publicKey, ...card }),
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
    const { identity, host, store } = this.options;
    let body: unknown;
    try {
      body = await open(identity, kind, sealed, authorKey, authorAgreementKey);
    } catch (error) {
      if (!(error instanceof SealError)) throw error;
      host.log.warn(error.message);
      // Authentic but from an older version: "refused", so its author stops sending it.
      if (error instanceof UnpaddedError) return this.answer(sealed.from, sealed.msgId, "refused", via, undefined);
      host.strike(via, "bad-record");
      return;
    }
    opened?.();
    const author = sealed.from;
    // Ids are the sender's choice and relays see them: only the same author's copy is a replay.
    await this.once(`${author}\n${sealed.msgId}`, async () => {
      // A replay (or a resend whose ACK was lost, or a second copy by another path) is answered
      // again but changes nothing.
      if (await store.wasSeen(author, sealed.msgId))
        return this.answer(author, sealed.msgId, "delivered", via, authorAgreementKey);
      let status: AckStatus = "delivered";
      try {
        await this.handlers.get(kind)?.(author, body, sealed.msgId);
      } catch (error) {
        // Anything but a refusal is our bug: no ACK, so the sender keeps it and tries again.
        if (!(error instanceof PeerboardError)) throw error;
        host.log.warn(`refused ${kind} from ${author}: ${error.message}`);
        status = "refused";
      }
      // Marked only once its effects are stored: a crash in between means a retry, not a loss.
      await store.markSeen(author, sealed.msgId);
      if (++this.marks >= this.trimEvery) {
        this.marks = 0;
        await store.forgetSeenBeyond(this.seenMax);
      }
      await this.answer(author, sealed.msgId, status, via, authorAgreementKey);
    });
  }

  /** Runs `fn` after any other handling of the same message (author and id) has finished. */
  private once(key: string, fn: () => Promise<void>): Promise<void> {
    const next = (this.handling.get(key) ?? Promise.resolve()).then(fn);
    const settled = next.catch(() => undefined);
    this.handling.set(key, settled);
    void settled.then(() => {
      if (this.handling.get(key) === settled) this.handling.delete(key);
    });
    return next;
  }

  /**
   * Our ACK goes straight to the author when connected. Otherwise only sealed, by relay
   * (docs/architecture.md, "What a relay sees": no relay learns a status): back through the relay
   * the mail came by when that one reads sealed receipts, else to the relays we have that do
   * (an older relay would refuse a sealed one, and must not be handed one in clear). A receipt in
   * clear (for an author from before sealed receipts) goes only directly. With no way back now it
   * waits for a direct meeting: the author's outbox sends the message again then, and it is
   * answered then.
   */
  private async answer(
    author: PeerId,
    msgId: string,
    status: AckStatus,
    via: PeerId,
    authorKey: string | undefined,
  ): Promise<void> {
    const { identity, host, handoff } = this.options;
    const ready = host.readyPeers();
    if (ready.includes(author)) {
      const sealedFor = authorKey && host.readsSealedReceipts(author) ? authorKey : undefined;
      host.send(author, frame({ type: "ACK", ack: await signAck(identity, author, msgId, status, sealedFor) }));
      return;
    }
    if (!authorKey) return;
    const back = ready.includes(via) && host.readsSealedReceipts(via);
    // Once per message and status: copies relayed again by an older relay are not answered again.
    const handed = `${author}\n${msgId}\n${status}`;
    if (!back && this.handedReceipts.has(handed)) return;
    const ack = await signAck(identity, author, msgId, status, authorKey);
    if (back) {
      host.send(via, relayedAck(identity.publicKey, ack));
      return;
    }
    if (!handoff.handAck(ack)) return;
    this.handedReceipts.add(handed);
    if (this.handedReceipts.size > HANDED_RECEIPTS_MAX)
      this.handedReceipts.delete(this.handedReceipts.values().next().value as string);
  }
}
