// The always-on peer as its operator runs it: `node bin/peerboard-peer.js` (what `npm run peer`
// runs) as a child process, with its log lines collected, and its store read from outside
// through a read-only SQLite connection, the way an operator would look at it.

import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { closeWhenTestEnds } from "./test-end.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

export interface PeerProcess {
  child: ChildProcess;
  lines: string[];
  /** Resolves with the first log line (past or future) that matches. */
  line(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Sends `signal` and resolves with the exit code and how long it took to exit. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; ms: number }>;
  peerId(): Promise<string>;
}

/** The peer process on `server`, keeping its store in `data`; killed when the test ends. */
export function startPeerProcess(server: string, data: string, extra: string[] = []): PeerProcess {
  const child = spawn(process.execPath, ["bin/peerboard-peer.js", "--server", server, "--data", data, ...extra], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  const collect = (chunk: Buffer) => {
    for (const text of chunk.toString().split("\n")) if (text) lines.push(text);
    for (const fn of waiters) fn();
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const line = (pattern: RegExp, timeoutMs = 30_000) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        const found = lines.find((l) => pattern.test(l));
        if (!found) return;
        waiters.delete(check);
        clearTimeout(timer);
        resolve(found);
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`no log line like ${pattern} within ${timeoutMs} ms:\n${lines.join("\n")}`));
      }, timeoutMs);
      waiters.add(check);
      check();
    });
  const peer: PeerProcess = {
    child,
    lines,
    line,
    async stop(signal = "SIGTERM") {
      const started = Date.now();
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const code = await exited;
      return { code, ms: Date.now() - started };
    },
    async peerId() {
      const found = await line(/ peer pb-\S+ /);
      return /peer (pb-\S+)/.exec(found)?.[1] ?? "";
    },
  };
  // Killed, not asked: a test that wants the peer's own shutdown stops it itself first.
  return closeWhenTestEnds(peer, (p) => p.stop("SIGKILL"));
}

/** What the peer's store holds, read beside the running peer (WAL allows a reader). */
export function storedCounts(file: string): { listings: number; profiles: number; held: number } {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const count = (table: string) =>
      (db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number | undefined) ?? 0;
    const hasHeld = db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'relay_held'").pluck().get() !== undefined;
    return { listings: count("listings"), profiles: count("profiles"), held: hasHeld ? count("relay_held") : 0 };
  } finally {
    db.close();
  }
}

/** Receipts the peer holds for their authors, by status ("sealed" when only the author can read it). */
export function heldReceipts(file: string): string[] {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare("SELECT record FROM relay_held ORDER BY rowid").pluck().all() as string[];
    return rows.flatMap((text) => {
      const mail = (JSON.parse(text) as { frame: { mail: { type: string; ack?: { status?: string } } } }).frame.mail;
      // A receipt's status is sealed to the message's author: the peer holding it cannot read it.
      return mail.type === "ACK" && mail.ack ? [mail.ack.status ?? "sealed"] : [];
    });
  } finally {
    db.close();
  }
}
