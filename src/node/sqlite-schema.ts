// The SQLite store's schema, as ordered steps applied by PRAGMA user_version: a peer that skips
// releases applies every step it missed, like the IndexedDB upgrade in src/worker/idb-schema.ts.
//
// Records are JSON text (what the wire carries, readable with the sqlite3 shell) next to the
// columns the queries sort and filter on; STRICT tables and json_valid checks refuse anything
// else. Meta values are v8-serialized (structured clone, as IndexedDB keeps them).

import type Database from "better-sqlite3";

const STEPS: readonly string[] = [
  // 1: everything Store and MailStore keep (issue "One core, many hosts", item 5).
  `
  CREATE TABLE identity (
    slot INTEGER PRIMARY KEY CHECK (slot = 1),
    record TEXT NOT NULL CHECK (json_valid(record))
  ) STRICT;

  CREATE TABLE listings (
    id TEXT PRIMARY KEY,
    updated_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    record TEXT NOT NULL CHECK (json_valid(record))
  ) STRICT;
  -- listListings: newest first, ties by id, read backwards off one index.
  CREATE INDEX listings_by_updated_at ON listings (updated_at, id);
  -- listExpiredBefore: a range scan.
  CREATE INDEX listings_by_expires_at ON listings (expires_at);

  CREATE TABLE profiles (
    peer_id TEXT PRIMARY KEY,
    updated_at INTEGER NOT NULL,
    record TEXT NOT NULL CHECK (json_valid(record))
  ) STRICT;
  CREATE INDEX profiles_by_updated_at ON profiles (updated_at);

  CREATE TABLE images (
    hash TEXT PRIMARY KEY,
    type TEXT NOT NULL,
    bytes BLOB NOT NULL
  ) STRICT;

  CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value BLOB NOT NULL
  ) STRICT;

  CREATE TABLE peers (
    id TEXT PRIMARY KEY,
    record TEXT NOT NULL CHECK (json_valid(record))
  ) STRICT;

  CREATE TABLE deals (
    id TEXT PRIMARY KEY,
    updated_at INTEGER NOT NULL,
    record TEXT NOT NULL CHECK (json_valid(record))
  ) STRICT;
  CREATE INDEX deals_by_updated_at ON deals (updated_at, id);

  CREATE TABLE messages (
    id TEXT PRIMARY KEY,
    created_at INTEGER NOT NULL,
    record TEXT NOT NULL CHECK (json_valid(record))
  ) STRICT;
  CREATE INDEX messages_by_created_at ON messages (created_at, id);

  CREATE TABLE outbox (
    msg_id TEXT PRIMARY KEY,
    created_at INTEGER NOT NULL,
    record TEXT NOT NULL CHECK (json_valid(record))
  ) STRICT;

  CREATE TABLE seen (
    msg_id TEXT PRIMARY KEY,
    seen_at INTEGER NOT NULL
  ) STRICT;
  `,
  // 2: message ids are unique per author only (a sender chooses them, relays see them), so
  // messages and seen ids are keyed by author and id. Ids seen before keep author '' and still
  // count as seen.
  `
  CREATE TABLE messages_by_author (
    author TEXT NOT NULL,
    id TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    record TEXT NOT NULL CHECK (json_valid(record)),
    PRIMARY KEY (author, id)
  ) STRICT;
  INSERT INTO messages_by_author (author, id, created_at, record)
    SELECT json_extract(record, '$.author'), id, created_at, record FROM messages;
  DROP TABLE messages;
  ALTER TABLE messages_by_author RENAME TO messages;
  CREATE INDEX messages_by_created_at ON messages (created_at, id);

  CREATE TABLE seen_by_author (
    author TEXT NOT NULL,
    msg_id TEXT NOT NULL,
    seen_at INTEGER NOT NULL,
    PRIMARY KEY (author, msg_id)
  ) STRICT;
  INSERT INTO seen_by_author (author, msg_id, seen_at) SELECT '', msg_id, seen_at FROM seen;
  DROP TABLE seen;
  ALTER TABLE seen_by_author RENAME TO seen;
  `,
  // 3: sealed mail held for others until its recipient's ACK or 30 days (the RelayStore), in the
  // order it came (rowid), and the authors whose mail reached its recipient through this peer.
  `
  CREATE TABLE relay_held (
    slot TEXT PRIMARY KEY,
    until INTEGER NOT NULL,
    record TEXT NOT NULL CHECK (json_valid(record))
  ) STRICT;

  CREATE TABLE relay_authors (
    peer_id TEXT PRIMARY KEY
  ) STRICT;
  `,
  // 4: the user's saved searches and what matched them (listSavedSearches: oldest first).
  `
  CREATE TABLE saved_searches (
    id TEXT PRIMARY KEY,
    created_at INTEGER NOT NULL,
    record TEXT NOT NULL CHECK (json_valid(record))
  ) STRICT;
  CREATE INDEX saved_searches_by_created_at ON saved_searches (created_at, id);
  `,
  // 5: the listing change log the search index replays after the copy of it kept in meta
  // (Store.listListingChangesAfter). Listings kept before it count as changed once.
  `
  CREATE TABLE listing_changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL
  ) STRICT;
  INSERT INTO listing_changes (id) SELECT id FROM listings ORDER BY updated_at, id;
  `,
];

export const SCHEMA_VERSION = STEPS.length;

/** Brings a database at schema `from` (its user_version) to SCHEMA_VERSION, a transaction a step. */
export function migrate(db: Database.Database, from: number): void {
  for (let version = from; version < SCHEMA_VERSION; version++) {
    db.transaction(() => {
      db.exec(STEPS[version] as string);
      db.pragma(`user_version = ${version + 1}`);
    }).immediate();
  }
}
