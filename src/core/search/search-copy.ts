// The search index's saved copy in the store's meta, kept so a hub start reads it instead of
// every listing (search.ts replays the store's change log after its mark).
//
// The copy is two values: the entries, read first (queries without words answer from them), and
// the words, read once the first answer is out or a query with words asks (which waits for them):
// a read of megabytes holds up the store's other reads, the start's and the first answer's too.
// Words go to the slot the entries do not point at, then the entries, pointing at it: a crash
// between the two leaves the old entries and their own words, both intact. Words that do not
// belong to the entries (another token, or a format this code cannot read) mean a rebuild.

import type { Store } from "../store.ts";
import { SearchIndex, type SearchSnapshot, type WordsSnapshot } from "./search-index.ts";

export const SEARCH_SNAPSHOT_KEY = "search-index";
/** The two slots the words alternate between, so the entries' own words survive a torn save. */
export const SEARCH_WORDS_KEYS = ["search-words-0", "search-words-1"] as const;

/** The saved entries, restored: words still to be read from `words.key`. */
export interface SavedEntries {
  index: SearchIndex;
  /** The number of the last store change the copy reflects. */
  mark: number;
  words: SearchSnapshot["words"];
}

/** The saved entries; "unreadable" for a copy this code cannot read (another format), undefined for none. */
export async function readEntries(store: Store): Promise<SavedEntries | "unreadable" | undefined> {
  const saved = await store.getMeta<SearchSnapshot>(SEARCH_SNAPSHOT_KEY);
  if (saved === undefined) return undefined;
  const index = SearchIndex.restore(saved);
  if (!index || typeof saved.words?.key !== "string") return "unreadable";
  return { index, mark: saved.mark, words: saved.words };
}

/** Reads the words saved with `entries` into their index; false when the slot holds words that are not theirs. */
export async function readWords(store: Store, entries: Omit<SavedEntries, "mark">): Promise<boolean> {
  const words = await store.getMeta<WordsSnapshot>(entries.words.key);
  return words?.generation === entries.words.generation && entries.index.restoreWords(words);
}

/** Saves `index` as the copy at `mark`, its words in the slot `current` is not; returns that slot. */
export async function writeCopy(store: Store, index: SearchIndex, mark: number, current: string): Promise<string> {
  const { entries, words } = index.snapshot();
  const key = current === SEARCH_WORDS_KEYS[0] ? SEARCH_WORDS_KEYS[1] : SEARCH_WORDS_KEYS[0];
  const generation = Array.from(crypto.getRandomValues(new Uint32Array(2)), (n) => n.toString(36)).join("-");
  await store.setMeta(key, { ...words, generation } satisfies WordsSnapshot);
  await store.setMeta(SEARCH_SNAPSHOT_KEY, { ...entries, mark, words: { key, generation } } satisfies SearchSnapshot);
  return key;
}
