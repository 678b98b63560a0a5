// The user's saved searches in the hub: kept in the store, held in memory (a few dozen small
// records), and matched against every new listing that reaches this hub from any peer while it
// runs, with the same rule search uses (listingMatcher). Bad input comes back as a result.

import type { PeerId } from "../crypto.ts";
import { randomToken } from "../crypto.ts";
import { ValidationError } from "../errors.ts";
import type { Listing } from "../listings/records.ts";
import type { Logger } from "../ports.ts";
import type { Store } from "../store.ts";
import {
  checkSavedQuery,
  MAX_MATCHES,
  MAX_SAVED_SEARCHES,
  type SavedQuery,
  type SavedSearchRecord,
  sameQuery,
  unseenCount,
} from "./saved-search.ts";
import { listingMatcher } from "./search-index.ts";

/** What views show of a saved search. */
export interface SavedSearchSummary {
  id: string;
  query: SavedQuery;
  createdAt: number;
  notify: boolean;
  /** Matches remembered (at most MAX_MATCHES). */
  matches: number;
  /** Matches since the user last opened it. */
  unseen: number;
}

export type SavedSearchResult =
  | { ok: true; search: SavedSearchSummary }
  | { ok: false; field: string; message: string };

export const summarize = (record: SavedSearchRecord): SavedSearchSummary => ({
  id: record.id,
  query: record.query,
  createdAt: record.createdAt,
  notify: record.notify,
  matches: record.matches.length,
  unseen: unseenCount(record),
});

export class SavedSearches {
  /** Oldest first, as the store lists them; Map order keeps it. */
  private readonly records = new Map<string, SavedSearchRecord>();
  private readonly loaded: Promise<void>;
  /** Writes in the order they were decided: a delete never lands before an earlier put. */
  private writes: Promise<void> = Promise.resolve();
  /** Matched records waiting for the write under way (queuePut). */
  private readonly pending = new Map<string, SavedSearchRecord>();

  constructor(
    private readonly store: Store,
    private readonly options: { me: PeerId; now: () => number; log: Logger; newId?: () => string },
  ) {
    this.loaded = store.listSavedSearches().then((all) => {
      for (const record of all) this.records.set(record.id, record);
    });
  }

  async list(): Promise<SavedSearchSummary[]> {
    await this.loaded;
    return [...this.records.values()].map(summarize);
  }

  /** Keeps a query; saving one that finds the same listings as a kept one returns that one. */
  async save(query: SavedQuery): Promise<SavedSearchResult> {
    await this.loaded;
    let checked: SavedQuery;
    try {
      checked = checkSavedQuery(query);
    } catch (error) {
      if (error instanceof ValidationError) return { ok: false, field: error.field, message: error.message };
      throw error;
    }
    const same = [...this.records.values()].find((r) => sameQuery(r.query, checked));
    if (same) return { ok: true, search: summarize(same) };
    if (this.records.size >= MAX_SAVED_SEARCHES)
      return {
        ok: false,
        field: "saved",
        message: `You can keep up to ${MAX_SAVED_SEARCHES} saved searches. Delete one to save this one.`,
      };
    const now = this.options.now();
    const record: SavedSearchRecord = {
      id: this.options.newId?.() ?? randomToken(12),
      query: checked,
      createdAt: now,
      notify: false,
      matches: [],
      seenAt: now,
    };
    this.records.set(record.id, record);
    await this.write(() => this.store.putSavedSearch(record));
    return { ok: true, search: summarize(record) };
  }

  /** Forgets a saved search and its matches; false when there was none with this id. */
  async remove(id: string): Promise<boolean> {
    await this.loaded;
    if (!this.records.delete(id)) return false;
    this.pending.delete(id);
    await this.write(async () => void (await this.store.deleteSavedSearch(id)));
    return true;
  }

  async setNotify(id: string, notify: boolean): Promise<SavedSearchSummary | undefined> {
    return this.change(id, (record) => ({ ...record, notify }));
  }

  /** The user looked at the matches: none of them counts as new any more. */
  async markSeen(id: string): Promise<SavedSearchSummary | undefined> {
    return this.change(id, (record) => ({ ...record, seenAt: this.options.now() }));
  }

  /** The record with its matches, newest first; undefined for an unknown id. */
  async get(id: string): Promise<SavedSearchRecord | undefined> {
    await this.loaded;
    return this.records.get(id);
  }

  /**
   * A listing new to this hub arrived: the saved searches it matches now, each remembering it.
   * The user's own listings and listings a search already remembers match nothing.
   */
  async consider(listing: Listing): Promise<SavedSearchRecord[]> {
    await this.loaded;
    if (listing.author === this.options.me) return [];
    const now = this.options.now();
    const matched: SavedSearchRecord[] = [];
    const matches = listingMatcher(listing);
    for (const record of this.records.values()) {
      if (record.matches.some((m) => m.listingId === listing.id)) continue;
      if (!matches(record.query, now)) continue;
      const next = {
        ...record,
        matches: [{ listingId: listing.id, at: now }, ...record.matches].slice(0, MAX_MATCHES),
      };
      this.records.set(record.id, next);
      matched.push(next);
      this.queuePut(next);
    }
    return matched;
  }

  private async change(
    id: string,
    edit: (record: SavedSearchRecord) => SavedSearchRecord,
  ): Promise<SavedSearchSummary | undefined> {
    await this.loaded;
    const record = this.records.get(id);
    if (!record) return undefined;
    const next = edit(record);
    this.records.set(id, next);
    await this.write(() => this.store.putSavedSearch(next));
    return summarize(next);
  }

  /**
   * Stores a matched record without holding up the sync that brought the listing: while a write
   * is under way, later matches of the same search wait and are stored once, as one newest copy
   * (a sync of thousands of matching listings costs a few writes, not one each). A failed write
   * is logged by `write`; the matches stay in memory for this run.
   */
  private queuePut(record: SavedSearchRecord): void {
    const idle = this.pending.size === 0;
    this.pending.set(record.id, record);
    if (!idle) return;
    this.write(async () => {
      const batch = [...this.pending.values()];
      this.pending.clear();
      for (const next of batch) await this.store.putSavedSearch(next);
    }).catch(() => undefined);
  }

  private write(step: () => Promise<void>): Promise<void> {
    const done = this.writes.then(step);
    // The chain goes on after a failed write; the failure is logged here and reaches the caller.
    this.writes = done.catch((error: unknown) => this.options.log.error("saving a saved search failed", error));
    return done;
  }
}
