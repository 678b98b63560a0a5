// What keeps a peer going once it is built: it follows the link (online, channels, failed dials)
// with the dialer, tells the host when its status or sync progress changes, and runs the
// background rounds on the Clock: dialling, churn, mail retries, pruning and storage checks.

import type { PeerEvent } from "./api.ts";
import type { QuotaKeeper } from "./listings/quota.ts";
import { SEEN_TTL_MS } from "./mail/inbox.ts";
import { type PeerParts, peerStatus } from "./peer-api.ts";
import type { Clock, Logger, TimerId } from "./ports.ts";
import { CHURN_INTERVAL_MS, churnCandidate } from "./session/connection-cap.ts";
import type { ListingChange } from "./store.ts";

/** Dial rounds: often while we have nobody (a newcomer should appear fast), calmly after. */
const LONELY_DIAL_INTERVAL_MS = 1_000;
const DIAL_INTERVAL_MS = 5_000;
/** How often storage use is compared with the quota (writes that fail trigger it at once). */
const QUOTA_CHECK_INTERVAL_MS = 60_000;
/** How often others' expired listings are pruned. */
const PRUNE_INTERVAL_MS = 60 * 60 * 1000;
/** Unacknowledged mail to a connected peer goes out again after this long. */
const MAIL_RETRY_MS = 30_000;
/** Sync progress reaches the host at most this often while it runs; the end at once. */
const PROGRESS_INTERVAL_MS = 100;

export interface LoopOptions {
  clock: Clock;
  log: Logger;
  keeper: QuotaKeeper;
  emit: (event: PeerEvent) => void;
  afterPrune: (gone: ListingChange[]) => Promise<void>;
  background: boolean;
}

/** Starts the peer's reactions and rounds; returns the function that stops them. */
export function startPeerLoops(parts: PeerParts, options: LoopOptions): () => void {
  const { link, session, dialer, mailbox } = parts;
  const { clock, log, emit } = options;
  // The clock is the peer's own (scoped-clock.ts): disposing the peer cancels these timers.
  let stopped = false;
  const later = (fn: () => void, ms: number): TimerId => clock.setTimeout(fn, ms);
  const every = (ms: number, fn: () => void) =>
    later(() => {
      fn();
      every(ms, fn);
    }, ms);

  let statusQueued = false;
  const statusChanged = () => {
    if (statusQueued || stopped) return;
    statusQueued = true;
    void Promise.resolve().then(() => {
      statusQueued = false;
      emit({ type: "status", status: peerStatus(parts) });
    });
  };
  const dialWaitingMail = async () => {
    // Mail is waiting: reach its recipients first, past the connection bound.
    for (const peer of await mailbox.waitingFor()) if (!session.isConnected(peer)) dialer.connectNow(peer);
  };
  link.onState((state) => {
    if (stopped) return;
    dialer.setOnline(state === "online");
    if (state === "online") {
      void dialer.tick();
      dialWaitingMail().catch((error: unknown) => log.error("dialling for waiting mail failed", error));
    }
    statusChanged();
  });
  link.onPeer((peer, up) => dialer.peerChanged(peer, up));
  link.onDialFailed((peer, reason) => dialer.dialFailed(peer, reason));
  session.onPeersChanged(statusChanged);
  session.onPeerHints((peers, from) => dialer.addHints(from, peers));
  // A peer that proved its id is one to try first next time.
  session.onPeersChanged(() => {
    for (const peer of session.readyPeers()) dialer.met(peer);
  });
  forwardSyncProgress(parts, emit, later);

  if (options.background) {
    const checkQuota = () =>
      void options.keeper.check().catch((error: unknown) => log.error("storage check failed", error));
    const prune = () =>
      void parts.actions
        .prune()
        .then(options.afterPrune)
        .catch((error: unknown) => log.error("pruning expired listings failed", error));
    checkQuota();
    every(QUOTA_CHECK_INTERVAL_MS, checkQuota);
    prune();
    every(PRUNE_INTERVAL_MS, prune);
    every(CHURN_INTERVAL_MS, () => {
      const peer = churnCandidate(session.connectedPeers(), dialer.maxPeers);
      if (peer) link.hangUp(peer);
    });
    const dialRound = async () => {
      await dialer.tick();
      later(dialRound, session.connectedPeers().length === 0 ? LONELY_DIAL_INTERVAL_MS : DIAL_INTERVAL_MS);
    };
    void dialRound();
    every(MAIL_RETRY_MS, () => void mailbox.retry(MAIL_RETRY_MS));
    const forgetSeen = () =>
      void parts.store
        .forgetSeenBefore(clock.now() - SEEN_TTL_MS)
        .catch((error: unknown) => log.error("forgetting old message ids failed", error));
    forgetSeen();
    every(PRUNE_INTERVAL_MS, forgetSeen);
  }
  return () => {
    stopped = true;
  };
}

/** Sync progress for the host: 10,000 events would flood a tab, so at most one per interval. */
function forwardSyncProgress(
  parts: PeerParts,
  emit: (event: PeerEvent) => void,
  later: (fn: () => void, ms: number) => TimerId,
): void {
  let latest = { received: 0, total: 0 };
  let waiting = false;
  parts.sync?.onProgress((progress) => {
    latest = progress;
    if (progress.total === 0) {
      emit({ type: "sync", ...latest });
      return;
    }
    if (waiting) return;
    emit({ type: "sync", ...latest });
    waiting = true;
    later(() => {
      waiting = false;
      emit({ type: "sync", ...latest });
    }, PROGRESS_INTERVAL_MS);
  });
}
