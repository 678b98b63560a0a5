// What every server test needs: a small built app in a temporary folder (so the tests do not
// depend on `vite build`), a server on a free loopback port, and a `ws` client that reports how
// PeerServer — or the guard in front of it — answered.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach } from "vitest";
import WebSocket from "ws";
import { startServer } from "../../server/server.js";

export type ServerOptions = NonNullable<Parameters<typeof startServer>[0]>;
export type TestServer = Awaited<ReturnType<typeof startServer>>;

export const ASSET_PATH = "/assets/app-Ab12Cd34.js";
/** Text that compresses well, big enough that any compressor bothers. */
export const ASSET_TEXT = `export const words = ${JSON.stringify(Array.from({ length: 2000 }, (_, i) => `word${i % 50}`))};\n`;

const dist = mkdtempSync(join(tmpdir(), "peerboard-server-test-"));
mkdirSync(join(dist, "assets"));
writeFileSync(join(dist, "index.html"), "<!doctype html><title>Peerboard shell</title>\n");
writeFileSync(join(dist, "sw.js"), "self.addEventListener('fetch', () => {});\n");
writeFileSync(join(dist, ASSET_PATH), ASSET_TEXT);
afterAll(() => rmSync(dist, { recursive: true, force: true }));

const running: TestServer[] = [];
const clients: WebSocket[] = [];
afterEach(async () => {
  for (const ws of clients.splice(0)) ws.terminate();
  await Promise.all(running.splice(0).map((server) => server.close()));
});

/** A server on 127.0.0.1 and a free port, closed after the test. */
export async function serve(options: ServerOptions = {}): Promise<TestServer> {
  // Tests of the other limits register with plain tokens; the proof tests turn proofs back on.
  const server = await startServer({ port: 0, host: "127.0.0.1", dist, requireProof: false, ...options });
  running.push(server);
  return server;
}

export type Answer =
  | { kind: "refused"; status: number; body: string; headers: Record<string, string | string[] | undefined> }
  | { kind: "message"; ws: WebSocket; message: { type: string; payload?: { msg?: string } } }
  | { kind: "closed"; code: number };

export interface ConnectOptions {
  id: string;
  token?: string | undefined;
  origin?: string;
  headers?: Record<string, string>;
}

/** The PeerJS signaling URL for an id and token, as the PeerJS client builds it. */
export function signalingUrl(server: TestServer, id: string, token: string | undefined): string {
  const url = new URL("peerjs/peerjs", server.url.replace(/^http/, "ws"));
  url.searchParams.set("key", "peerjs");
  url.searchParams.set("id", id);
  if (token !== undefined) url.searchParams.set("token", token);
  url.searchParams.set("version", "1.5.5");
  return url.href;
}

/** Opens a signaling socket; resolves with the first thing the server says, or its refusal. */
export function connect(server: TestServer, options: ConnectOptions): Promise<Answer> {
  const ws = new WebSocket(signalingUrl(server, options.id, options.token), {
    ...(options.origin ? { origin: options.origin } : {}),
    headers: options.headers ?? {},
  });
  clients.push(ws);
  return new Promise((resolve, reject) => {
    ws.once("unexpected-response", (_req, res) => {
      let body = "";
      res.on("data", (chunk: Buffer) => {
        body += chunk.toString();
      });
      res.on("end", () => resolve({ kind: "refused", status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    ws.once("message", (data) => resolve({ kind: "message", ws, message: JSON.parse(data.toString()) }));
    ws.once("close", (code) => resolve({ kind: "closed", code }));
    ws.once("error", (error) => {
      // "unexpected-response" already answered for refusals; anything else is the test's failure.
      if (!/Unexpected server response/.test(error.message)) reject(error);
    });
  });
}

/**
 * Opens a signaling socket and resolves once the upgrade succeeded, without waiting for a message:
 * a same-token takeover gets no OPEN (PeerServer only re-attaches the socket).
 */
export async function openSocket(server: TestServer, options: ConnectOptions): Promise<WebSocket> {
  const ws = new WebSocket(signalingUrl(server, options.id, options.token), { headers: options.headers ?? {} });
  clients.push(ws);
  await new Promise((resolve, reject) => {
    ws.once("open", resolve);
    ws.once("error", reject);
  });
  return ws;
}

/** Registers an id and insists PeerServer said OPEN; returns the open socket. */
export async function register(server: TestServer, options: ConnectOptions): Promise<WebSocket> {
  const answer = await connect(server, options);
  if (answer.kind !== "message" || answer.message.type !== "OPEN") {
    throw new Error(`Expected OPEN for ${options.id}, got ${JSON.stringify(describe(answer))}`);
  }
  return answer.ws;
}

/** The answer without the socket, for assertions and messages. */
export function describe(answer: Answer): unknown {
  return answer.kind === "message" ? { kind: answer.kind, message: answer.message } : answer;
}

/** Resolves with the close code once the socket closes. */
export function closed(ws: WebSocket): Promise<number> {
  if (ws.readyState === WebSocket.CLOSED) return Promise.resolve(-1);
  return new Promise((resolve) => ws.once("close", (code) => resolve(code)));
}

/** The next message on an open socket. */
export function nextMessage(ws: WebSocket): Promise<Record<string, unknown>> {
  return new Promise((resolve) => ws.once("message", (data) => resolve(JSON.parse(data.toString()))));
}
