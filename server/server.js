// @ts-check
// One Node process for a Peerboard community: serves the built PWA and hosts PeerServer at
// /peerjs on the same origin, with the ICE settings at /ice.json. It stores no user data;
// PeerServer only introduces peers. This file wires the parts; each lives in its own module.

import { existsSync } from "node:fs";
import { createServer } from "node:http";
import { dirname, join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import compression from "compression";
import express from "express";
import { ExpressPeerServer } from "peer";
import { AddressLimits } from "./address-limits.js";
import { OnlineIds, trackOnlineIds } from "./discovery.js";
import { ROBOTS_TXT, securityHeaders } from "./headers.js";
import { createIceSettings } from "./ice.js";
import { resolveOptions } from "./settings.js";
import { reportSignalingErrors } from "./signaling-errors.js";
import { createSignalingGuard } from "./signaling-guard.js";

export { ConfigError } from "./errors.js";
export { DEFAULTS, optionsFromEnv } from "./settings.js";

const here = dirname(fileURLToPath(import.meta.url));
export const DEFAULT_DIST = resolve(here, "..", "dist");

/**
 * @param {import("./settings.js").ServerOptions} [options]
 * @returns {Promise<{ url: string, port: number, close: () => Promise<void> }>}
 */
export async function startServer(options = {}) {
  const settings = resolveOptions(options);
  const iceSettings = createIceSettings(settings);
  const dist = settings.dist ?? DEFAULT_DIST;
  if (!existsSync(join(dist, "index.html"))) {
    throw new Error(`No built app in ${dist}: run "npm run build" first (npm start does it for you).`);
  }
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", settings.trustProxy);
  const server = createServer(app);
  // closeAllConnections() does not reach upgraded sockets (PeerServer's WebSockets): track every
  // socket so close() really stops the server instead of waiting for clients to hang up.
  /** @type {Set<import("node:net").Socket>} */
  const sockets = new Set();
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });

  // First, so signaling and discovery responses carry them too.
  app.use(securityHeaders);
  // On the fly, not precompressed at start: see the commit that added it. Text assets are fetched
  // once per client and version (immutable caching, the service worker's precache).
  app.use(compression());

  const limits = new AddressLimits({
    maxSockets: settings.maxSocketsPerIp,
    registrationsPerMinute: settings.maxRegistrationsPerMinute,
  });
  const guard = createSignalingGuard({
    allowedOrigins: settings.allowedOrigins,
    trustProxy: settings.trustProxy,
    limits,
    requireProof: settings.requireProof,
    maxMessageBytes: settings.maxMessageBytes,
    maxSocketBytesPerSecond: settings.maxSocketBytesPerSecond,
  });
  server.on("upgrade", guard.onUpgrade);

  // Answered here, before PeerServer's own route, which would list every id online.
  const online = new OnlineIds();
  app.get("/peerjs/:key/peers", (_req, res) => {
    if (!settings.allowDiscovery) return void res.sendStatus(401);
    res.setHeader("Cache-Control", "no-store");
    res.json(online.sample(settings.discoverySample));
  });

  // PeerServer mounted at /peerjs with path "/": WebSocket at /peerjs/peerjs, discovery at
  // /peerjs/peerjs/peers (docs/architecture.md, "Facts checked in the libraries").
  const peerServer = ExpressPeerServer(server, {
    path: "/",
    allow_discovery: settings.allowDiscovery,
    alive_timeout: settings.aliveTimeoutMs,
    concurrent_limit: settings.concurrentLimit,
    createWebSocketServer: guard.createWebSocketServer,
    // Same origin: no cross-origin clients need CORS.
    corsOptions: { origin: false },
  });
  trackOnlineIds(peerServer, online);
  reportSignalingErrors(peerServer);
  app.use("/peerjs", peerServer);

  app.get("/ice.json", (_req, res) => {
    res.setHeader("Cache-Control", "no-store");
    res.json(iceSettings(Date.now()));
  });

  const assets = join(dist, "assets") + sep;
  app.use(
    express.static(dist, {
      index: "index.html",
      setHeaders(res, path) {
        // Hashed assets never change; the HTML and service worker must be revalidated.
        if (path.startsWith(assets)) res.setHeader("Cache-Control", "public, max-age=31536000, immutable");
        else res.setHeader("Cache-Control", "no-cache");
      },
    }),
  );
  // After static, so a community's own dist/robots.txt wins.
  app.get("/robots.txt", (_req, res) => {
    res.type("text/plain").setHeader("Cache-Control", "public, max-age=86400");
    res.send(ROBOTS_TXT);
  });
  // Deep links (#/listing/… are hash routes, but a path someone bookmarks) get the app shell.
  app.get(/^\/(?!peerjs\/|assets\/).*/, (_req, res) => {
    res.setHeader("Cache-Control", "no-cache");
    res.sendFile(join(dist, "index.html"));
  });

  const host = settings.host;
  await new Promise((resolveListen, rejectListen) => {
    server.once("error", rejectListen);
    server.listen(settings.port, host, () => resolveListen(undefined));
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : settings.port;
  const shownHost = host.includes(":") ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}/`,
    port,
    close: () =>
      new Promise((resolveClose) => {
        limits.stop();
        server.close(() => resolveClose(undefined));
        server.closeAllConnections();
        for (const socket of sockets) socket.destroy();
      }),
  };
}
