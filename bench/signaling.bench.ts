// One server process's signaling capacity: 2,000 then 10,000 `ws` clients registered with p1
// proofs (requireProof on, per-address caps raised since all come from 127.0.0.1), each keeping
// PeerJS's 5 s heartbeat and sending an OFFER and four CANDIDATEs to a partner, which PeerServer
// relays. Measured: the server's RSS and CPU time, registration time and relay latency.
// The server and the clients are child processes (bench/signaling-load.js) started under
// `ulimit -n <hard limit>`: each socket is a file descriptor on both sides.

import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import { summarize } from "./stats.ts";

const SIZES = (process.env.BENCH_SIGNALING_SIZES ?? "2000,10000").split(",").map(Number);
const CLIENT_PROCESSES = 2;
const MESSAGES_PER_CLIENT = 5;
const EXCHANGE_WINDOW_MS = 10_000;
const load = fileURLToPath(new URL("./signaling-load.js", import.meta.url));

interface Stats {
  rss: number;
  cpu: { user: number; system: number };
  /** The server's event-loop delay since the previous stats, ms. */
  lag: { p99: number; max: number };
}

interface Child {
  process: ChildProcess;
  ask<T>(message: object): Promise<T>;
}

function start(role: "server" | "clients"): Promise<{ child: Child; first: unknown }> {
  // `ulimit -n` only raises the soft limit up to the hard one; say so when that is too low.
  const child = spawn("sh", ["-c", `ulimit -n "$(ulimit -Hn)" && exec "${process.execPath}" "${load}" ${role}`], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const queue: ((message: unknown) => void)[] = [];
  child.on("message", (message) => queue.shift()?.(message));
  const next = <T>() => new Promise<T>((resolve) => queue.push(resolve as (message: unknown) => void));
  const wrapped: Child = {
    process: child,
    ask: <T>(message: object) => {
      const answer = next<T>();
      child.send(message);
      return answer;
    },
  };
  return role === "server"
    ? next().then((first) => ({ child: wrapped, first }))
    : Promise.resolve({ child: wrapped, first: null });
}

const cpuMs = (cpu: { user: number; system: number }) => (cpu.user + cpu.system) / 1000;

it("signaling capacity of one server process", { timeout: 900_000 }, async () => {
  const rows: string[] = [];
  for (const size of SIZES) {
    const { child: server, first } = await start("server");
    const { url } = first as { url: string };
    const idle = await server.ask<Stats>({ cmd: "stats" });
    const clients = await Promise.all(Array.from({ length: CLIENT_PROCESSES }, () => start("clients")));
    const share = Math.ceil(size / CLIENT_PROCESSES / 2) * 2;
    const connected = await Promise.all(
      clients.map(({ child }) =>
        child.ask<{ connected: number; ms: number }>({ cmd: "connect", url, count: share, concurrency: 100 }),
      ),
    );
    const total = connected.reduce((sum, c) => sum + c.connected, 0);
    expect(total).toBe(share * CLIENT_PROCESSES);
    const registered = await server.ask<Stats>({ cmd: "stats" });
    const exchanged = await Promise.all(
      clients.map(({ child }) =>
        child.ask<{ latencies: number[] }>({
          cmd: "exchange",
          windowMs: EXCHANGE_WINDOW_MS,
          perClient: MESSAGES_PER_CLIENT,
        }),
      ),
    );
    const after = await server.ask<Stats>({ cmd: "stats" });
    const latencies = exchanged.flatMap((e) => e.latencies);
    expect(latencies.length).toBe(total * MESSAGES_PER_CLIENT);
    const sorted = [...latencies].sort((a, b) => a - b);
    const p99 = sorted[Math.ceil(0.99 * sorted.length) - 1] ?? Number.NaN;
    const s = summarize(latencies);
    const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);
    rows.push(
      `| ${total} | ${(Math.max(...connected.map((c) => c.ms)) / 1000).toFixed(1)} s | ` +
        `${mb(idle.rss)} → ${mb(registered.rss)} → ${mb(after.rss)} MB | ` +
        `${((registered.rss - idle.rss) / total / 1024).toFixed(1)} KB | ` +
        `${(cpuMs(registered.cpu) - cpuMs(idle.cpu)).toFixed(0)} ms | ` +
        `${Math.round((total * MESSAGES_PER_CLIENT) / (EXCHANGE_WINDOW_MS / 1000))}/s, ${(cpuMs(after.cpu) - cpuMs(registered.cpu)).toFixed(0)} ms | ` +
        `${s.median.toFixed(1)} / ${p99.toFixed(1)} / ${s.max.toFixed(0)} ms | ` +
        `${after.lag.p99.toFixed(0)} / ${after.lag.max.toFixed(0)} ms |`,
    );
    await Promise.all(clients.map(({ child }) => child.ask({ cmd: "close" })));
    server.process.kill("SIGTERM");
  }
  console.log(
    [
      "\nSignaling capacity (one server process, requireProof on, clients on loopback)",
      "| clients | registration (all) | server RSS idle → registered → after relay | RSS per client | server CPU for registrations | relay rate, server CPU over 10 s | relay latency median / p99 / max | server event-loop delay during relay p99 / max |",
      "| --- | --- | --- | --- | --- | --- | --- | --- |",
      ...rows,
    ].join("\n"),
  );
});
