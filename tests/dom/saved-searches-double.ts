// The saved-search half of the DOM tests' hub double: the core's own SavedSearches over a
// MemoryStore, matching what `arrive` brings as the hub matches what peers send, so the views see
// what the hub would say (tests/contract/hub-api.ts runs on it too).

import type { Identity } from "../../src/core/crypto.ts";
import { isVisible, type Listing } from "../../src/core/listings/records.ts";
import { SavedSearches, summarize } from "../../src/core/search/saved-searches.ts";
import type { HubApi, HubEvent } from "../../src/shared/api.ts";
import { MemoryStore } from "../support/memory-store.ts";

type SavedSearchMethods = Pick<
  HubApi,
  "savedSearches" | "saveSearch" | "deleteSavedSearch" | "setSavedSearchNotify" | "openSavedSearch"
>;

export function savedSearchDouble(
  identity: Identity,
  stored: Listing[],
  emit: (event: HubEvent) => void,
): SavedSearchMethods & { arrived(listing: Listing, wasKnown: boolean): Promise<void> } {
  const saved = new SavedSearches(new MemoryStore(), { me: identity.peerId, now: Date.now, log: console });
  const changed = async <T>(result: T): Promise<T> => {
    emit({ type: "saved-searches", searches: await saved.list() });
    return result;
  };
  return {
    savedSearches: () => saved.list(),
    async saveSearch(query) {
      const result = await saved.save(query);
      return result.ok ? changed(result) : result;
    },
    deleteSavedSearch: async (id) => ((await saved.remove(id)) ? changed(true) : false),
    setSavedSearchNotify: async (id, notify) => changed(await saved.setNotify(id, notify)),
    async openSavedSearch(id) {
      const record = await saved.get(id);
      if (!record) return undefined;
      const listings = record.matches.flatMap((m) => {
        const listing = stored.find((l) => l.id === m.listingId);
        return listing && isVisible(listing, Date.now()) ? [listing] : [];
      });
      const search = await saved.markSeen(id);
      return search && changed({ search, listings });
    },
    async arrived(listing, wasKnown) {
      if (wasKnown) return;
      const matched = await saved.consider(listing);
      for (const record of matched) emit({ type: "match", search: summarize(record), listing });
      if (matched.length) await changed(undefined);
    },
  };
}
