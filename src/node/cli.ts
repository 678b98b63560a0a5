// `peerboard-peer` / `npm run peer`: parses the command line, runs the always-on peer until
// SIGTERM or SIGINT, and stops it within STOP_DEADLINE_MS. The peer itself (the whole core, SQLite,
// WebRTC: some 150 files the launcher transpiles as they load) is imported only once the
// arguments are good, so `--help` and a mistyped option answer at once.

import type { AlwaysOnPeer } from "./always-on.ts";
import { parsePeerArgs, USAGE } from "./cli-args.ts";
import { describe } from "./ice.ts";
import { lineLogger, stdioSink } from "./ops-log.ts";

/** systemd's default stop timeout is 90 s; we promise far less, and exit anyway past it. */
const STOP_DEADLINE_MS = 4_500;

const parsed = parsePeerArgs(process.argv.slice(2));
if (parsed.kind === "help") {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
if (parsed.kind === "error") {
  process.stderr.write(`peerboard-peer: ${parsed.message}\n\n${USAGE}\n`);
  process.exit(2);
}
const log = lineLogger(stdioSink, Date.now);
let running: AlwaysOnPeer | undefined;
let stopping = false;

function stop(signal: string): void {
  if (stopping) return;
  stopping = true;
  log.info(`${signal}: stopping`);
  setTimeout(() => {
    log.error(`did not stop within ${STOP_DEADLINE_MS} ms; exiting`);
    process.exit(1);
  }, STOP_DEADLINE_MS).unref();
  void (running?.stop() ?? Promise.resolve()).then(
    () => process.exit(0),
    (error: unknown) => {
      log.error(`stopping failed: ${describe(error)}`);
      process.exit(1);
    },
  );
}

process.on("SIGTERM", () => stop("SIGTERM"));
process.on("SIGINT", () => stop("SIGINT"));
process.on("unhandledRejection", (error) => log.error(`unhandled: ${describe(error)}`, error));

try {
  const { startAlwaysOnPeer } = await import("./always-on.ts");
  running = await startAlwaysOnPeer(parsed.options);
  if (stopping) await running.stop();
} catch (error) {
  log.error(`could not start: ${describe(error)}`);
  process.exit(1);
}
