// The Store and MailStore on SQLite (better-sqlite3), for the always-on peer (docs/architecture.md,
// "Hosts: tabs, hub, radio"). Opening the file is in sqlite-file.ts, the schema in
// sqlite-schema.ts. Passes the same contract suites as the IndexedDB and in-memory stores
// (tests/contract/).
//
// better-sqlite3 is synchronous: every method reads, decides and writes inside one transaction
// with no await in between, so nothing interleaves and a crash leaves all of it or none. What is
// async (Blob bytes, key export) happens before the transaction starts.

import { deserialize, serialize } from "node:v8";
import type Database from "better-sqlite3";
import type { Identity, PeerId } from "../core/crypto.ts";
import type { Listing } from "../core/listings/records.ts";
import type { MailStore } from "../core/mail/mail-store.ts";
import type { RelayStore } from "../core/mail/relay-store.ts";
import type { Profile } from "../core/profiles/profile.ts";
import type { SavedSearchRecord } from "../core/search/saved-search.ts";
import type { ListingChange, ListingSummary, PeerRecord, Store, StoredImage, StoredListing } from "../core/store.ts";
import { openDatabase, type SqliteStoreOptions } from "./sqlite-file.ts";
import { decodeIdentity, encodeIdentity } from "./sqlite-identity.ts";
import { SqliteMailStore } from "./sqlite-mail-store.ts";
import { SqliteRelayStore } from "./sqlite-relay-store.ts";

export { SqliteStoreError, type SqliteStoreOptions } from "./sqlite-file.ts";

/**
 * Opens (creating it if need be) the store in the database file `file`, which holds the
 * identity's private keys: see openDatabase (sqlite-file.ts) for its modes and pragmas.
 */
export async function openSqliteStore(
  file: string,
  options: SqliteStoreOptions = {},
): Promise<Store & MailStore & { relay: RelayStore }> {
  return new SqliteStore(openDatabase(file, options));
}

const parse = <T>(text: string): T => JSON.parse(text) as T;
type Row<T> = T | undefined;
type SummaryRow = Omit<ListingSummary, "deleted" | "images"> & { deleted: 0 | 1; images: string };

class SqliteStore extends SqliteMailStore implements Store {
  private readonly sql;
  /** The mail this peer holds for others (the relay's port), on the same connection. */
  readonly relay: RelayStore;

  constructor(db: Database.Database) {
    super(db);
    this.relay = new SqliteRelayStore(db);
    const prepare = <P extends unknown[] = unknown[]>(source: string) => db.prepare<P>(source);
    this.sql = {
      identity: prepare("SELECT record FROM identity WHERE slot = 1").pluck(),
      insertIdentity: prepare<[string]>("INSERT INTO identity (slot, record) VALUES (1, ?) ON CONFLICT DO NOTHING"),
      replaceIdentity: prepare<[string]>("INSERT OR REPLACE INTO identity (slot, record) VALUES (1, ?)"),
      listing: prepare<[string]>("SELECT record FROM listings WHERE id = ?").pluck(),
      putListing: prepare<[string, number, number, string]>(
        "INSERT OR REPLACE INTO listings (id, updated_at, expires_at, record) VALUES (?, ?, ?, ?)",
      ),
      deleteListing: prepare<[string]>("DELETE FROM listings WHERE id = ?"),
      addChange: prepare<[string]>("INSERT INTO listing_changes (id) VALUES (?)"),
      changesAfter: prepare<[number, number]>("SELECT seq, id FROM listing_changes WHERE seq > ? ORDER BY seq LIMIT ?"),
      forgetChanges: prepare<[number]>("DELETE FROM listing_changes WHERE seq <= ?"),
      listings: prepare("SELECT record FROM listings ORDER BY updated_at DESC, id DESC").pluck(),
      // The JSON is read in SQLite, so no whole record crosses into JavaScript.
      summaries: prepare(
        `SELECT id, updated_at AS updatedAt, expires_at AS expiresAt, record ->> '$.author' AS author,
           record ->> '$.deleted' AS deleted,
           (SELECT json_group_array(value ->> '$.hash') FROM json_each(record, '$.images')) AS images
         FROM listings`,
      ),
      expired: prepare<[number]>("SELECT record FROM listings WHERE expires_at < ? ORDER BY expires_at").pluck(),
      profile: prepare<[string]>("SELECT record FROM profiles WHERE peer_id = ?").pluck(),
      putProfile: prepare<[string, number, string]>(
        "INSERT OR REPLACE INTO profiles (peer_id, updated_at, record) VALUES (?, ?, ?)",
      ),
      profiles: prepare("SELECT record FROM profiles ORDER BY updated_at DESC, peer_id").pluck(),
      deleteProfile: prepare<[string]>("DELETE FROM profiles WHERE peer_id = ?"),
      image: prepare<[string]>("SELECT type, bytes FROM images WHERE hash = ?"),
      putImage: prepare<[string, string, Uint8Array]>(
        "INSERT OR REPLACE INTO images (hash, type, bytes) VALUES (?, ?, ?)",
      ),
      deleteImage: prepare<[string]>("DELETE FROM images WHERE hash = ?"),
      imageHashes: prepare("SELECT hash FROM images ORDER BY hash").pluck(),
      meta: prepare<[string]>("SELECT value FROM meta WHERE key = ?").pluck(),
      setMeta: prepare<[string, Uint8Array]>("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)"),
      rememberPeer: prepare<[string, string]>("INSERT OR REPLACE INTO peers (id, record) VALUES (?, ?)"),
      peers: prepare("SELECT record FROM peers ORDER BY id").pluck(),
      peer: prepare<[string]>("SELECT record FROM peers WHERE id = ?").pluck(),
      forgetPeer: prepare<[string]>("DELETE FROM peers WHERE id = ?"),
      savedSearches: prepare("SELECT record FROM saved_searches ORDER BY created_at, id").pluck(),
      putSavedSearch: prepare<[string, number, string]>(
        "INSERT OR REPLACE INTO saved_searches (id, created_at, record) VALUES (?, ?, ?)",
      ),
      deleteSavedSearch: prepare<[string]>("DELETE FROM saved_searches WHERE id = ?"),
    };
  }

  async loadIdentity(): Promise<Identity | undefined> {
    const text = this.sql.identity.get() as Row<string>;
    return text === undefined ? undefined : decodeIdentity(text);
  }

  async initIdentity(candidate: Identity): Promise<Identity> {
    const encoded = await encodeIdentity(candidate);
    const inserted = this.sql.insertIdentity.run(encoded).changes === 1;
    if (inserted) return candidate;
    return decodeIdentity(this.sql.identity.get() as string);
  }

  async replaceIdentity(identity: Identity): Promise<void> {
    this.sql.replaceIdentity.run(await encodeIdentity(identity));
  }

  async getListing(id: string): Promise<Listing | undefined> {
    return this.readListing(id);
  }

  async getListings(ids: string[]): Promise<Listing[]> {
    // One read transaction: a snapshot, even with a writer in another process.
    return this.db.transaction(() => ids.flatMap((id) => this.readListing(id) ?? []))();
  }

  async putListingIf(
    listing: Listing,
    accept: (stored: Listing | undefined) => boolean,
    images: StoredImage[] = [],
  ): Promise<number | undefined> {
    const photos = await Promise.all(images.map(async (image) => ({ ...image, bytes: await blobBytes(image.blob) })));
    return this.db
      .transaction(() => {
        if (!accept(this.readListing(listing.id))) return undefined;
        const seq = this.writeListing(listing);
        for (const photo of photos) this.sql.putImage.run(photo.hash, photo.blob.type, photo.bytes);
        return seq;
      })
      .immediate();
  }

  async putListingsIf(
    listings: Listing[],
    accept: (listing: Listing, stored: Listing | undefined) => boolean,
  ): Promise<StoredListing[]> {
    if (!listings.length) return [];
    return this.db
      .transaction(() => {
        const written: StoredListing[] = [];
        for (const listing of listings) {
          // Later listings of the batch see the earlier ones' writes: same transaction.
          if (!accept(listing, this.readListing(listing.id))) continue;
          written.push({ listing, seq: this.writeListing(listing) });
        }
        return written;
      })
      .immediate();
  }

  async listListingSummaries(): Promise<ListingSummary[]> {
    return (this.sql.summaries.all() as SummaryRow[]).map((row) => ({
      ...row,
      deleted: row.deleted === 1,
      images: JSON.parse(row.images) as string[],
    }));
  }

  async listListings(): Promise<Listing[]> {
    return (this.sql.listings.all() as string[]).map(parse<Listing>);
  }

  async deleteListingIf(id: string, accept: (stored: Listing) => boolean): Promise<number | undefined> {
    return this.db
      .transaction(() => {
        const stored = this.readListing(id);
        if (!stored || !accept(stored)) return undefined;
        this.sql.deleteListing.run(id);
        return Number(this.sql.addChange.run(id).lastInsertRowid);
      })
      .immediate();
  }

  async listListingChangesAfter(seq: number, limit: number): Promise<ListingChange[]> {
    return this.sql.changesAfter.all(seq, limit) as ListingChange[];
  }

  async forgetListingChangesThrough(seq: number): Promise<void> {
    this.sql.forgetChanges.run(seq);
  }

  async listExpiredBefore(time: number): Promise<Listing[]> {
    return (this.sql.expired.all(time) as string[]).map(parse<Listing>);
  }

  async getProfile(peerId: string): Promise<Profile | undefined> {
    const text = this.sql.profile.get(peerId) as Row<string>;
    return text === undefined ? undefined : parse<Profile>(text);
  }

  async putProfileIf(profile: Profile, accept: (stored: Profile | undefined) => boolean): Promise<boolean> {
    return this.db
      .transaction(() => {
        const text = this.sql.profile.get(profile.peerId) as Row<string>;
        if (!accept(text === undefined ? undefined : parse<Profile>(text))) return false;
        this.sql.putProfile.run(profile.peerId, profile.updatedAt, JSON.stringify(profile));
        return true;
      })
      .immediate();
  }

  async listProfiles(): Promise<Profile[]> {
    return (this.sql.profiles.all() as string[]).map(parse<Profile>);
  }

  async deleteProfile(peerId: string): Promise<boolean> {
    return this.sql.deleteProfile.run(peerId).changes > 0;
  }

  async getImage(hash: string): Promise<Blob | undefined> {
    const row = this.sql.image.get(hash) as Row<{ type: string; bytes: Uint8Array<ArrayBuffer> }>;
    return row && new Blob([row.bytes], { type: row.type });
  }

  async putImage(hash: string, image: Blob): Promise<void> {
    this.sql.putImage.run(hash, image.type, await blobBytes(image));
  }

  async deleteImage(hash: string): Promise<void> {
    this.sql.deleteImage.run(hash);
  }

  async listImageHashes(): Promise<string[]> {
    return this.sql.imageHashes.all() as string[];
  }

  async getMeta<T>(key: string): Promise<T | undefined> {
    const value = this.sql.meta.get(key) as Row<Uint8Array>;
    return value === undefined ? undefined : (deserialize(value) as T);
  }

  async setMeta(key: string, value: unknown): Promise<void> {
    // v8's serializer is structured clone: what IndexedDB would keep, this keeps.
    this.sql.setMeta.run(key, serialize(value));
  }

  async rememberPeer(peer: PeerRecord): Promise<void> {
    this.sql.rememberPeer.run(peer.id, JSON.stringify(peer));
  }

  async getPeer(id: PeerId): Promise<PeerRecord | undefined> {
    const row = this.sql.peer.get(id) as string | undefined;
    return row === undefined ? undefined : parse<PeerRecord>(row);
  }

  async listPeers(): Promise<PeerRecord[]> {
    return (this.sql.peers.all() as string[]).map(parse<PeerRecord>);
  }

  async forgetPeers(ids: PeerId[]): Promise<void> {
    this.db.transaction(() => {
      for (const id of ids) this.sql.forgetPeer.run(id);
    })();
  }

  async listSavedSearches(): Promise<SavedSearchRecord[]> {
    return (this.sql.savedSearches.all() as string[]).map(parse<SavedSearchRecord>);
  }

  async putSavedSearch(search: SavedSearchRecord): Promise<void> {
    this.sql.putSavedSearch.run(search.id, search.createdAt, JSON.stringify(search));
  }

  async deleteSavedSearch(id: string): Promise<boolean> {
    return this.sql.deleteSavedSearch.run(id).changes === 1;
  }

  close(): void {
    // The last connection to close checkpoints the WAL into the database file.
    if (this.db.open) this.db.close();
  }

  private readListing(id: string): Listing | undefined {
    const text = this.sql.listing.get(id) as Row<string>;
    return text === undefined ? undefined : parse<Listing>(text);
  }

  /** Writes `listing` and its change; returns the change's number. */
  private writeListing(listing: Listing): number {
    this.sql.putListing.run(listing.id, listing.updatedAt, listing.expiresAt, JSON.stringify(listing));
    return Number(this.sql.addChange.run(listing.id).lastInsertRowid);
  }
}

async function blobBytes(blob: Blob): Promise<Uint8Array> {
  return new Uint8Array(await blob.arrayBuffer());
}
