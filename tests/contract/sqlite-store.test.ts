// The SQLite store on both contract suites, with reopen of the same file; then what is
// particular to it: file modes, the schema, and what a crash leaves (sqlite-crash.test.ts).

import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { generateIdentity, type PeerId } from "../../src/core/crypto.ts";
import { createListing } from "../../src/core/listings/draft.ts";
import type { HeldMail, RelayStore } from "../../src/core/mail/relay-store.ts";
import { SCHEMA_VERSION } from "../../src/node/sqlite-schema.ts";
import { openSqliteStore, SqliteStoreError } from "../../src/node/sqlite-store.ts";
import { runListingChangeStoreContract } from "./listing-change-store.ts";
import { runListingSummaryStoreContract } from "./listing-summary-store.ts";
import { runMailStoreContract } from "./mail-store.ts";
import { runRelayStoreContract } from "./relay-store.ts";
import { runSavedSearchStoreContract } from "./saved-search-store.ts";
import { runStoreContract } from "./store.ts";
import type { StoreFixture } from "./store-fixture.ts";
import {
  afterUpgrade,
  expectNoSavedSearchesYet,
  expectOlderMessagesKept,
  olderListing,
  olderMessage,
  olderSeen,
} from "./store-upgrades.ts";

type SqliteStore = Awaited<ReturnType<typeof openSqliteStore>>;

async function setup(): Promise<StoreFixture<SqliteStore>> {
  const dir = await mkdtemp(join(tmpdir(), "peerboard-sqlite-"));
  const file = join(dir, "peer.db");
  return {
    store: await openSqliteStore(file),
    reopen: () => openSqliteStore(file),
    teardown: () => rm(dir, { recursive: true, force: true }),
  };
}

runStoreContract("SQLite (better-sqlite3)", setup);
runSavedSearchStoreContract("SQLite (better-sqlite3)", setup);
runMailStoreContract("SQLite (better-sqlite3)", setup);
runListingChangeStoreContract("SQLite (better-sqlite3)", setup);
runListingSummaryStoreContract("SQLite (better-sqlite3)", setup);

/** The store's relay half, closed with its database: the RelayStore the always-on peer runs. */
const relayOf = (store: SqliteStore): RelayStore & { close(): void } => {
  const relay = store.relay;
  return {
    listHeld: () => relay.listHeld(),
    putHeld: (mail: HeldMail) => relay.putHeld(mail),
    deleteHeld: (slots: string[]) => relay.deleteHeld(slots),
    listRelayAuthors: () => relay.listRelayAuthors(),
    addRelayAuthor: (author: PeerId) => relay.addRelayAuthor(author),
    forgetRelayAuthors: (authors: PeerId[]) => relay.forgetRelayAuthors(authors),
    close: () => store.close(),
  };
};

runRelayStoreContract("SQLite (better-sqlite3)", async () => {
  const dir = await mkdtemp(join(tmpdir(), "peerboard-sqlite-relay-"));
  const file = join(dir, "peer.db");
  return {
    store: relayOf(await openSqliteStore(file)),
    reopen: async () => relayOf(await openSqliteStore(file)),
    teardown: () => rm(dir, { recursive: true, force: true }),
  };
});

describe("SQLite store file", () => {
  const dirs: string[] = [];
  const stores: SqliteStore[] = [];
  afterEach(async () => {
    for (const store of stores.splice(0)) store.close();
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });
  async function tempDir(): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), "peerboard-sqlite-file-"));
    dirs.push(dir);
    return dir;
  }
  const mode = async (path: string) => (await stat(path)).mode & 0o777;

  it("creates missing directories 0700 and keeps the database, WAL and shared-memory files 0600", async () => {
    const root = await tempDir();
    const file = join(root, "state", "peerboard", "peer.db");
    const store = await openSqliteStore(file);
    stores.push(store);
    await store.initIdentity(await generateIdentity(1));
    expect(await mode(join(root, "state"))).toBe(0o700);
    expect(await mode(join(root, "state", "peerboard"))).toBe(0o700);
    expect(await mode(file)).toBe(0o600);
    expect(await mode(`${file}-wal`)).toBe(0o600);
    expect(await mode(`${file}-shm`)).toBe(0o600);
  });

  it("tightens an existing database file to 0600", async () => {
    const file = join(await tempDir(), "peer.db");
    await writeFile(file, "", { mode: 0o644 });
    stores.push(await openSqliteStore(file));
    expect(await mode(file)).toBe(0o600);
  });

  it("uses WAL, keeps the schema version, and reads listings in order and expiry off their indexes", async () => {
    const file = join(await tempDir(), "peer.db");
    const store = await openSqliteStore(file);
    stores.push(store);
    const identity = await generateIdentity(1);
    await store.putListingIf(
      await createListing(identity, { title: "Kept", description: "", price: "1", currency: "EUR" }, 5),
      () => true,
    );
    const db = new Database(file, { readonly: true });
    try {
      expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
      expect(db.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
      expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
      const plan = (sql: string) =>
        (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((row) => row.detail).join("; ");
      expect(plan("SELECT record FROM listings ORDER BY updated_at DESC, id DESC")).toContain("listings_by_updated_at");
      expect(plan("SELECT record FROM listings WHERE expires_at < 10 ORDER BY expires_at")).toContain(
        "listings_by_expires_at",
      );
    } finally {
      db.close();
    }
  });

  it("refuses a database written by a newer Peerboard, saying so", async () => {
    const file = join(await tempDir(), "peer.db");
    const db = new Database(file);
    db.pragma("user_version = 99");
    db.close();
    await expect(openSqliteStore(file)).rejects.toThrow(/schema version 99, newer than this Peerboard/);
    await expect(openSqliteStore(file)).rejects.toBeInstanceOf(SqliteStoreError);
  });

  it("refuses to store an identity whose keys cannot be exported, and keeps none", async () => {
    const store = await openSqliteStore(join(await tempDir(), "peer.db"));
    stores.push(store);
    const identity = await generateIdentity(1);
    const jwk = await crypto.subtle.exportKey("jwk", identity.signing.privateKey);
    const locked = await crypto.subtle.importKey("jwk", jwk, { name: "ECDSA", namedCurve: "P-256" }, false, ["sign"]);
    await expect(
      store.initIdentity({ ...identity, signing: { ...identity.signing, privateKey: locked } }),
    ).rejects.toThrow(/non-extractable/);
    expect(await store.loadIdentity()).toBeUndefined();
  });
});

describe("SQLite schema step 2 (message ids per author)", () => {
  const dirs: string[] = [];
  afterEach(async () => {
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  it("upgrading a step-1 database keeps its messages, now keyed by author, and its seen ids", async () => {
    const dir = await mkdtemp(join(tmpdir(), "peerboard-sqlite-migrate-"));
    dirs.push(dir);
    const file = join(dir, "peer.db");
    // A database as the first release left it: step 1 only.
    (await openSqliteStore(file)).close();
    const db = new Database(file);
    // Back to what step 1 made: later steps' tables go too.
    db.exec(
      "DROP TABLE messages; DROP TABLE seen; DROP TABLE relay_held; DROP TABLE relay_authors; DROP TABLE saved_searches; DROP TABLE listing_changes;",
    );
    db.exec(`CREATE TABLE messages (id TEXT PRIMARY KEY, created_at INTEGER NOT NULL,
      record TEXT NOT NULL CHECK (json_valid(record))) STRICT;
      CREATE INDEX messages_by_created_at ON messages (created_at, id);
      CREATE TABLE seen (msg_id TEXT PRIMARY KEY, seen_at INTEGER NOT NULL) STRICT;`);
    db.prepare("INSERT INTO messages (id, created_at, record) VALUES (?, ?, ?)").run(
      olderMessage.id,
      olderMessage.createdAt,
      JSON.stringify(olderMessage),
    );
    db.prepare("INSERT INTO seen (msg_id, seen_at) VALUES (?, ?)").run(olderSeen.msgId, olderSeen.seenAt);
    db.pragma("user_version = 1");
    db.close();

    await afterUpgrade(() => openSqliteStore(file), expectOlderMessagesKept);
  });

  it("upgrading a step-3 database keeps its listings and starts with no saved search", async () => {
    const dir = await mkdtemp(join(tmpdir(), "peerboard-sqlite-migrate-"));
    dirs.push(dir);
    const file = join(dir, "peer.db");
    const listing = await olderListing(await generateIdentity(1));
    const first = await openSqliteStore(file);
    await first.putListingIf(listing, () => true);
    first.close();
    const db = new Database(file);
    db.exec("DROP TABLE saved_searches; DROP TABLE listing_changes;");
    db.pragma("user_version = 3");
    db.close();

    await afterUpgrade(
      () => openSqliteStore(file),
      (store) => expectNoSavedSearchesYet(store, listing),
    );
  });

  it("upgrading a step-4 database counts every listing it kept as changed once, for the search index to replay", async () => {
    const dir = await mkdtemp(join(tmpdir(), "peerboard-sqlite-migrate-"));
    dirs.push(dir);
    const file = join(dir, "peer.db");
    const identity = await generateIdentity(1);
    const older = await createListing(identity, { title: "Older", description: "", price: "", currency: "EUR" }, 2);
    const newer = await createListing(identity, { title: "Newer", description: "", price: "", currency: "EUR" }, 3);
    const first = await openSqliteStore(file);
    await first.putListingsIf([newer, older], () => true);
    first.close();
    const db = new Database(file);
    db.exec("DROP TABLE listing_changes;");
    db.pragma("user_version = 4");
    db.close();

    const store = await openSqliteStore(file);
    try {
      expect(await store.listListings()).toEqual([newer, older]);
      expect((await store.listListingChangesAfter(0, 10)).map((c) => c.id)).toEqual([older.id, newer.id]);
      await store.deleteListingIf(older.id, () => true);
      expect((await store.listListingChangesAfter(0, 10)).map((c) => c.id)).toEqual([older.id, newer.id, older.id]);
    } finally {
      store.close();
    }
  });
});
