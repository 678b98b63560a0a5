// The deals, chat, outbox and seen-ids half of the SQLite store (MailStore), on the connection
// the whole store shares; sqlite-store.ts adds listings, profiles, images, meta and peers.

import type Database from "better-sqlite3";
import type { ChatRecord, DealRecord, MailStore, OutboxEntry } from "../core/mail/mail-store.ts";

const parse = <T>(text: string): T => JSON.parse(text) as T;
type Row<T> = T | undefined;

export class SqliteMailStore implements MailStore {
  private readonly mailSql;

  constructor(protected readonly db: Database.Database) {
    const prepare = <P extends unknown[] = unknown[]>(source: string) => db.prepare<P>(source);
    this.mailSql = {
      deal: prepare<[string]>("SELECT record FROM deals WHERE id = ?").pluck(),
      putDeal: prepare<[string, number, string]>(
        "INSERT OR REPLACE INTO deals (id, updated_at, record) VALUES (?, ?, ?)",
      ),
      deals: prepare("SELECT record FROM deals ORDER BY updated_at DESC, id DESC").pluck(),
      message: prepare<[string, string]>("SELECT record FROM messages WHERE author = ? AND id = ?").pluck(),
      putMessage: prepare<[string, string, number, string]>(
        "INSERT OR REPLACE INTO messages (author, id, created_at, record) VALUES (?, ?, ?, ?)",
      ),
      messages: prepare("SELECT record FROM messages ORDER BY created_at, id").pluck(),
      enqueue: prepare<[string, number, string]>(
        "INSERT OR REPLACE INTO outbox (msg_id, created_at, record) VALUES (?, ?, ?)",
      ),
      outbox: prepare("SELECT record FROM outbox ORDER BY msg_id").pluck(),
      outboxEntry: prepare<[string]>("SELECT record FROM outbox WHERE msg_id = ?").pluck(),
      dequeue: prepare<[string]>("DELETE FROM outbox WHERE msg_id = ?"),
      // Author '' is an id seen before schema 2, which did not keep authors.
      seen: prepare<[string, string]>("SELECT 1 FROM seen WHERE author IN (?, '') AND msg_id = ?").pluck(),
      markSeen: prepare<[string, string, number]>(
        "INSERT INTO seen (author, msg_id, seen_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
      ),
      forgetSeen: prepare<[number]>("DELETE FROM seen WHERE seen_at < ?"),
      forgetSeenBeyond: prepare<[number]>(
        "DELETE FROM seen WHERE rowid IN (SELECT rowid FROM seen ORDER BY seen_at, rowid LIMIT max(0, (SELECT count(*) FROM seen) - ?))",
      ),
    };
  }

  async getDeal(id: string): Promise<DealRecord | undefined> {
    return this.readDeal(id);
  }

  async updateDeal(
    id: string,
    change: (stored: DealRecord | undefined) => DealRecord | undefined,
    outgoing?: OutboxEntry,
  ): Promise<DealRecord | undefined> {
    return this.db
      .transaction(() => {
        // `change` throwing rolls the transaction back: no step without its outbox entry.
        const next = change(this.readDeal(id));
        if (next) {
          this.mailSql.putDeal.run(id, next.updatedAt, JSON.stringify(next));
          if (outgoing) this.writeOutbox(outgoing);
        }
        return next;
      })
      .immediate();
  }

  async listDeals(): Promise<DealRecord[]> {
    return (this.mailSql.deals.all() as string[]).map(parse<DealRecord>);
  }

  async getMessage(author: string, id: string): Promise<ChatRecord | undefined> {
    const text = this.mailSql.message.get(author, id) as Row<string>;
    return text === undefined ? undefined : parse<ChatRecord>(text);
  }

  async putMessage(message: ChatRecord, outgoing?: OutboxEntry): Promise<void> {
    this.db
      .transaction(() => {
        this.mailSql.putMessage.run(message.author, message.id, message.createdAt, JSON.stringify(message));
        if (outgoing) this.writeOutbox(outgoing);
      })
      .immediate();
  }

  async listMessages(): Promise<ChatRecord[]> {
    return (this.mailSql.messages.all() as string[]).map(parse<ChatRecord>);
  }

  async enqueue(entry: OutboxEntry): Promise<void> {
    this.writeOutbox(entry);
  }

  async listOutbox(): Promise<OutboxEntry[]> {
    return (this.mailSql.outbox.all() as string[]).map(parse<OutboxEntry>);
  }

  async dequeue(msgId: string): Promise<OutboxEntry | undefined> {
    return this.db
      .transaction(() => {
        const text = this.mailSql.outboxEntry.get(msgId) as Row<string>;
        if (text === undefined) return undefined;
        this.mailSql.dequeue.run(msgId);
        return parse<OutboxEntry>(text);
      })
      .immediate();
  }

  async wasSeen(author: string, msgId: string): Promise<boolean> {
    return this.mailSql.seen.get(author, msgId) !== undefined;
  }

  async markSeen(author: string, msgId: string): Promise<void> {
    this.mailSql.markSeen.run(author, msgId, Date.now());
  }

  async forgetSeenBefore(time: number): Promise<void> {
    this.mailSql.forgetSeen.run(time);
  }

  async forgetSeenBeyond(count: number): Promise<void> {
    this.mailSql.forgetSeenBeyond.run(count);
  }

  private readDeal(id: string): DealRecord | undefined {
    const text = this.mailSql.deal.get(id) as Row<string>;
    return text === undefined ? undefined : parse<DealRecord>(text);
  }

  private writeOutbox(entry: OutboxEntry): void {
    this.mailSql.enqueue.run(entry.msgId, entry.createdAt, JSON.stringify(entry));
  }
}
