// What a crash leaves: a child process writing batches of listings to a SQLite store (one
// putListingsIf each, sqlite-crash-writer.ts) is killed with SIGKILL, once for certain in the
// middle of a batch's transaction and once at a random moment of a long run of batches. The
// database must open, pass SQLite's integrity check, and hold whole batches only, each record
// valid and its indexed columns matching it; no batch the child saw committed may be missing.

import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import * as v from "valibot";
import { afterEach, describe, expect, it } from "vitest";
import { ListingSchema, verifyListing } from "../../src/core/listings/records.ts";
import { openSqliteStore } from "../../src/node/sqlite-store.ts";

const WRITER = fileURLToPath(new URL("./sqlite-crash-writer.ts", import.meta.url));
const HOOKS = new URL("../../bin/ts-hooks.js", import.meta.url).href;
const REGISTER = `data:text/javascript,import{register}from"node:module";register(${JSON.stringify(HOOKS)});`;

interface Run {
  /** Batches the child said were committed before it died. */
  committed: number[];
  signal: NodeJS.Signals | null;
}

/** Runs the writer and SIGKILLs it when `killWhen` says so for a line it printed. */
function runWriter(args: (string | number)[], killWhen: (line: string) => boolean | Promise<boolean>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", REGISTER, WRITER, ...args.map(String)], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    const committed: number[] = [];
    let errors = "";
    let pending = "";
    child.stderr.on("data", (chunk: Buffer) => {
      errors += chunk.toString();
    });
    child.stdout.on("data", (chunk: Buffer) => {
      pending += chunk.toString();
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) {
        const done = /^committed (\d+)$/.exec(line);
        if (done) committed.push(Number(done[1]));
        void Promise.resolve(killWhen(line)).then((kill) => kill && child.kill("SIGKILL"));
      }
    });
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      if (signal === "SIGKILL") resolve({ committed, signal });
      else reject(new Error(`the writer exited by itself (code ${code}, signal ${signal}): ${errors}`));
    });
  });
}

/** Opens what the crash left and checks it; returns how many listings each batch has. */
async function inspect(file: string, batchSize: number): Promise<Map<number, number>> {
  const db = new Database(file);
  const perBatch = new Map<number, number>();
  try {
    expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
    expect(db.pragma("foreign_key_check")).toEqual([]);
    const rows = db.prepare("SELECT id, updated_at, expires_at, record FROM listings").all() as {
      id: string;
      updated_at: number;
      expires_at: number;
      record: string;
    }[];
    for (const [index, row] of rows.entries()) {
      const parsed = v.safeParse(ListingSchema, JSON.parse(row.record));
      expect(parsed.success, `record ${row.id} is a valid listing`).toBe(true);
      if (!parsed.success) continue;
      const listing = parsed.output;
      expect([listing.id, listing.updatedAt, listing.expiresAt]).toEqual([row.id, row.updated_at, row.expires_at]);
      // Signatures too, on a sample: a torn record would not verify.
      if (index % 97 === 0) expect(await verifyListing(listing, listing.updatedAt)).toEqual({ ok: true, listing });
      const batch = Number(/^batch (\d+) item \d+$/.exec(listing.title)?.[1]);
      perBatch.set(batch, (perBatch.get(batch) ?? 0) + 1);
    }
  } finally {
    db.close();
  }
  for (const [batch, count] of perBatch) expect(count, `listings of batch ${batch}`).toBe(batchSize);
  // Batches commit in order: what survives is batches 0..n-1.
  expect([...perBatch.keys()].sort((a, b) => a - b)).toEqual([...perBatch.keys()].map((_, i) => i));
  // And the store itself opens it and reads it.
  const store = await openSqliteStore(file);
  try {
    expect(await store.listListings()).toHaveLength(perBatch.size * batchSize);
  } finally {
    store.close();
  }
  return perBatch;
}

describe("SQLite store killed while writing", () => {
  const dirs: string[] = [];
  afterEach(async () => {
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });
  async function databaseFile(): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), "peerboard-crash-"));
    dirs.push(dir);
    return join(dir, "peer.db");
  }

  it("SIGKILL halfway through a batch's transaction leaves the batches before it and nothing of it", async () => {
    const file = await databaseFile();
    // 2,000 records of ~3 KB: half a batch is more than SQLite's 2 MB page cache, so pages of
    // the unfinished transaction have been spilled into the WAL when the kill comes.
    const batchSize = 2000;
    const run = await runWriter([file, batchSize, 3, 2], (line) => line === "stalled");
    expect(run.committed).toEqual([0, 1]);
    const perBatch = await inspect(file, batchSize);
    expect([...perBatch.keys()].sort()).toEqual([0, 1]);
  }, 60_000);

  it("SIGKILL at a random moment of a long run of batches leaves whole batches, every committed one among them", async () => {
    const file = await databaseFile();
    const batchSize = 1000;
    const delay = Math.floor(Math.random() * 40);
    const run = await runWriter([file, batchSize, 12, -1], async (line) => {
      if (line === "done") return true;
      if (line !== "committed 3") return false;
      await new Promise((resolve) => setTimeout(resolve, delay));
      return true;
    });
    const perBatch = await inspect(file, batchSize);
    // A batch the child saw committed survives the kill (it is in the WAL; only a power cut
    // could take it with synchronous=NORMAL); the one in flight is there whole or not at all.
    expect(perBatch.size, `killed ${delay} ms after batch 3`).toBeGreaterThanOrEqual(Math.max(...run.committed) + 1);
  }, 60_000);
});
