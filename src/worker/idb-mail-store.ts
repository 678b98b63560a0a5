// The MailStore half of the IndexedDB store (idb-store.ts): deals, chat messages, the outbox and
// the message ids already seen, each change with its outbox entry in one transaction.

import type { IDBPDatabase } from "idb";
import type { ChatRecord, DealRecord, MailStore, OutboxEntry } from "../core/mail/mail-store.ts";
import type { PeerboardDB } from "./idb-schema.ts";

export class IdbMailStore implements MailStore {
  constructor(protected readonly db: IDBPDatabase<PeerboardDB>) {}

  getDeal(id: string): Promise<DealRecord | undefined> {
    return this.db.get("deals", id);
  }

  async updateDeal(
    id: string,
    change: (stored: DealRecord | undefined) => DealRecord | undefined,
    outgoing?: OutboxEntry,
  ): Promise<DealRecord | undefined> {
    const tx = this.db.transaction(["deals", "outbox"], "readwrite");
    const deals = tx.objectStore("deals");
    let next: DealRecord | undefined;
    try {
      next = change(await deals.get(id));
    } catch (error) {
      tx.abort();
      // The abort rejects `done`; the caller hears about `error`, which caused it.
      await tx.done.catch(() => undefined);
      throw error;
    }
    if (next) {
      await deals.put(next);
      if (outgoing) await tx.objectStore("outbox").put(outgoing);
    }
    await tx.done;
    return next;
  }

  async listDeals(): Promise<DealRecord[]> {
    return (await this.db.getAllFromIndex("deals", "byUpdatedAt")).reverse();
  }

  getMessage(author: string, id: string): Promise<ChatRecord | undefined> {
    return this.db.get("messages", [author, id]);
  }

  async putMessage(message: ChatRecord, outgoing?: OutboxEntry): Promise<void> {
    const tx = this.db.transaction(["messages", "outbox"], "readwrite");
    await tx.objectStore("messages").put(message);
    if (outgoing) await tx.objectStore("outbox").put(outgoing);
    await tx.done;
  }

  listMessages(): Promise<ChatRecord[]> {
    return this.db.getAllFromIndex("messages", "byCreatedAt");
  }

  async enqueue(entry: OutboxEntry): Promise<void> {
    await this.db.put("outbox", entry);
  }

  listOutbox(): Promise<OutboxEntry[]> {
    return this.db.getAll("outbox");
  }

  async dequeue(msgId: string): Promise<OutboxEntry | undefined> {
    const tx = this.db.transaction("outbox", "readwrite");
    const entry = await tx.store.get(msgId);
    if (entry) await tx.store.delete(msgId);
    await tx.done;
    return entry;
  }

  async wasSeen(author: string, msgId: string): Promise<boolean> {
    // An id seen before version 5 has no author: it still counts as seen.
    const tx = this.db.transaction("seen");
    const found = (await tx.store.get([author, msgId])) ?? (await tx.store.get(msgId));
    await tx.done;
    return found !== undefined;
  }

  async markSeen(author: string, msgId: string): Promise<void> {
    await this.db.put("seen", Date.now(), [author, msgId]);
  }

  async forgetSeenBefore(time: number): Promise<void> {
    const tx = this.db.transaction("seen", "readwrite");
    // No index on the time: this runs once an hour over a set that this keeps small.
    for (let cursor = await tx.store.openCursor(); cursor; cursor = await cursor.continue())
      if (cursor.value < time) await cursor.delete();
    await tx.done;
  }

  async forgetSeenBeyond(count: number): Promise<void> {
    const tx = this.db.transaction("seen", "readwrite");
    const excess = (await tx.store.count()) - count;
    if (excess > 0) {
      // No index on the time (the values are the times): read them all once; this runs once per
      // many marks (inbox.ts), over a set that it keeps bounded.
      const [keys, times] = await Promise.all([tx.store.getAllKeys(), tx.store.getAll()]);
      const oldest = keys
        .map((key, i) => ({ key, time: times[i] ?? 0 }))
        .sort((a, b) => a.time - b.time)
        .slice(0, excess);
      await Promise.all(oldest.map(({ key }) => tx.store.delete(key)));
    }
    await tx.done;
  }
}
