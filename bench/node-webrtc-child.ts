// One measurement of one Node WebRTC implementation, in a process of its own, for
// bench/node-webrtc.bench.ts (which bundles this file and runs it with plain `node`). Prints
// result lines `BENCH {json}` on stdout. PeerJS options are the radio's (src/shared/radio.ts).
//
//   node child.mjs <implementation> connect   <port> <rounds>
//   node child.mjs <implementation> transfer  <port> <runs>
//   node child.mjs <implementation> hub       <port> <hubId>     (then "shutdown" on stdin)
//   node child.mjs <implementation> clients   <port> <hubId> <n> (then "shutdown" on stdin)
//   node child.mjs <implementation> shutdown  <port>             (clean close, exits by itself)
//   node child.mjs <implementation> abrupt    <port>             (process.exit with channels open)

import { installWebRtc, shutdownWebRtc, type WebRtcImplementation } from "../src/node/webrtc.ts";

const [implementation, scenario, portText, ...rest] = process.argv.slice(2) as [
  WebRtcImplementation,
  string,
  string,
  ...string[],
];
const port = Number(portText);
/** No scenario may run longer than this; the watchdog never keeps the process alive. */
const WATCHDOG_MS = 90_000;
const RECORDS = 10_000;
const RECORDS_PER_FRAME = 100;
const RECORD_BYTES = 630;
/** How long one of the hub's channels may take to open and echo before it counts as failed. */
const CHANNEL_MS = 30_000;

setTimeout(() => {
  emit({ event: "error", message: `watchdog: ${scenario} over ${WATCHDOG_MS} ms` });
  process.exit(2);
}, WATCHDOG_MS).unref();

await installWebRtc(implementation);
const peerjs: typeof import("peerjs") = await import("peerjs");
// Plain Node loads PeerJS's CommonJS build ("module" is read by bundlers only, and there is no
// "exports" map), whose named exports Node cannot see: they all sit on the default export.
const Peer = peerjs.Peer ?? (peerjs.default as unknown as typeof import("peerjs")).Peer;
type PeerType = InstanceType<typeof Peer>;
type Channel = ReturnType<PeerType["connect"]>;

function emit(result: Record<string, unknown>): void {
  console.log(`BENCH ${JSON.stringify(result)}`);
}

function memory(): { rssMB: number; heapUsedMB: number; externalMB: number } {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  const mb = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;
  return { rssMB: mb(m.rss), heapUsedMB: mb(m.heapUsed), externalMB: mb(m.external) };
}

function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no result within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

let counter = 0;
function newPeer(role: string, id = `bench-${role}-${process.pid}-${++counter}`): Promise<PeerType> {
  const peer = new Peer(id, {
    host: "127.0.0.1",
    port,
    path: "/peerjs",
    secure: false,
    config: { iceServers: [] },
    debug: 1,
  });
  return within(
    10_000,
    `register ${id}`,
    new Promise((resolve, reject) => {
      peer.once("open", () => resolve(peer));
      peer.once("error", reject);
    }),
  );
}

/** The channel `from` dials to `to`, once open on both ends. */
async function connect(from: PeerType, to: PeerType): Promise<{ dialer: Channel; answerer: Channel }> {
  const answerer = new Promise<Channel>((resolve) =>
    to.once("connection", (channel) => channel.once("open", () => resolve(channel))),
  );
  const dialer = from.connect(to.id, { reliable: true, serialization: "binary" });
  const opened = new Promise<Channel>((resolve) => dialer.once("open", () => resolve(dialer)));
  const [a, b] = await within(10_000, "open a channel", Promise.all([opened, answerer]));
  return { dialer: a, answerer: b };
}

function nextData(channel: Channel): Promise<unknown> {
  return within(10_000, "a frame", new Promise((resolve) => channel.once("data", resolve)));
}

async function destroy(...peers: PeerType[]): Promise<void> {
  for (const peer of peers) {
    for (const channels of Object.values(peer.connections) as Channel[][]) for (const c of channels) c.close();
    peer.destroy();
  }
}

/** What the always-on peer does on the way out; BENCH_KEEP_WEBRTC=1 measures without it. */
async function leave(...peers: PeerType[]): Promise<void> {
  await destroy(...peers);
  if (!process.env.BENCH_KEEP_WEBRTC) await shutdownWebRtc();
  emit({ event: "shutdown-done" });
}

/**
 * A listing-shaped record of RECORD_BYTES bytes as JSON (docs/architecture.md, "Records"; ≈ 6.3 MB
 * for 10,000).
 */
function record(index: number): Record<string, unknown> {
  const base = {
    id: `l-${index.toString(36).padStart(12, "0")}-${"a".repeat(14)}`,
    author: `pb-${"b".repeat(26)}`,
    version: 1,
    createdAt: 1_780_000_000_000 + index,
    updatedAt: 1_780_000_000_000 + index,
    expiresAt: 1_782_592_000_000 + index,
    kind: "offer",
    title: `Listing ${index}`,
    description: "",
    category: "furniture",
    price: 1200,
    currency: "EUR",
    location: "Utrecht, Lombok",
    images: [],
    status: "active",
    deleted: false,
    signature: "s".repeat(88),
  };
  base.description = "d".repeat(Math.max(0, RECORD_BYTES - JSON.stringify(base).length));
  return base;
}

async function scenarioConnect(rounds: number): Promise<void> {
  for (let round = 0; round < rounds; round++) {
    const started = performance.now();
    const [a, b] = await Promise.all([newPeer("a"), newPeer("b")]);
    const registered = performance.now();
    const { dialer, answerer } = await connect(a, b);
    const opened = performance.now();
    dialer.send({ ping: round });
    await nextData(answerer);
    emit({
      event: "connect",
      registerMs: registered - started,
      openMs: opened - registered,
      totalMs: opened - started,
      firstFrameMs: performance.now() - opened,
    });
    await destroy(a, b);
  }
  await leave();
}

async function scenarioTransfer(runs: number): Promise<void> {
  const baseline = memory();
  const records = Array.from({ length: RECORDS }, (_, i) => record(i));
  const bytes = records.reduce((sum, r) => sum + JSON.stringify(r).length, 0);
  const [a, b] = await Promise.all([newPeer("sender"), newPeer("receiver")]);
  const { dialer, answerer } = await connect(a, b);
  for (let run = 0; run < runs; run++) {
    let received = 0;
    let lastId: unknown;
    const done = within(
      60_000,
      "10,000 records",
      new Promise<void>((resolve) => {
        const onData = (data: unknown) => {
          const listings = (data as { listings: { id: unknown }[] }).listings;
          received += listings.length;
          lastId = listings.at(-1)?.id;
          if (received >= RECORDS) {
            answerer.off("data", onData);
            resolve();
          }
        };
        answerer.on("data", onData);
      }),
    );
    const started = performance.now();
    for (let i = 0; i < RECORDS; i += RECORDS_PER_FRAME) {
      dialer.send({
        v: 1,
        type: "LISTING_BROADCAST",
        id: `f${run}-${i}`,
        listings: records.slice(i, i + RECORDS_PER_FRAME),
      });
    }
    await done;
    const ms = performance.now() - started;
    if (lastId !== records.at(-1)?.id) throw new Error(`records arrived out of order: last was ${String(lastId)}`);
    emit({ event: "transfer", ms, bytes, mbPerS: bytes / 1e6 / (ms / 1000) });
  }
  emit({ event: "memory", baseline, afterTransfer: memory() });
  await leave(a, b);
}

/** Resolves on the line "shutdown" on stdin, then lets stdin go so it cannot keep us alive. */
function shutdownRequested(): Promise<void> {
  return new Promise((resolve) => {
    process.stdin.setEncoding("utf8");
    process.stdin.on("data", (chunk: string) => {
      if (!chunk.includes("shutdown")) return;
      process.stdin.destroy();
      resolve();
    });
  });
}

async function scenarioHub(hubId: string): Promise<void> {
  const baseline = memory();
  const hub = await newPeer("hub", hubId);
  let open = 0;
  let firstAt = 0;
  hub.on("connection", (channel) => {
    // Data can arrive before "open" on the answering side, and PeerJS drops a send before "open".
    const opened = new Promise<void>((resolve) => channel.once("open", () => resolve()));
    channel.on("data", (data) => void opened.then(() => channel.send(data)));
    channel.once("open", () => {
      if (++open === 1) firstAt = performance.now();
      emit({ event: "hub-open", open, sinceFirstMs: performance.now() - firstAt });
    });
  });
  emit({ event: "ready", baseline, registered: memory() });
  const shutdown = shutdownRequested();
  process.stdin.once("data", () => emit({ event: "hub-memory", open, memory: memory() }));
  await shutdown;
  await leave(hub);
}

/** `count` peers each dial the hub and wait for an echo; a channel not echoing in time counts as failed. */
async function scenarioClients(hubId: string, count: number): Promise<void> {
  const started = performance.now();
  const peers = await Promise.all(Array.from({ length: count }, () => newPeer("client")));
  const registered = performance.now();
  const errors: string[] = [];
  const openTimes = await Promise.all(
    peers.map(async (peer) => {
      peer.on("error", (error) => errors.push(`peer ${error.type}: ${error.message}`));
      const channel = peer.connect(hubId, { reliable: true, serialization: "binary" });
      channel.on("error", (error) => errors.push(`channel ${error.type}: ${error.message}`));
      try {
        await within(CHANNEL_MS, "open", new Promise((resolve) => channel.once("open", () => resolve(undefined))));
        const echoed = nextData(channel);
        channel.send({ hello: peer.id });
        await echoed;
        return performance.now() - registered;
      } catch {
        return undefined; // counted as failed below
      }
    }),
  );
  const opened = openTimes.filter((ms) => ms !== undefined);
  emit({
    event: "clients-open",
    count,
    opened: opened.length,
    registerMs: registered - started,
    allOpenMs: Math.max(...opened),
    errors: errors.slice(0, 5),
    memory: memory(),
  });
  await shutdownRequested();
  await leave(...peers);
}

async function pair(): Promise<{ peers: PeerType[]; channels: Channel[] }> {
  const [a, b] = await Promise.all([newPeer("a"), newPeer("b")]);
  const { dialer, answerer } = await connect(a, b);
  const there = nextData(answerer);
  dialer.send({ frame: "there" });
  await there;
  const back = nextData(dialer);
  answerer.send({ frame: "back" });
  await back;
  return { peers: [a, b], channels: [dialer, answerer] };
}

switch (scenario) {
  case "connect":
    await scenarioConnect(Number(rest[0] ?? 10));
    break;
  case "transfer":
    await scenarioTransfer(Number(rest[0] ?? 3));
    break;
  case "hub":
    await scenarioHub(rest[0] ?? "bench-hub");
    break;
  case "clients":
    await scenarioClients(rest[0] ?? "bench-hub", Number(rest[1] ?? 30));
    break;
  case "shutdown": {
    const { peers } = await pair();
    await leave(...peers);
    break;
  }
  case "abrupt":
    await pair();
    emit({ event: "shutdown-done" });
    process.exit(0);
    break;
  default:
    throw new Error(`unknown scenario ${scenario}`);
}
