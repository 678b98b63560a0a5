// What a Session is built from: the peer's identity and ports, and the limits tests may change.

import type { Identity, PeerId } from "../crypto.ts";
import type { Clock, Link, Logger } from "../ports.ts";
import type { Store } from "../store.ts";
import type { AnswerBudgetSettings } from "./answer-budget.ts";
import type { PolicySettings } from "./policy.ts";

export interface SessionOptions {
  identity: Identity;
  store: Store;
  link: Link;
  clock: Clock;
  log: Logger;
  /** A peer that has not proved its identity by then is dropped. */
  helloTimeoutMs?: number;
  policy?: Partial<PolicySettings>;
  /** Bytes of answers per peer (answer-budget.ts); DEFAULT_ANSWER_BUDGET unless a test says otherwise. */
  answerBudget?: Partial<AnswerBudgetSettings>;
  /**
   * Peers the user blocked: we do not talk to them, and we stop relaying what they wrote
   * (it stays stored, hidden, so unblocking restores it).
   */
  blocked?: (peer: PeerId) => boolean;
}
