import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { build } from "vite";
import { afterAll, beforeAll, it } from "vitest";
import { startServer } from "../server/server.js";
import type { WebRtcImplementation } from "../src/node/webrtc.ts";
import { report } from "./stats.ts";

// The two Node WebRTC implementations for the always-on peer (src/node/webrtc.ts), measured with
// PeerJS at a real PeerServer on loopback. Each measurement runs in a fresh `node` process, so one
// library's native threads and exit path never meet the other's; the child is
// bench/node-webrtc-child.ts, bundled once with Vite because Node 20 cannot run TypeScript.

const IMPLEMENTATIONS: WebRtcImplementation[] = ["node-datachannel", "wrtc"];
const CONNECT_ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10);
const TRANSFER_RUNS = 3;
const HUB_CONNECTIONS = 30;
const HUB_RUNS = Number(process.env.BENCH_HUB_RUNS ?? 3);
const SHUTDOWN_RUNS = 5;
/** A process must exit by itself this soon after it reports its peers destroyed. */
const EXIT_LIMIT_MS = 5_000;
/** No child may run longer than this (it has a watchdog of its own, too). */
const CHILD_LIMIT_MS = 120_000;

const root = resolve(import.meta.dirname, "..");
// Inside the repository so the bundle's bare imports (peerjs, ws, the WebRTC packages) resolve.
const outDir = join(root, "node_modules", ".cache", "node-webrtc-bench");
const childScript = join(outDir, "child.mjs");
let server: Awaited<ReturnType<typeof startServer>>;
let dist: string;

beforeAll(async () => {
  await build({
    configFile: false,
    logLevel: "warn",
    root,
    publicDir: false,
    build: {
      ssr: join(root, "bench", "node-webrtc-child.ts"),
      outDir,
      emptyOutDir: true,
      target: "node20",
      minify: false,
      rollupOptions: { output: { format: "es", entryFileNames: "child.mjs" } },
    },
  });
  // PeerServer is all we need; the server insists on an app to serve, so give it a stub.
  dist = mkdtempSync(join(tmpdir(), "peerboard-bench-dist-"));
  mkdirSync(dist, { recursive: true });
  writeFileSync(join(dist, "index.html"), "<!doctype html><title>bench</title>");
  // The children register made-up ids with plain tokens: proofs are measured in signaling.bench.ts.
  server = await startServer({ port: 0, host: "127.0.0.1", dist, requireProof: false });
});

afterAll(async () => {
  await server?.close();
  if (dist) rmSync(dist, { recursive: true, force: true });
});

type Result = Record<string, unknown> & { event: string };

interface ChildRun {
  results: Result[];
  code: number | null;
  signal: NodeJS.Signals | null;
  /** From "shutdown-done" to the process's exit; undefined if it never got that far. */
  exitMs: number | undefined;
  /** It had not exited EXIT_LIMIT_MS after "shutdown-done" and was killed. */
  hung: boolean;
  stderrTail: string;
}

interface Child {
  process: ChildProcess;
  /** Resolves with the first result of this kind (or undefined if the child ends first). */
  next(event: string): Promise<Result | undefined>;
  done: Promise<ChildRun>;
}

function startChild(implementation: WebRtcImplementation, scenario: string, ...args: string[]): Child {
  const child = spawn(
    process.execPath,
    ["--expose-gc", childScript, implementation, scenario, String(server.port), ...args],
    {
      stdio: ["pipe", "pipe", "pipe"],
    },
  );
  const results: Result[] = [];
  const waiters: { event: string; resolve: (r: Result | undefined) => void }[] = [];
  let stderr = "";
  let shutdownAt: number | undefined;
  let hung = false;
  let exitTimer: ReturnType<typeof setTimeout> | undefined;
  const limit = setTimeout(() => child.kill("SIGKILL"), CHILD_LIMIT_MS);
  let buffered = "";
  child.stdout.setEncoding("utf8");
  child.stdout.on("data", (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split("\n");
    buffered = lines.pop() ?? "";
    for (const line of lines) {
      if (!line.startsWith("BENCH ")) continue;
      const result = JSON.parse(line.slice(6)) as Result;
      results.push(result);
      if (result.event === "shutdown-done") {
        shutdownAt = performance.now();
        exitTimer = setTimeout(() => {
          hung = true;
          child.kill("SIGKILL");
        }, EXIT_LIMIT_MS);
      }
      for (const waiter of waiters.filter((w) => w.event === result.event)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(result);
      }
    }
  });
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (chunk: string) => {
    stderr = (stderr + chunk).slice(-2_000);
  });
  const done = new Promise<ChildRun>((resolveDone) => {
    child.on("exit", (code, signal) => {
      const exitedAt = performance.now();
      clearTimeout(limit);
      clearTimeout(exitTimer);
      for (const waiter of waiters.splice(0)) waiter.resolve(undefined);
      resolveDone({
        results,
        code,
        signal,
        exitMs: shutdownAt === undefined ? undefined : exitedAt - shutdownAt,
        hung,
        stderrTail: stderr.trim().split("\n").slice(-3).join(" | "),
      });
    });
  });
  return {
    process: child,
    next: (event) => {
      const seen = results.find((r) => r.event === event);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolveNext) => waiters.push({ event, resolve: resolveNext }));
    },
    done,
  };
}

function runChild(implementation: WebRtcImplementation, scenario: string, ...args: string[]): Promise<ChildRun> {
  return startChild(implementation, scenario, ...args).done;
}

const numbers = (results: Result[], event: string, key: string) =>
  results.filter((r) => r.event === event).map((r) => Number(r[key]));

function describeExit(run: ChildRun): string {
  if (run.hung) return `hung (killed ${EXIT_LIMIT_MS / 1000} s after shutdown)`;
  if (run.signal) return `killed by ${run.signal}`;
  if (run.code !== 0) return `exit code ${run.code}: ${run.stderrTail}`;
  return `exit 0 after ${Math.round(run.exitMs ?? Number.NaN)} ms`;
}

it("node-datachannel and @roamhq/wrtc under PeerJS: connect, 10,000 records, memory, 30 peers, shutdown", async () => {
  const exits: Record<string, string[]> = {};
  const exitTimes: Record<string, number[]> = {};
  const noteExit = (implementation: string, scenario: string, run: ChildRun) => {
    const key = `${implementation} — ${scenario}`;
    exits[key] = [...(exits[key] ?? []), describeExit(run)];
    if (!run.hung && run.code === 0 && run.exitMs !== undefined)
      exitTimes[key] = [...(exitTimes[key] ?? []), run.exitMs];
  };

  // (a) Register two peers and open a channel, CONNECT_ROUNDS times in one process each.
  for (const implementation of IMPLEMENTATIONS) {
    const run = await runChild(implementation, "connect", String(CONNECT_ROUNDS));
    report(`Connect, ${implementation} (two Node peers, loopback PeerServer)`, {
      "register both peers": numbers(run.results, "connect", "registerMs"),
      "dial → channel open on both ends": numbers(run.results, "connect", "openMs"),
      "total: new Peer → channel open": numbers(run.results, "connect", "totalMs"),
      "first frame after open": numbers(run.results, "connect", "firstFrameMs"),
    });
    noteExit(implementation, "after connects", run);
  }

  // (b, c) 10,000 listing-sized records, 100 a frame, binary serialization; memory after.
  for (const implementation of IMPLEMENTATIONS) {
    const run = await runChild(implementation, "transfer", String(TRANSFER_RUNS));
    noteExit(implementation, "after transfer", run);
    report(`10,000 records over one channel, ${implementation}`, {
      "transfer time": numbers(run.results, "transfer", "ms"),
    });
    report(
      `10,000 records, throughput, ${implementation}`,
      { "MB/s": numbers(run.results, "transfer", "mbPerS") },
      "MB/s",
    );
    const memory = run.results.find((r) => r.event === "memory");
    console.log(`memory ${implementation}: ${JSON.stringify(memory)}`);
  }

  // (c) One process holds one Peer with HUB_CONNECTIONS channels to peers in another process.
  for (let round = 0; round < HUB_RUNS; round++) {
    for (const implementation of IMPLEMENTATIONS) {
      const hubId = `bench-hub-${implementation}-${round}-${process.pid}`;
      const hub = startChild(implementation, "hub", hubId);
      const ready = await hub.next("ready");
      const clients = startChild(implementation, "clients", hubId, String(HUB_CONNECTIONS));
      const open = await clients.next("clients-open");
      // Let the hub see the last echoes before it reads its memory.
      await new Promise((r) => setTimeout(r, 500));
      hub.process.stdin?.write("shutdown\n");
      clients.process.stdin?.write("shutdown\n");
      const [hubRun, clientsRun] = await Promise.all([hub.done, clients.done]);
      noteExit(implementation, `hub with ${HUB_CONNECTIONS} channels`, hubRun);
      noteExit(implementation, `${HUB_CONNECTIONS} client peers`, clientsRun);
      const hubMemory = hubRun.results.find((r) => r.event === "hub-memory");
      console.log(
        `${HUB_CONNECTIONS} peers, ${implementation}, run ${round + 1}: ` +
          JSON.stringify({
            opened: open?.opened,
            allOpenMs: open?.allOpenMs,
            clientErrors: open?.errors,
            hubBaseline: ready?.baseline,
            hubAtOpen: hubMemory,
            clientsProcess: open?.memory,
            clientsExit: describeExit(clientsRun),
          }),
      );
    }
  }

  // (d) Close every channel, destroy the peers, and the process must leave by itself.
  for (let run = 0; run < SHUTDOWN_RUNS; run++) {
    for (const implementation of IMPLEMENTATIONS) {
      noteExit(implementation, "clean shutdown", await runChild(implementation, "shutdown"));
      noteExit(implementation, "process.exit() with channels open", await runChild(implementation, "abrupt"));
    }
  }
  console.log("\nExits (each run):");
  for (const [key, outcomes] of Object.entries(exits)) console.log(`- ${key}: ${outcomes.join("; ")}`);
  report("Shutdown-done → process exit (runs that exited cleanly)", exitTimes);
});
