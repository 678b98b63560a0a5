// What a host can set when it builds a peer (createPeer, peer.ts): test shortcuts, sync mode,
// limits and budgets, the background rounds, and what to do when the identity is replaced.

import type { PolicySettings } from "./api.ts";
import type { Identity } from "./crypto.ts";
import type { RELAY_LIMITS } from "./mail/relay.ts";
import type { ProfileLimits } from "./profiles/profile-quota.ts";
import type { AnswerBudgetSettings } from "./session/answer-budget.ts";

export interface PeerOptions {
  /** Use this identity when the store holds none yet (a test's known key); else one is made. */
  identity?: Identity;
  /**
   * How peers catch up on connect: "reconcile" (default) exchanges only differences over SYNC;
   * "send-all" sends every record, the baseline benchmarks compare against.
   */
  syncMode?: "reconcile" | "send-all";
  policy?: Partial<PolicySettings>;
  /** Bytes of answers a peer can ask of us (answer-budget.ts). */
  answerBudget?: Partial<AnswerBudgetSettings>;
  helloTimeoutMs?: number;
  relayLimits?: Partial<typeof RELAY_LIMITS>;
  /** Seen message ids kept (inbox.ts SEEN_MAX), unless a test says otherwise. */
  seenMax?: number;
  /** How long peers asked for a listing by id have to answer (lookups.ts, 8 s). */
  lookupTimeoutMs?: number;
  /** What one other person may leave with us (counterparty-quota.ts), unless a test says otherwise. */
  perPerson?: { messages?: number; deals?: number };
  /** Profiles held of people the user does not need (profile-quota.ts), unless a test says otherwise. */
  otherProfiles?: Partial<ProfileLimits>;
  /** Peers the dialer keeps (6). */
  maxPeers?: number;
  /** Channels past this many, dialled or accepted, are hung up at once (8). */
  maxConnections?: number;
  /**
   * Dial rounds, churn, mail retries, pruning and storage checks on the clock (default on).
   * Tests that place every connection themselves turn them off; dials the peer asks for itself
   * (mail waiting for someone) still happen.
   */
  background?: boolean;
  /**
   * Holds the second stage of the start (session, sync, mail, deals, chat, profiles) until what
   * this returns settles, so the first screen's reads have the store and the thread to
   * themselves (the hub: until a tab's first search is answered, or a while). Called once the
   * first stage serves. A call that needs the whole peer starts it at once.
   */
  secondStageAfter?: (first: FirstAnswers) => Promise<unknown>;
  /** The stored identity was replaced (an import): the host should start a new peer. */
  onIdentityReplaced?: () => void;
}

/** What a host may hold the second stage for (`secondStageAfter`). */
export interface FirstAnswers {
  /** Resolves once the first stage has answered a search (the board's first page, Search's). */
  searchAnswered: Promise<void>;
}
