// Which peers to dial (docs/architecture.md, "Frames"): keep up to `maxPeers` connections, choosing
// from PeerServer discovery, PEER_LIST hints and peers met before; back off from peers that do not
// answer. Peers that completed HELLO with us before and the signaling server's list are tried
// first, hints only after them; hints are bounded per peer that gave them and in all, so one peer's
// PEER_LIST flood cannot fill the dialer with ids nobody answers to.

import type { PeerId } from "../crypto.ts";
import type { DialFailure, Logger } from "../ports.ts";
import { PEERS_KEPT_MAX } from "./peer-list.ts";

export interface DialerOptions {
  self: PeerId;
  dial: (peer: PeerId) => void;
  /** Peers with an open channel right now. */
  connected: () => PeerId[];
  /** Peer ids the signaling server knows; may reject when it is unreachable. */
  discover: () => Promise<PeerId[]>;
  maxPeers?: number;
  dialTimeoutMs?: number;
  /** Peers never to dial (banned by policy, blocked by the user). */
  excluded?: (peer: PeerId) => boolean;
  now: () => number;
  log: Logger;
}

/** Hints kept from one peer (a PEER_LIST carries at most 100). */
export const HINTS_PER_PEER = 100;
/** Hints kept in all, the oldest forgotten first. */
export const HINTS_MAX = 1_000;
/** Peers met before kept as candidates, as many as the store keeps records of (peer-list.ts). */
export const CANDIDATES_MAX = PEERS_KEPT_MAX;
/** Ids from the signaling server's list considered per round. */
const DISCOVERED_MAX = 1_000;

const BACKOFF_MIN_MS = 5_000;
const MAX_FAILURES_SHOWN = 20;
const BACKOFF_MAX_MS = 5 * 60_000;

export class Dialer {
  /**
   * Peers we met (completed HELLO with) before, or that the user or the mailbox asked for; the
   * least recently added forgotten first past CANDIDATES_MAX (identities are free).
   */
  private readonly candidates = new Set<PeerId>();
  /** Latest ids from discovery. */
  private discovered: PeerId[] = [];
  /** Ids learnt from PEER_LIST, oldest first, with the peer that told us. */
  private readonly hints = new Map<PeerId, PeerId>();
  private readonly hintsBy = new Map<PeerId, number>();
  /** Dials in flight: peer → when we gave up waiting. */
  private readonly pending = new Map<PeerId, number>();
  private readonly backoff = new Map<PeerId, { failures: number; until: number }>();
  private readonly failures = new Map<PeerId, { peer: PeerId; reason: DialFailure; at: number }>();
  readonly maxPeers: number;
  private readonly dialTimeoutMs: number;
  private readonly now: () => number;
  private online = false;
  private ticking = false;

  constructor(private readonly options: DialerOptions) {
    this.maxPeers = options.maxPeers ?? 6;
    this.dialTimeoutMs = options.dialTimeoutMs ?? 10_000;
    this.now = options.now;
  }

  setOnline(online: boolean): void {
    this.online = online;
    if (!online) this.pending.clear();
  }

  /** Peers worth dialling first: met before, or someone we have mail for. */
  addCandidates(peers: Iterable<PeerId>): void {
    for (const peer of peers) {
      if (peer === this.options.self) continue;
      // Added again, it is the most recent.
      this.candidates.delete(peer);
      this.candidates.add(peer);
    }
    for (const oldest of this.candidates) {
      if (this.candidates.size <= CANDIDATES_MAX) break;
      this.candidates.delete(oldest);
    }
  }

  /** Ids `from` told us of (PEER_LIST): kept up to HINTS_PER_PEER from it and HINTS_MAX in all. */
  addHints(from: PeerId, peers: Iterable<PeerId>): void {
    for (const peer of peers) {
      if (peer === this.options.self || this.candidates.has(peer) || this.hints.has(peer)) continue;
      if ((this.hintsBy.get(from) ?? 0) >= HINTS_PER_PEER) return;
      this.hints.set(peer, from);
      this.hintsBy.set(from, (this.hintsBy.get(from) ?? 0) + 1);
      for (const [oldest, by] of this.hints) {
        if (this.hints.size <= HINTS_MAX) break;
        this.forgetHint(oldest, by);
      }
    }
  }

  /** How many ids the dialer holds (bounded: see HINTS_MAX). */
  candidateCount(): number {
    return this.candidates.size + this.hints.size + this.discovered.length;
  }

  /**
   * The user or the mailbox asked for this peer: dial now, past the connection bound and any
   * backoff, but not a second time while a dial to it is in flight. Coming online, the dial round
   * and the waiting mail both asked at once: two dials made two channels, the radios kept one and
   * each side started HELLO twice, its answers to the first nonce arriving on the second session.
   */
  connectNow(peer: PeerId): void {
    this.candidates.add(peer);
    this.backoff.delete(peer);
    if ((this.pending.get(peer) ?? 0) > this.now()) return;
    this.dialOne(peer);
  }

  peerChanged(peer: PeerId, up: boolean): void {
    this.pending.delete(peer);
    if (up) {
      this.backoff.delete(peer);
      this.failures.delete(peer);
    }
  }

  /** `peer` completed HELLO: it is a peer met before from now on, not a hint. */
  met(peer: PeerId): void {
    const by = this.hints.get(peer);
    if (by !== undefined) this.forgetHint(peer, by);
    this.addCandidates([peer]);
  }

  /** The transport says nobody answered: back off from this peer now rather than at the timeout. */
  dialFailed(peer: PeerId, reason: DialFailure): void {
    if (this.pending.delete(peer)) this.fail(peer, this.now());
    this.failures.delete(peer);
    this.failures.set(peer, { peer, reason, at: this.now() });
    // Newest last; the oldest go first, so one chatty list cannot grow without bound.
    for (const oldest of this.failures.keys()) {
      if (this.failures.size <= MAX_FAILURES_SHOWN) break;
      this.failures.delete(oldest);
    }
  }

  /** Peers recently dialled without success, and why, newest first (the Network view shows them). */
  unreachable(): { peer: PeerId; reason: DialFailure; at: number }[] {
    return [...this.failures.values()].reverse();
  }

  /** One round: expire stale dials, then top up connections from discovery and candidates. */
  async tick(): Promise<void> {
    if (!this.online || this.ticking) return;
    this.ticking = true;
    try {
      const now = this.now();
      for (const [peer, deadline] of this.pending) {
        if (deadline <= now) {
          this.pending.delete(peer);
          this.fail(peer, now);
        }
      }
      const connected = new Set(this.options.connected());
      if (connected.size + this.pending.size >= this.maxPeers) return;
      try {
        this.discovered = (await this.options.discover()).slice(0, DISCOVERED_MAX);
      } catch (error) {
        // Discovery is a convenience: hints and known peers still work without it.
        this.options.log.warn("peer discovery failed", error);
      }
      const open = (peer: PeerId) =>
        peer !== this.options.self &&
        !connected.has(peer) &&
        !this.pending.has(peer) &&
        (this.backoff.get(peer)?.until ?? 0) <= now &&
        !this.options.excluded?.(peer);
      // Peers met before and the server's list first, mixed so churn still meets new peers;
      // hints, which any peer can make up, only when those run out. Each group shuffled.
      const choices: PeerId[] = [];
      const seen = new Set<PeerId>();
      for (const group of [[...this.candidates, ...this.discovered], [...this.hints.keys()]]) {
        // A peer met before is usually in the server's list too: one dial, not one per mention.
        const fresh = [...new Set(group)].filter((peer) => !seen.has(peer) && open(peer));
        for (const peer of fresh) seen.add(peer);
        shuffle(fresh);
        choices.push(...fresh);
      }
      for (const peer of choices.slice(0, this.maxPeers - connected.size - this.pending.size)) this.dialOne(peer);
    } finally {
      this.ticking = false;
    }
  }

  private forgetHint(peer: PeerId, by: PeerId): void {
    this.hints.delete(peer);
    const left = (this.hintsBy.get(by) ?? 1) - 1;
    if (left > 0) this.hintsBy.set(by, left);
    else this.hintsBy.delete(by);
  }

  private dialOne(peer: PeerId): void {
    if (!this.online || peer === this.options.self) return;
    this.pending.set(peer, this.now() + this.dialTimeoutMs);
    this.options.dial(peer);
  }

  private fail(peer: PeerId, now: number): void {
    const failures = (this.backoff.get(peer)?.failures ?? 0) + 1;
    const delay = Math.min(BACKOFF_MIN_MS * 2 ** (failures - 1), BACKOFF_MAX_MS);
    this.backoff.set(peer, { failures, until: now + delay });
  }
}

function shuffle<T>(items: T[]): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
}
