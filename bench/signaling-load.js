// @ts-check
// Child processes for bench/signaling.bench.ts, driven over IPC:
//   node bench/signaling-load.js server   the real server (requireProof on, caps raised), reporting
//                                         its own RSS and CPU time on request
//   node bench/signaling-load.js clients  a share of the `ws` clients: registers them with p1
//                                         proofs, keeps PeerJS's 5 s heartbeat, and relays
//                                         OFFER/CANDIDATE messages to a partner, timing each one
// Separate processes so the server's figures are its own, and each stays under the
// file-descriptor limit (the bench raises `ulimit -n` to the hard limit before starting them).

import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import WebSocket from "ws";
import { PROOF_MESSAGE_PREFIX, PROOF_VERSION, peerIdFromPublicKey } from "../server/proof.js";
import { startServer } from "../server/server.js";

const role = process.argv[2];
const send = (/** @type {unknown} */ message) => process.send?.(message);

if (role === "server") {
  const dist = mkdtempSync(join(tmpdir(), "peerboard-bench-dist-"));
  mkdirSync(join(dist, "assets"));
  writeFileSync(join(dist, "index.html"), "<!doctype html><title>bench</title>\n");
  const server = await startServer({
    port: 0,
    host: "127.0.0.1",
    dist,
    requireProof: true,
    maxSocketsPerIp: 100_000,
    maxRegistrationsPerMinute: 1_000_000,
    concurrentLimit: 100_000,
  });
  // How late the server's event loop runs: relay latency the server itself adds, apart from the
  // clients' share of the two cores.
  const loopDelay = monitorEventLoopDelay({ resolution: 5 });
  loopDelay.enable();
  process.on("message", (/** @type {{ cmd: string }} */ message) => {
    if (message.cmd === "stats") {
      const lag = { p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6 };
      loopDelay.reset();
      send({ rss: process.memoryUsage().rss, cpu: process.cpuUsage(), lag });
    }
    if (message.cmd === "stop") server.close().then(() => process.exit(0));
  });
  send({ url: server.url });
} else if (role === "clients") {
  /** @type {{ ws: WebSocket, id: string, partner: string }[]} */
  let clients = [];
  /** @type {number[]} */
  let latencies = [];
  /** @type {NodeJS.Timeout[]} */
  const timers = [];

  process.on("message", async (/** @type {any} */ message) => {
    if (message.cmd === "connect") {
      const started = performance.now();
      clients = await connectAll(message.url, message.count, message.concurrency);
      send({ connected: clients.length, ms: performance.now() - started });
    } else if (message.cmd === "exchange") {
      latencies = [];
      await exchange(message.windowMs, message.perClient);
      send({ latencies });
    } else if (message.cmd === "close") {
      for (const timer of timers) clearInterval(timer);
      for (const client of clients) client.ws.terminate();
      send({ closed: true });
      process.exit(0);
    }
  });

  /**
   * @param {string} url
   * @param {number} count
   * @param {number} concurrency
   */
  async function connectAll(url, count, concurrency) {
    /** @type {{ id: string, token: string }[]} */
    const identities = [];
    for (let i = 0; i < count; i++) identities.push(await identity());
    /** @type {{ ws: WebSocket, id: string, partner: string }[]} */
    const out = [];
    let next = 0;
    const worker = async () => {
      while (next < count) {
        const i = next++;
        const me = /** @type {{ id: string, token: string }} */ (identities[i]);
        const partner = /** @type {{ id: string }} */ (identities[i ^ 1] ?? identities[i]).id;
        out.push({ ws: await register(url, me.id, me.token), id: me.id, partner });
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    for (const client of out) {
      // PeerJS's client pings every 5 s; without it alive_timeout would evict the idle ones.
      timers.push(setInterval(() => client.ws.send('{"type":"HEARTBEAT"}'), 5000));
      client.ws.on("message", (data) => {
        const relayed = JSON.parse(data.toString());
        if (relayed.type === "OFFER" || relayed.type === "CANDIDATE") {
          latencies.push(performance.now() - relayed.payload.sentAt);
        }
      });
    }
    return out;
  }

  /** @param {number} windowMs @param {number} perClient */
  function exchange(windowMs, perClient) {
    const expected = clients.length * perClient;
    const offer = "v=0\r\n".padEnd(2000, "a=candidate-and-codec-lines ");
    for (const client of clients) {
      for (let k = 0; k < perClient; k++) {
        setTimeout(() => {
          const type = k === 0 ? "OFFER" : "CANDIDATE";
          const payload =
            k === 0
              ? { sdp: { type: "offer", sdp: offer }, sentAt: performance.now() }
              : {
                  candidate: { candidate: "candidate:1 1 udp 2122260223 192.0.2.1 54400 typ host" },
                  sentAt: performance.now(),
                };
          client.ws.send(JSON.stringify({ type, dst: client.partner, payload }));
        }, Math.random() * windowMs);
      }
    }
    return new Promise((resolve) => {
      const deadline = Date.now() + windowMs + 30_000;
      const check = setInterval(() => {
        if (latencies.length >= expected || Date.now() > deadline) {
          clearInterval(check);
          resolve(undefined);
        }
      }, 100);
    });
  }
} else {
  throw new Error(`usage: node bench/signaling-load.js server|clients (got ${role})`);
}

/** A key pair and its p1 token, as the hub makes them (server/proof.js). */
async function identity() {
  const { subtle } = globalThis.crypto;
  const keys = await subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, false, ["sign"]);
  const raw = new Uint8Array(await subtle.exportKey("raw", keys.publicKey));
  const id = peerIdFromPublicKey(raw);
  const nonce = Buffer.from(globalThis.crypto.getRandomValues(new Uint8Array(16))).toString("base64url");
  const message = new TextEncoder().encode(`${PROOF_MESSAGE_PREFIX}${id}\n${nonce}`);
  const signature = new Uint8Array(await subtle.sign({ name: "ECDSA", hash: "SHA-256" }, keys.privateKey, message));
  const b64 = (/** @type {Uint8Array} */ bytes) => Buffer.from(bytes).toString("base64url");
  return { id, token: [PROOF_VERSION, b64(raw), nonce, b64(signature)].join(".") };
}

/** @param {string} url @param {string} id @param {string} token @returns {Promise<WebSocket>} */
function register(url, id, token) {
  const ws = new WebSocket(
    `${url.replace(/^http/, "ws")}peerjs/peerjs?key=peerjs&id=${id}&token=${token}&version=1.5.5`,
  );
  return new Promise((resolve, reject) => {
    ws.once("message", (data) => {
      const answer = JSON.parse(data.toString());
      if (answer.type === "OPEN") resolve(ws);
      else reject(new Error(`registration of ${id} refused: ${data}`));
    });
    ws.once("error", reject);
  });
}
