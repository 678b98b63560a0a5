// One always-on peer (the real `npm run peer` process) holding the --demo board, and many Node
// peers over real WebRTC (@roamhq/wrtc) joining at once through the local server: the time until
// every newcomer holds the whole board, and the always-on peer's CPU and RSS meanwhile.
// Run: npx vitest run --config bench/vitest.config.ts bench/always-on.bench.ts
//   BENCH_JOINERS (30), BENCH_LISTINGS (10000), BENCH_PROCESSES (2), BENCH_LIMIT_MS (240000)

import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import { startTestServer } from "../tests/e2e/harness.ts";
import { startPeerProcess } from "../tests/e2e/peer-process.ts";

const JOINERS = Number(process.env.BENCH_JOINERS ?? 30);
const LISTINGS = Number(process.env.BENCH_LISTINGS ?? 10_000);
const PROCESSES = Number(process.env.BENCH_PROCESSES ?? 2);
const LIMIT_MS = Number(process.env.BENCH_LIMIT_MS ?? 240_000);
const ROOT = fileURLToPath(new URL("..", import.meta.url));
const HOOKS = new URL("../bin/ts-hooks.js", import.meta.url).href;
const REGISTER = `data:text/javascript,import{register}from"node:module";register(${JSON.stringify(HOOKS)});`;

/** CPU seconds (user + system) and RSS in MB of a process, from /proc. */
function usage(pid: number): { cpu: number; rss: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const cpu = (Number(fields[11]) + Number(fields[12])) / 100;
  const rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) / 1024;
  return { cpu, rss };
}

interface Report {
  t: "done" | "timeout" | "end";
  index?: number;
  ms?: number;
  held?: number;
  warnings?: [string, number][];
}

function joiners(server: string, count: number): Promise<Report[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--import", REGISTER, "bench/always-on-joiner.ts", server, String(count), String(LISTINGS), String(LIMIT_MS)],
      { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] },
    );
    const reports: Report[] = [];
    let rest = "";
    child.stdout.on("data", (chunk: Buffer) => {
      const lines = (rest + chunk.toString()).split("\n");
      rest = lines.pop() ?? "";
      for (const line of lines) if (line.startsWith("{")) reports.push(JSON.parse(line) as Report);
    });
    child.on("error", reject);
    child.on("exit", () => resolve(reports));
  });
}

it(`${JOINERS} Node peers join an always-on peer holding ${LISTINGS} listings at once`, async () => {
  const server = await startTestServer({ concurrentLimit: 1000 });
  const data = mkdtempSync(join(tmpdir(), "peerboard-bench-peer-"));
  const seedStart = performance.now();
  const peer = startPeerProcess(server.url, data, ["--demo", String(LISTINGS), "--max-connections", "64"]);
  try {
    await peer.line(/signaling online/, 300_000);
    const seedSeconds = (performance.now() - seedStart) / 1000;
    const pid = peer.child.pid as number;
    const before = usage(pid);
    let peak = before.rss;
    const sampler = setInterval(() => {
      peak = Math.max(peak, usage(pid).rss);
    }, 250);
    const started = performance.now();
    const per = Math.ceil(JOINERS / PROCESSES);
    const groups = Array.from({ length: PROCESSES }, (_, i) => Math.max(0, Math.min(per, JOINERS - i * per)));
    const reports = (await Promise.all(groups.filter((n) => n > 0).map((n) => joiners(server.url, n)))).flat();
    clearInterval(sampler);
    const after = usage(pid);
    const done = reports
      .filter((r) => r.t === "done")
      .map((r) => r.ms as number)
      .sort((a, b) => a - b);
    const timedOut = reports.filter((r) => r.t === "timeout");
    console.log(`joiners' warnings: ${JSON.stringify(reports.flatMap((r) => r.warnings ?? []).slice(0, 20))}`);
    const row = {
      joiners: JOINERS,
      listings: LISTINGS,
      seedSeconds: seedSeconds.toFixed(1),
      allDoneSeconds: done.length === JOINERS ? ((done.at(-1) as number) / 1000).toFixed(1) : "not all",
      medianSeconds: done.length ? ((done[Math.floor(done.length / 2)] as number) / 1000).toFixed(1) : "-",
      done: done.length,
      timedOut: timedOut.map((r) => r.held),
      wallSeconds: ((performance.now() - started) / 1000).toFixed(1),
      peerCpuSeconds: (after.cpu - before.cpu).toFixed(1),
      peerRssMb: `${before.rss.toFixed(0)} → peak ${peak.toFixed(0)} → ${after.rss.toFixed(0)}`,
    };
    console.log(`always-on bench: ${JSON.stringify(row)}`);
    const warnings = new Map<string, number>();
    for (const line of peer.lines.filter((l) => / (warn|error) /.test(l))) {
      const kind = line.replace(/^\S+ /, "").replace(/pb-\S+/g, "pb-…");
      warnings.set(kind, (warnings.get(kind) ?? 0) + 1);
    }
    console.log(`always-on peer's warnings: ${JSON.stringify([...warnings])}`);
    console.log(`always-on peer's summaries:\n${peer.lines.filter((l) => l.includes("summary")).join("\n")}`);
    expect(done.length).toBeGreaterThan(0);
  } finally {
    await peer.stop("SIGTERM");
    await server.close();
  }
});
