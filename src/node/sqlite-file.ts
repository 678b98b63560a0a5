// Opening the SQLite store's database file: its directory and file modes (it holds private
// keys), the pragmas the store relies on, the schema, and an error that says what to run when
// better-sqlite3's native module is missing.

import { chmodSync, closeSync, mkdirSync, openSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { PeerboardError } from "../core/errors.ts";
import { migrate, SCHEMA_VERSION } from "./sqlite-schema.ts";

export interface SqliteStoreOptions {
  /** How long to wait for a lock another process holds on the file (ms); default 5000. */
  busyTimeoutMs?: number;
}

/** The database could not be opened: the message says what to do. */
export class SqliteStoreError extends PeerboardError {
  override name = "SqliteStoreError";
}

/**
 * Opens (creating it if need be) the database at `file`, in WAL mode and at the current schema.
 * Missing directories are created mode 0700 and the file is made 0600 before SQLite opens it;
 * SQLite gives the WAL and shared-memory files the database file's mode.
 */
export function openDatabase(file: string, options: SqliteStoreOptions = {}): Database.Database {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  closeSync(openSync(file, "a", 0o600));
  chmodSync(file, 0o600);
  let db: Database.Database;
  try {
    db = new Database(file, { timeout: options.busyTimeoutMs ?? 5000 });
  } catch (error) {
    throw explainOpenError(error);
  }
  try {
    const mode = db.pragma("journal_mode = WAL", { simple: true });
    if (mode !== "wal") throw new SqliteStoreError(`SQLite would not use WAL for ${file} (journal_mode is ${mode}).`);
    // In WAL mode NORMAL loses no committed transaction to a process crash, only maybe the last
    // ones to a power cut, and never corrupts the file; FULL would fsync every commit.
    db.pragma("synchronous = NORMAL");
    db.pragma("foreign_keys = ON");
    const version = db.pragma("user_version", { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      throw new SqliteStoreError(
        `${file} has schema version ${version}, newer than this Peerboard's (${SCHEMA_VERSION}): update Peerboard to open it.`,
      );
    }
    migrate(db, version);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

/** better-sqlite3 loads its native module at the first open: say how to build it when it is missing. */
function explainOpenError(error: unknown): unknown {
  const message = error instanceof Error ? error.message : String(error);
  if (/bindings file|NODE_MODULE_VERSION|better_sqlite3\.node|invalid ELF|ERR_DLOPEN_FAILED/.test(message)) {
    return new SqliteStoreError(
      "better-sqlite3's native module is missing or was built for another Node.js. Run `npm rebuild better-sqlite3` " +
        `(it builds from source with python3, make and a C++ compiler when no prebuilt binary can be downloaded). Cause: ${message}`,
      { cause: error },
    );
  }
  return error;
}
