// @ts-check
// The gate in front of PeerServer's WebSocket: every upgrade passes here first. PeerServer is
// handed a `noServer` WebSocketServer (its createWebSocketServer option), so nothing reaches it
// unless this guard calls handleUpgrade — that is also how maxPayload gets set, since PeerServer
// would otherwise create a WebSocketServer with ws's 100 MiB default.
//
// Order: path, Origin, open sockets per address, registrations per address, proof of key. The
// first four answer plain HTTP errors before any upgrade (PeerJS shows them as "Lost connection
// to server" and the hub retries with backoff); a failed proof is answered in PeerJS's own way,
// an ERROR message then close, so the client surfaces it as a "server-error" with our reason.

import { STATUS_CODES } from "node:http";
import { WebSocketServer } from "ws";
import { clientAddress, limitKey } from "./client-address.js";
import { checkRegistrationProof } from "./proof.js";

/** WebSocket close code for a policy violation (RFC 6455 §7.4.1). */
const POLICY_VIOLATION = 1008;

/**
 * @typedef {object} GuardOptions
 * @property {string[] | undefined} allowedOrigins exact origins; unset: the request's own host only
 * @property {number} trustProxy
 * @property {import("./address-limits.js").AddressLimits} limits
 * @property {boolean} requireProof
 * @property {number} maxMessageBytes
 * @property {number} maxSocketBytesPerSecond
 */

/**
 * Builds the WebSocketServer PeerServer will use and the guard that feeds it.
 * @param {GuardOptions} options
 */
export function createSignalingGuard(options) {
  /** @type {WebSocketServer | undefined} */
  let wss;
  let signalingPath = "";

  /** For ExpressPeerServer's createWebSocketServer option. @param {{ path?: string }} peerOptions */
  const createWebSocketServer = (peerOptions) => {
    signalingPath = peerOptions.path ?? "";
    wss = new WebSocketServer({ noServer: true, maxPayload: options.maxMessageBytes });
    return wss;
  };

  /**
   * The http server's "upgrade" listener.
   * @param {import("node:http").IncomingMessage} req
   * @param {import("node:stream").Duplex} socket
   * @param {Buffer} head
   */
  const onUpgrade = (req, socket, head) => {
    // A client that resets mid-handshake must not become an uncaught error; ws adds its own
    // handler once it owns the socket.
    socket.on("error", () => socket.destroy());
    const url = new URL(req.url ?? "/", "http://peerboard.invalid");
    if (!wss || url.pathname !== signalingPath) return refuse(socket, 404, "No WebSocket here.");
    if (!originAllowed(req, options.allowedOrigins)) {
      return refuse(socket, 403, "This signaling server only accepts its own origin.");
    }
    const key = limitKey(clientAddress(req, options.trustProxy));
    if (!options.limits.openSocket(key)) {
      return refuse(socket, 429, "Too many signaling connections from your address.");
    }
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      options.limits.closeSocket(key);
    };
    socket.once("close", release);
    if (!options.limits.takeRegistration(key)) {
      release();
      return refuse(socket, 429, "Too many registrations from your address; try again shortly.", {
        "Retry-After": String(options.limits.retryAfterSeconds(key)),
      });
    }
    const server = wss;
    const admit = () =>
      server.handleUpgrade(req, socket, head, (ws) => {
        // Before PeerServer's own listener, so a flood is cut off before it is relayed or queued.
        meterMessages(ws, options.maxSocketBytesPerSecond);
        server.emit("connection", ws, req);
      });
    if (!options.requireProof) return admit();
    checkRegistrationProof(url.searchParams.get("id") ?? "", url.searchParams.get("token")).then(
      (reason) => {
        if (socket.destroyed) return;
        if (reason === null) return admit();
        server.handleUpgrade(req, socket, head, (ws) => {
          ws.send(JSON.stringify({ type: "ERROR", payload: { msg: reason } }));
          ws.close(POLICY_VIOLATION, "registration proof refused");
        });
      },
      (error) => {
        console.error("Peerboard: checking a registration proof failed", error);
        refuse(socket, 500, "The server could not check the registration proof.");
      },
    );
  };

  return { createWebSocketServer, onUpgrade };
}

/**
 * A byte budget per socket: a burst of 4 s worth, refilled at `perSecond`. PeerServer queues a
 * message for an id that is not online for expire_timeout (5 s), so without a budget one socket
 * could park hundreds of MB in the server's memory; legitimate signaling (an offer and a few dozen
 * candidates per connection) stays far below it. Over budget the socket is dropped at once.
 * @param {import("ws").WebSocket} ws
 * @param {number} perSecond
 */
function meterMessages(ws, perSecond) {
  const burst = perSecond * 4;
  let budget = burst;
  let at = Date.now();
  ws.on("message", (data) => {
    const now = Date.now();
    budget = Math.min(burst, budget + ((now - at) * perSecond) / 1000);
    at = now;
    budget -= Array.isArray(data) ? data.reduce((sum, part) => sum + part.length, 0) : data.byteLength;
    if (budget < 0) ws.terminate();
  });
}

/**
 * A request without Origin is not from a browser page (a Node peer, a CLI) and cannot be a
 * cross-site page's request, so it passes; a browser always sends Origin on WebSocket upgrades.
 * @param {import("node:http").IncomingMessage} req
 * @param {string[] | undefined} allowedOrigins
 */
function originAllowed(req, allowedOrigins) {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  if (allowedOrigins) return allowedOrigins.includes(origin);
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    // Not a URL (e.g. "null" from a sandboxed frame): not our origin.
    return false;
  }
}

/**
 * @param {import("node:stream").Duplex} socket
 * @param {number} status
 * @param {string} message
 * @param {Record<string, string>} [headers]
 */
function refuse(socket, status, message, headers = {}) {
  if (!socket.writable) return void socket.destroy();
  const body = `${message}\n`;
  const lines = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ""}`,
    "Connection: close",
    "Content-Type: text/plain; charset=utf-8",
    `Content-Length: ${Buffer.byteLength(body)}`,
    "X-Content-Type-Options: nosniff",
    "Referrer-Policy: no-referrer",
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  socket.end(`${lines.join("\r\n")}\r\n\r\n${body}`, () => socket.destroy());
}
