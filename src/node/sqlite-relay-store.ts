// The RelayStore on SQLite: the mail the always-on peer holds for absent recipients, one row per
// held frame, written before the relay confirms it holds it (RELAY_HELD), so a crash after the
// confirmation loses nothing. Shares the store's database connection (sqlite-store.ts).

import type Database from "better-sqlite3";
import type { PeerId } from "../core/crypto.ts";
import type { HeldMail, RelayStore } from "../core/mail/relay-store.ts";

export class SqliteRelayStore implements RelayStore {
  private readonly sql;

  constructor(private readonly db: Database.Database) {
    this.sql = {
      held: db.prepare("SELECT record FROM relay_held ORDER BY rowid").pluck(),
      putHeld: db.prepare<[string, number, string]>(
        "INSERT INTO relay_held (slot, until, record) VALUES (?, ?, ?) " +
          "ON CONFLICT (slot) DO UPDATE SET until = excluded.until, record = excluded.record",
      ),
      deleteHeld: db.prepare<[string]>("DELETE FROM relay_held WHERE slot = ?"),
      // rowid is the order of insertion (a new row takes the largest rowid + 1), which
      // listRelayAuthors promises; ordered by id, a restart turned the relay's oldest-first
      // forgetting into alphabetical.
      authors: db.prepare("SELECT peer_id FROM relay_authors ORDER BY rowid").pluck(),
      addAuthor: db.prepare<[string]>("INSERT INTO relay_authors (peer_id) VALUES (?) ON CONFLICT DO NOTHING"),
      forgetAuthor: db.prepare<[string]>("DELETE FROM relay_authors WHERE peer_id = ?"),
    };
  }

  async listHeld(): Promise<HeldMail[]> {
    return (this.sql.held.all() as string[]).map((text) => JSON.parse(text) as HeldMail);
  }

  async putHeld(mail: HeldMail): Promise<void> {
    this.sql.putHeld.run(mail.slot, mail.until, JSON.stringify(mail));
  }

  async deleteHeld(slots: string[]): Promise<void> {
    this.db.transaction(() => {
      for (const slot of slots) this.sql.deleteHeld.run(slot);
    })();
  }

  async listRelayAuthors(): Promise<PeerId[]> {
    return this.sql.authors.all() as PeerId[];
  }

  async addRelayAuthor(author: PeerId): Promise<void> {
    this.sql.addAuthor.run(author);
  }

  async forgetRelayAuthors(authors: PeerId[]): Promise<void> {
    this.db.transaction(() => {
      for (const author of authors) this.sql.forgetAuthor.run(author);
    })();
  }
}
