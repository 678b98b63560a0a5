// The always-on peer's command line: what `npm run peer -- …` and `peerboard-peer …` accept. Pure:
// takes argv, returns the options or a message saying what to fix.

import { parseArgs } from "node:util";

export interface PeerCliOptions {
  /** The community server: the app's origin, PeerServer at /peerjs, ICE settings at /ice.json. */
  server: URL;
  /** The directory that holds this peer's identity and store (peer.sqlite). */
  data: string;
  /** The store is pruned (others' oldest listings first) past this many bytes. */
  maxStorage: number;
  /** When the store is empty, fill it with this many signed sample listings. */
  demo: number;
  /** The display name in this peer's signed profile. */
  name: string;
  /** Channels past this many are hung up (a browser keeps 8; this peer serves many). */
  maxConnections: number;
}

export type ParsedArgs =
  | { kind: "run"; options: PeerCliOptions }
  | { kind: "help" }
  | { kind: "error"; message: string };

export const DEFAULT_MAX_STORAGE = 2 * 1024 ** 3;
const DEFAULT_NAME = "Community peer";
const DEFAULT_MAX_CONNECTIONS = 64;

export const USAGE = `Usage: peerboard-peer --server <URL> --data <DIR> [options]
       npm run peer -- --server <URL> --data <DIR> [options]

An always-on Peerboard peer: keeps a community's listings and profiles, and holds sealed mail
for people who are away, while their browsers are closed. It has its own identity, signs
nothing for anyone and cannot read the mail it carries.

  --server <URL>          the community server (what people open in their browser),
                          e.g. https://board.example.org/
  --data <DIR>            where this peer keeps its identity and store (DIR/peer.sqlite,
                          readable by its owner only); created if missing
  --max-storage <SIZE>    prune others' oldest listings past this size (default 2GB);
                          a number of bytes or with KB, MB, GB
  --demo <N>              when the store is empty, fill it with N signed sample listings
                          from about N/100 sample sellers (for trying Peerboard out)
  --name <NAME>           this peer's display name (default "${DEFAULT_NAME}")
  --max-connections <N>   channels kept at once (default ${DEFAULT_MAX_CONNECTIONS})
  -h, --help              show this and exit

Stops cleanly on SIGTERM or SIGINT. Logs one line per connection, disconnection and error,
and a summary every minute.`;

const UNITS: Record<string, number> = { "": 1, B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 };

/** "2GB", "500 MB", "1048576" → bytes; undefined when it is not a size. */
export function parseSize(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([KMGT]?B?)\s*$/i.exec(text);
  if (!match) return undefined;
  const unit = UNITS[(match[2] ?? "").toUpperCase().replace(/^([KMGT])$/, "$1B")];
  if (unit === undefined) return undefined;
  const bytes = Math.floor(Number(match[1]) * unit);
  return bytes > 0 ? bytes : undefined;
}

function wholeNumber(text: string, min: number): number | undefined {
  if (!/^\d+$/.test(text.trim())) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) && value >= min ? value : undefined;
}

export function parsePeerArgs(argv: string[]): ParsedArgs {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        server: { type: "string" },
        data: { type: "string" },
        "max-storage": { type: "string" },
        demo: { type: "string" },
        name: { type: "string" },
        "max-connections": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    return { kind: "error", message: error instanceof Error ? error.message : String(error) };
  }
  if (values.help) return { kind: "help" };
  const text = (key: string) => (typeof values[key] === "string" ? (values[key] as string) : undefined);
  const serverText = text("server");
  if (!serverText) return { kind: "error", message: "Give the community server with --server <URL>." };
  let server: URL;
  try {
    server = new URL(serverText.endsWith("/") ? serverText : `${serverText}/`);
  } catch {
    // Not a URL at all: the message below says what one looks like.
    return { kind: "error", message: `--server ${serverText} is not a URL; give one like https://board.example.org/` };
  }
  if (server.protocol !== "http:" && server.protocol !== "https:")
    return { kind: "error", message: `--server must be an http: or https: URL, not ${server.protocol}` };
  const data = text("data");
  if (!data) return { kind: "error", message: "Give the directory for this peer's store with --data <DIR>." };
  const storageText = text("max-storage");
  const maxStorage = storageText === undefined ? DEFAULT_MAX_STORAGE : parseSize(storageText);
  if (maxStorage === undefined)
    return { kind: "error", message: `--max-storage ${storageText} is not a size; give e.g. 2GB, 500MB or bytes.` };
  const demoText = text("demo");
  const demo = demoText === undefined ? 0 : wholeNumber(demoText, 0);
  if (demo === undefined || demo > 1_000_000)
    return { kind: "error", message: `--demo ${demoText}: give a number of listings from 0 to 1000000.` };
  const connectionsText = text("max-connections");
  const maxConnections = connectionsText === undefined ? DEFAULT_MAX_CONNECTIONS : wholeNumber(connectionsText, 1);
  if (maxConnections === undefined)
    return { kind: "error", message: `--max-connections ${connectionsText}: give a whole number, at least 1.` };
  const name = (text("name") ?? DEFAULT_NAME).trim();
  if (!name || name.length > 80)
    return { kind: "error", message: "--name: give a display name of 1 to 80 characters." };
  return { kind: "run", options: { server, data, maxStorage, demo, name, maxConnections } };
}
