// Chat: conversations keyed by the other person and a topic (a listing or a deal id).
// Messages travel sealed through the Mailbox; their state goes sent → delivered (the recipient's
// ACK) → read (its read receipt).

import * as v from "valibot";
import type { Identity, PeerId } from "../crypto.ts";
import { PeerboardError, ValidationError } from "../errors.ts";
import { LIMITS } from "../listings/records.ts";
import { CounterpartyQuota, MESSAGES_PER_PERSON } from "../mail/counterparty-quota.ts";
import { SEEN_TTL_MS } from "../mail/inbox.ts";
import type { ChatRecord, MailStore, MessageStatus } from "../mail/mail-store.ts";
import type { Mailbox } from "../mail/mailbox.ts";
import { HeldNotices } from "../mail/relay-handoff.ts";
import { newMessageId } from "../mail/seal.ts";

export const CHAT_TEXT_MAX = 2000;
const TOPIC = /^[A-Za-z0-9_-]{8,64}$/;

const ChatBodySchema = v.strictObject({
  topic: v.pipe(v.string(), v.regex(TOPIC)),
  text: v.pipe(v.string(), v.minLength(1), v.maxLength(CHAT_TEXT_MAX)),
  createdAt: v.pipe(v.number(), v.safeInteger(), v.minValue(0)),
});

export class ChatError extends PeerboardError {
  override name = "ChatError";
}

export interface ChatOptions {
  identity: Identity;
  store: MailStore;
  mailbox: Mailbox;
  onMessage: (message: ChatRecord) => void;
  now: () => number;
  /** MESSAGES_PER_PERSON unless a test says otherwise. */
  messagesPerPerson?: number;
}

/** Later states win: an ACK that arrives after the read receipt does not undo "read". */
const RANK: Record<MessageStatus, number> = { sent: 0, delivered: 1, read: 2, refused: 3 };

export class Chat {
  private readonly now: () => number;
  /** Messages each other person left with us. */
  private readonly quota: CounterpartyQuota;

  constructor(private readonly options: ChatOptions) {
    this.now = options.now;
    const me = options.identity.peerId;
    this.quota = new CounterpartyQuota(
      async () => (await options.store.listMessages()).filter((m) => m.author !== me).map((m) => m.author),
      options.messagesPerPerson ?? MESSAGES_PER_PERSON,
    );
    options.mailbox.handle("CHAT_MESSAGE", (from, body, msgId) => this.receive(from, body, msgId));
    options.mailbox.onPeerReady((peer) => this.sendPendingReceipts(peer));
    options.mailbox.onAck(async (_entry, msgId, status, from) => {
      const message = await options.store.getMessage(options.identity.peerId, msgId);
      // Only the person we wrote to can say they got it, read it or refused it.
      if (!message || message.peer !== from || RANK[status] <= RANK[message.status]) return;
      const updated = { ...message, status };
      await options.store.putMessage(updated);
      options.onMessage(updated);
    });
  }

  list(): Promise<ChatRecord[]> {
    return this.options.store.listMessages();
  }

  async send(peer: PeerId, topic: string, text: string): Promise<ChatRecord> {
    const trimmed = text.trim();
    if (!trimmed) throw new ValidationError("message", "Write a message first.");
    if (trimmed.length > CHAT_TEXT_MAX)
      throw new ValidationError("message", `Keep a message to ${CHAT_TEXT_MAX} characters (it has ${trimmed.length}).`);
    if (!TOPIC.test(topic)) throw new ValidationError("message", "This conversation has no listing or deal.");
    if (peer === this.options.identity.peerId) throw new ValidationError("message", "You cannot message yourself.");
    const message: ChatRecord = {
      id: newMessageId(),
      peer,
      topic,
      author: this.options.identity.peerId,
      text: trimmed,
      createdAt: this.now(),
      status: "sent",
    };
    const outgoing = this.options.mailbox.entry(peer, "CHAT_MESSAGE", message.id, {
      topic,
      text: trimmed,
      createdAt: message.createdAt,
    });
    // Stored with its outbox entry before anything is sent: a reload or a closed tab loses nothing.
    await this.options.store.putMessage(message, outgoing);
    this.options.onMessage(message);
    await this.options.mailbox.dispatch(outgoing);
    return message;
  }

  /** Marks their messages in a conversation read and sends read receipts. */
  async markRead(peer: PeerId, topic: string): Promise<void> {
    const unread = (await this.options.store.listMessages()).filter(
      (m) => m.peer === peer && m.topic === topic && m.author === peer && m.status !== "read",
    );
    for (const message of unread) {
      const told = await this.options.mailbox.receipt(peer, message.id, "read");
      const updated: ChatRecord = { ...message, status: "read", ...(told ? {} : { receiptPending: true }) };
      await this.options.store.putMessage(updated);
      this.options.onMessage(updated);
    }
  }

  /** Read receipts for an author who was away when we read their messages. */
  private async sendPendingReceipts(peer: PeerId): Promise<void> {
    const pending = (await this.options.store.listMessages()).filter((m) => m.author === peer && m.receiptPending);
    for (const message of pending) {
      if (!(await this.options.mailbox.receipt(peer, message.id, "read"))) return;
      const { receiptPending: _, ...told } = message;
      await this.options.store.putMessage(told);
    }
  }

  private async receive(from: PeerId, body: unknown, msgId: string): Promise<void> {
    const parsed = v.safeParse(ChatBodySchema, body);
    if (!parsed.success) throw new ChatError("A chat message was malformed.");
    if (parsed.output.createdAt > this.now() + LIMITS.clockSkewMs)
      throw new ChatError("A chat message is dated in the future.");
    // Older than the seen ids are kept: it may be a replay we can no longer recognise.
    if (parsed.output.createdAt < this.now() - SEEN_TTL_MS) throw new ChatError("A chat message is too old to accept.");
    // A copy we already hold stays as it is (its read state included).
    if (await this.options.store.getMessage(from, msgId)) return;
    if (!(await this.quota.admits(from)))
      throw new ChatError(`${from} has left ${this.quota.limit} messages already, as many as one person may.`);
    const message: ChatRecord = { id: msgId, peer: from, author: from, status: "delivered", ...parsed.output };
    await this.options.store.putMessage(message);
    await this.quota.added(from);
    this.options.onMessage(message);
  }
}

/**
 * A durable relay holds our chat message for someone away: the conversation says so until it is
 * delivered (only a message still "sent" changes; a later ACK overrides it).
 */
export function chatHeldNotices(store: MailStore, me: PeerId, changed: (message: ChatRecord) => void): HeldNotices {
  return new HeldNotices(
    () => store.listOutbox(),
    async (msgId, relay) => {
      const message = await store.getMessage(me, msgId);
      if (message?.status !== "sent" || message.heldBy === relay) return;
      const held = { ...message, heldBy: relay };
      await store.putMessage(held);
      changed(held);
    },
  );
}
