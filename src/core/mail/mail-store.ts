// What deals, chat and the outbox keep, as a records API like Store: IndexedDB in the
// hub (src/worker/idb-store.ts), fake-indexeddb in tests.

import type { PeerId } from "../crypto.ts";
import type { Deal } from "../deals/deal.ts";

/** A deal as one side stores it: every signed step, plus what this user has not seen yet. */
export interface DealRecord extends Deal {
  /** Steps by the other side since this user last opened the deal. */
  unread: number;
  updatedAt: number;
  /**
   * Once completed: the other party's signature over the deal's receipt (receipt.ts), which
   * lets this deal count towards the reputation on our profile.
   */
  countersignature?: string;
}

/** Delivery state of a message we wrote; an incoming message is "delivered" until we read it. */
export type MessageStatus = "sent" | "delivered" | "read" | "refused";

export interface ChatRecord {
  /** The message id (also the sealed envelope's msgId). */
  id: string;
  /** The other person in the conversation. */
  peer: PeerId;
  /** What the conversation is about: a listing id or a deal id. */
  topic: string;
  author: PeerId;
  text: string;
  createdAt: number;
  status: MessageStatus;
  /**
   * On a message we sent that is not delivered yet: the durable relay (the community's always-on
   * peer) that confirmed it holds it for the recipient (RELAY_HELD).
   */
  heldBy?: PeerId;
  /** On a message we received and read: its author has not been told yet (they were away). */
  receiptPending?: boolean;
}

export type OutboxKind = "DEAL_PROPOSAL" | "DEAL_RESPONSE" | "CHAT_MESSAGE";

/** A message waiting for its recipient's ACK. The body is sealed afresh at every send. */
export interface OutboxEntry {
  msgId: string;
  to: PeerId;
  kind: OutboxKind;
  body: unknown;
  createdAt: number;
}

export interface MailStore {
  getDeal(id: string): Promise<DealRecord | undefined>;
  /**
   * Atomically reads the deal and writes what `change` returns (nothing when it returns
   * undefined), together with `outgoing` when given, so a step is never stored without being
   * queued for the other side or the other way round. `change` must be synchronous: it runs
   * inside the transaction; if it throws, nothing is written. Returns the result.
   */
  updateDeal(
    id: string,
    change: (stored: DealRecord | undefined) => DealRecord | undefined,
    outgoing?: OutboxEntry,
  ): Promise<DealRecord | undefined>;
  /** Newest first. */
  listDeals(): Promise<DealRecord[]>;

  /**
   * Messages are keyed by author and id: ids are chosen by their senders and seen by relays, so
   * one person's id must never reach another person's message.
   */
  getMessage(author: PeerId, id: string): Promise<ChatRecord | undefined>;
  /** Stores a message (replacing the one with its author and id) and, atomically with it, its outbox entry when given. */
  putMessage(message: ChatRecord, outgoing?: OutboxEntry): Promise<void>;
  /** Oldest first. */
  listMessages(): Promise<ChatRecord[]>;

  enqueue(entry: OutboxEntry): Promise<void>;
  listOutbox(): Promise<OutboxEntry[]>;
  /** Removes and returns the entry, if it was there. */
  dequeue(msgId: string): Promise<OutboxEntry | undefined>;

  /** Whether this author's message id was already handled (a replay, or a resend whose ACK was lost). */
  wasSeen(author: PeerId, msgId: string): Promise<boolean>;
  /** Records that this author's message id was handled, after its effects are stored. */
  markSeen(author: PeerId, msgId: string): Promise<void>;
  /**
   * Forgets ids marked seen before `time` (ms since the epoch), so the set stays bounded; a
   * replay older than that is refused by its date instead (see SEEN_TTL_MS in inbox.ts).
   */
  forgetSeenBefore(time: number): Promise<void>;
  /**
   * Forgets the ids marked seen longest ago beyond the newest `count`: a flood inside the rate
   * limits marks ids faster than 30 days forget them (inbox.ts SEEN_MAX).
   */
  forgetSeenBeyond(count: number): Promise<void>;
}
