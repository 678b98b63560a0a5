// The StorageEstimator port for the Node peer: the bytes the SQLite file holds in live pages (not
// its size on disk, which does not shrink when rows go, so pruning would never seem to help)
// against the --max-storage limit. Read through a second, read-only connection: WAL lets it read
// beside the store's own.

import Database from "better-sqlite3";
import type { StorageEstimator } from "../core/ports.ts";

export function sqliteStorageEstimator(file: string, limit: number): { estimate: StorageEstimator; close(): void } {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  const pages = db
    .prepare("SELECT page_count - freelist_count FROM pragma_page_count(), pragma_freelist_count()")
    .pluck();
  const pageSize = db.pragma("page_size", { simple: true }) as number;
  return {
    estimate: async () => ({ usage: (pages.get() as number) * pageSize, quota: limit }),
    close: () => db.close(),
  };
}
