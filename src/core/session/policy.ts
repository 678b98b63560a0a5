// Limits and misbehaviour accounting (docs/architecture.md, "Limits and policy"). Every peer has
// token buckets for frames and bytes per second: over them its frames are dropped (throttled) and
// counted. Every dropped frame or record adds to the peer's score: past `disconnectScore` in one
// session it is disconnected; past `banScore` within `banMs` its id is banned for `banMs`. Only
// offences by a peer that has proved it holds its id's key count towards a ban: before HELLO anyone
// can present any id at the signaling server, and a ban must not punish the real owner of an id
// that an impostor squatted. A proven peer's ban and score over the ban window outlive a restart
// (standings.ts keeps them in its PeerRecord): `changed` hears each attributable change of them.

import type { PolicySettings } from "../api.ts";
import type { PeerId } from "../crypto.ts";
import type { Misbehaviour } from "../store.ts";

export type Offence =
  | "oversized"
  | "malformed"
  | "unauthenticated"
  | "hello-failed"
  | "hello-timeout"
  | "bad-record"
  | "flood";

const WEIGHT: Record<Offence, number> = {
  oversized: 5,
  malformed: 2,
  unauthenticated: 1,
  "hello-failed": 100,
  "hello-timeout": 100,
  "bad-record": 5,
  flood: 1,
};

export type { PolicySettings };

/**
 * Generous enough for an honest first sync (10,000 listings ≈ 6.3 MB in ~120 frames fits the
 * burst), tight enough that a flood is cut off within a second or two.
 */
export const DEFAULT_POLICY: PolicySettings = {
  framesPerSecond: 100,
  burstFrames: 1_000,
  bytesPerSecond: 1024 * 1024,
  burstBytes: 16 * 1024 * 1024,
  disconnectScore: 20,
  banScore: 200,
  banMs: 10 * 60_000,
};

export const DISCONNECT_SCORE = DEFAULT_POLICY.disconnectScore;

/**
 * Peers whose accounts are kept at most: anyone can present any id at the signaling server, so
 * without a bound every id ever tried would stay in memory. The least recently seen go first,
 * peers under a ban last.
 */
export const ACCOUNTS_MAX = 10_000;

interface PeerAccount {
  frames: number;
  bytes: number;
  refilledAt: number;
  /** Score in the current session; reset when the peer is disconnected for it. */
  score: number;
  /** Score over the ban window, across sessions. */
  total: number;
  totalSince: number;
  bannedUntil: number;
}

export interface PeerStanding {
  score: number;
  total: number;
  bannedUntil: number;
}

export class Policy {
  private readonly accounts = new Map<PeerId, PeerAccount>();
  readonly settings: PolicySettings;

  constructor(
    private readonly disconnect: (peer: PeerId, offence: Offence) => void,
    settings: Partial<PolicySettings>,
    /** The core's Clock (ports.ts), never the host's Date.now. */
    private readonly now: () => number,
    /** A proven peer's total or ban changed; `banned`: a ban started with this offence. */
    private readonly changed: (peer: PeerId, banned: boolean) => void = () => undefined,
  ) {
    this.settings = { ...DEFAULT_POLICY, ...settings };
  }

  /** Takes a frame of `bytes` from the peer's buckets; false (and a strike) when it is over its rate. */
  admit(peer: PeerId, bytes: number, attributable: boolean): boolean {
    const account = this.account(peer);
    const now = this.now();
    const seconds = Math.max(0, now - account.refilledAt) / 1000;
    const s = this.settings;
    account.frames = Math.min(s.burstFrames, account.frames + seconds * s.framesPerSecond);
    account.bytes = Math.min(s.burstBytes, account.bytes + seconds * s.bytesPerSecond);
    account.refilledAt = now;
    if (account.frames < 1 || account.bytes < bytes) {
      this.strike(peer, "flood", attributable);
      return false;
    }
    account.frames -= 1;
    account.bytes -= bytes;
    return true;
  }

  /**
   * Counts an offence; returns true when the peer was disconnected for it. `attributable`: the
   * peer has proved its identity, so the offence also counts towards banning that identity.
   */
  strike(peer: PeerId, offence: Offence, attributable: boolean): boolean {
    const account = this.account(peer);
    const now = this.now();
    if (now - account.totalSince > this.settings.banMs) {
      account.total = 0;
      account.totalSince = now;
    }
    account.score += WEIGHT[offence];
    if (attributable) {
      account.total += WEIGHT[offence];
      const bans = account.total >= this.settings.banScore;
      if (bans) account.bannedUntil = now + this.settings.banMs;
      this.changed(peer, bans);
    }
    if (account.score < this.settings.disconnectScore && !this.isBanned(peer)) return false;
    account.score = 0;
    this.disconnect(peer, offence);
    return true;
  }

  /**
   * What a proven peer's record keeps of its standing: its total while the window is open and
   * its ban while it runs; undefined when there is nothing left to hold against it.
   */
  misbehaviour(peer: PeerId): Misbehaviour | undefined {
    const account = this.accounts.get(peer);
    if (!account || !this.holds(account)) return undefined;
    return { total: account.total, totalSince: account.totalSince, bannedUntil: account.bannedUntil };
  }

  /** Takes back a standing kept from before a restart (a peer's record); what has run out is skipped. */
  restore(peer: PeerId, kept: Misbehaviour): void {
    if (!this.holds(kept)) return;
    const account = this.account(peer);
    account.bannedUntil = Math.max(account.bannedUntil, kept.bannedUntil);
    // Offences since the start (the peer came back before its record was read) add to the kept ones.
    if (this.now() - kept.totalSince <= this.settings.banMs) {
      account.total += kept.total;
      account.totalSince = Math.min(account.totalSince, kept.totalSince);
    }
  }

  /** Accounts held now (bounded by ACCOUNTS_MAX). */
  accountCount(): number {
    return this.accounts.size;
  }

  isBanned(peer: PeerId): boolean {
    return (this.accounts.get(peer)?.bannedUntil ?? 0) > this.now();
  }

  score(peer: PeerId): number {
    return this.accounts.get(peer)?.score ?? 0;
  }

  standing(peer: PeerId): PeerStanding {
    const account = this.accounts.get(peer);
    return { score: account?.score ?? 0, total: account?.total ?? 0, bannedUntil: account?.bannedUntil ?? 0 };
  }

  banned(): { peer: PeerId; until: number }[] {
    const now = this.now();
    return [...this.accounts]
      .filter(([, a]) => a.bannedUntil > now)
      .map(([peer, a]) => ({ peer, until: a.bannedUntil }));
  }

  private holds(m: Misbehaviour): boolean {
    const now = this.now();
    return m.bannedUntil > now || (m.total > 0 && now - m.totalSince <= this.settings.banMs);
  }

  private account(peer: PeerId): PeerAccount {
    let account = this.accounts.get(peer);
    if (account) {
      // Least recently used first (Map order), so eviction takes the first ones.
      this.accounts.delete(peer);
      this.accounts.set(peer, account);
    } else {
      const now = this.now();
      account = {
        frames: this.settings.burstFrames,
        bytes: this.settings.burstBytes,
        refilledAt: now,
        score: 0,
        total: 0,
        totalSince: now,
        bannedUntil: 0,
      };
      this.accounts.set(peer, account);
      this.evict();
    }
    return account;
  }

  private evict(): void {
    if (this.accounts.size <= ACCOUNTS_MAX) return;
    const now = this.now();
    for (const [peer, account] of this.accounts) {
      if (this.accounts.size <= ACCOUNTS_MAX) return;
      if (account.bannedUntil <= now) this.accounts.delete(peer);
    }
    // Every one left is banned: the oldest bans go, or memory would not be bounded.
    for (const peer of this.accounts.keys()) {
      if (this.accounts.size <= ACCOUNTS_MAX) return;
      this.accounts.delete(peer);
    }
  }
}
