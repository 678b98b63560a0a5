// What the always-on peer tells its operator: one readable line per connection, disconnection,
// link change and error, and a summary each minute. Lines go to stdout/stderr (journald keeps
// them under systemd).

import type { HubStatus } from "../core/api.ts";
import type { Logger } from "../core/ports.ts";

export interface LogSink {
  info(line: string): void;
  error(line: string): void;
}

export const stdioSink: LogSink = {
  info: (line) => process.stdout.write(`${line}\n`),
  error: (line) => process.stderr.write(`${line}\n`),
};

const stamp = (now: number) => new Date(now).toISOString();

/** The core's Logger, as timestamped lines. */
export function lineLogger(sink: LogSink, now: () => number): Logger & { info(message: string): void } {
  const detail = (details: unknown[]) =>
    details.length
      ? ` (${details.map((d) => (d instanceof Error ? d.message : typeof d === "string" ? d : JSON.stringify(d))).join("; ")})`
      : "";
  return {
    info: (message) => sink.info(`${stamp(now())} ${message}`),
    warn: (message, ...details) => sink.error(`${stamp(now())} warn ${message}${detail(details)}`),
    error: (message, ...details) => sink.error(`${stamp(now())} error ${message}${detail(details)}`),
  };
}

/**
 * A name a peer chose (its HELLO), as one line of the operator's log: newlines, terminal escapes
 * and other control characters are written escaped, so no peer can forge a line or colour one.
 */
function quotedName(name: string | undefined): string {
  return name ? ` (${JSON.stringify(name).slice(1, -1)})` : "";
}

/** Follows status events and logs which peers came and went. */
export function connectionLog(info: (message: string) => void): (status: HubStatus) => void {
  let ready = new Map<string, string | undefined>();
  let radio: string | undefined;
  return (status) => {
    if (status.radio !== radio) {
      info(`signaling ${status.radio}`);
      radio = status.radio;
    }
    const now = new Map(status.peers.filter((p) => p.stage === "ready").map((p) => [p.id, p.name] as const));
    for (const [id, name] of now) if (!ready.has(id)) info(`connected ${id}${quotedName(name)}`);
    for (const [id, name] of ready) if (!now.has(id)) info(`disconnected ${id}${quotedName(name)}`);
    ready = now;
  };
}

export interface Summary {
  peers: number;
  listings: number;
  profiles: number;
  heldMail: number;
  bytesIn: number;
  bytesOut: number;
  storageBytes: number;
}

const mb = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(1)} MB`;

export function summaryLine(s: Summary): string {
  return (
    `summary: ${s.peers} peers, ${s.listings} listings, ${s.profiles} profiles, ${s.heldMail} held mail, ` +
    `${mb(s.bytesIn)} in, ${mb(s.bytesOut)} out, store ${mb(s.storageBytes)}`
  );
}
