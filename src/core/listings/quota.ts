// Storage pressure (docs/architecture.md, "Limits and policy"): when usage nears the quota, or a
// write fails with QuotaExceededError, make room by pruning other people's listings — expired ones
// first, then the largest author's, oldest first — never the user's own records or identity, and
// tell the user what went.

import type { PeerId } from "../crypto.ts";
import { PeerboardError } from "../errors.ts";
import type { ListingChange, ListingSummary, Store } from "../store.ts";

/** Even after pruning, the write did not fit: the device is full of the user's own data. */
export class StorageFullError extends PeerboardError {
  override name = "StorageFullError";
}

export interface StorageEstimate {
  usage: number;
  quota: number;
}

export interface QuotaOptions {
  me: PeerId;
  /** The browser's storage estimate, where the host has one; undefined where unknown. */
  estimate: () => Promise<StorageEstimate | undefined>;
  /** Tells the user (a notice in every tab). */
  notify: (message: string) => void;
  /** Told which listings went (with their deletes' numbers in the change log), so indexes and their photos can follow. */
  pruned?: (gone: ListingChange[]) => Promise<void>;
  /** Prune when usage passes this share of the quota… */
  highWater?: number;
  /** …until it is below this share. */
  lowWater?: number;
  now: () => number;
}

export function isQuotaError(error: unknown): boolean {
  return (
    typeof error === "object" &&
    error !== null &&
    "name" in error &&
    (error as { name: unknown }).name === "QuotaExceededError"
  );
}

/** Never more than this many passes of pruning in one go, so a broken estimate cannot loop. */
const MAX_PASSES = 20;

export class QuotaKeeper {
  private readonly highWater: number;
  private readonly lowWater: number;
  private readonly now: () => number;
  private relieving: Promise<number> | undefined;

  constructor(
    private readonly store: Store,
    private readonly options: QuotaOptions,
  ) {
    this.highWater = options.highWater ?? 0.9;
    this.lowWater = options.lowWater ?? 0.75;
    this.now = options.now;
  }

  /** Prunes when the estimate says usage is near the quota; returns how many listings went. */
  async check(): Promise<number> {
    const estimate = await this.options.estimate();
    if (!estimate || estimate.quota <= 0 || estimate.usage < estimate.quota * this.highWater) return 0;
    return this.relieve();
  }

  /** Makes room now (a write just failed, or the estimate is high). One run at a time. */
  relieve(): Promise<number> {
    this.relieving ??= this.prune().finally(() => {
      this.relieving = undefined;
    });
    return this.relieving;
  }

  private async prune(): Promise<number> {
    const others = (await this.store.listListingSummaries()).filter((l) => l.author !== this.options.me);
    const now = this.now();
    // Expired first; then the authors holding the most, so one author's flood goes before
    // anyone else's listings; then oldest first: what the user is least likely to miss.
    const held = new Map<PeerId, number>();
    for (const l of others) held.set(l.author, (held.get(l.author) ?? 0) + 1);
    const order = (l: ListingSummary) => (l.expiresAt <= now ? 0 : 1);
    others.sort(
      (a, b) =>
        order(a) - order(b) ||
        (held.get(b.author) ?? 0) - (held.get(a.author) ?? 0) ||
        a.author.localeCompare(b.author) ||
        a.updatedAt - b.updatedAt,
    );
    const batch = Math.max(50, Math.ceil(others.length / 20));
    // Tried and removed differ: a listing can go (its author withdrew it) while the list is read.
    let tried = 0;
    let removed = 0;
    const gone: ListingChange[] = [];
    for (let pass = 0; pass < MAX_PASSES && tried < others.length; pass++) {
      for (const { id } of others.slice(tried, tried + batch)) {
        const seq = await this.store.deleteListingIf(id, (stored) => stored.author !== this.options.me);
        if (seq !== undefined) gone.push({ seq, id });
      }
      tried = Math.min(others.length, tried + batch);
      removed += gone.length;
      // Photos of what went are freed too before the next estimate.
      await this.options.pruned?.(gone.splice(0));
      const estimate = await this.options.estimate();
      // Without an estimate (or with one that says we are fine) one batch is what a failed write needs.
      if (!estimate || estimate.usage < estimate.quota * this.lowWater) break;
    }
    if (removed) {
      this.options.notify(
        `Storage was nearly full: removed ${removed} of other people's oldest or expired listings. ` +
          "Your own listings and your identity are kept.",
      );
    }
    return removed;
  }
}

/**
 * The store, with every call that fails for lack of space retried once after making room. A
 * Proxy, so it covers every Store method, present and future, without listing them.
 */
export function guardStore<S extends Store>(store: S, keeper: QuotaKeeper): S {
  return new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== "function" || property === "close") return value;
      return async (...args: unknown[]) => {
        try {
          return await value.apply(target, args);
        } catch (error) {
          if (!isQuotaError(error)) throw error;
          await keeper.relieve();
          try {
            return await value.apply(target, args);
          } catch (again) {
            if (!isQuotaError(again)) throw again;
            throw new StorageFullError(
              "This device is out of storage for Peerboard, even after removing other people's listings. " +
                "Free some space or delete some of your own listings.",
            );
          }
        }
      };
    },
  });
}
