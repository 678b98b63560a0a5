// @ts-check
// One Node process for a Peerboard community: serves the built PWA and hosts PeerServer at
// /peerjs on the same origin. It stores no user data; PeerServer only introduces peers.

import { existsSync } from "node:fs";
import { createServer } from "node:http";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import express from "express";
import { ExpressPeerServer } from "peer";

const here = dirname(fileURLToPath(import.meta.url));
export const DEFAULT_DIST = resolve(here, "..", "dist");

/**
 * @param {{ port?: number, host?: string, dist?: string, aliveTimeoutMs?: number, allowDiscovery?: boolean }} [options]
 * @returns {Promise<{ url: string, port: number, close: () => Promise<void> }>}
 */
export async function startServer(options = {}) {
  const dist = options.dist ?? DEFAULT_DIST;
  if (!existsSync(join(dist, "index.html"))) {
    throw new Error(`No built app in ${dist}: run "npm run build" first (npm start does it for you).`);
  }
  const app = express();
  app.disable("x-powered-by");
  const server = createServer(app);
  // closeAllConnections() does not reach upgraded sockets (PeerServer's WebSockets): track every
  // socket so close() really stops the server instead of waiting for clients to hang up.
  /** @type {Set<import("node:net").Socket>} */
  const sockets = new Set();
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });

  // PeerServer mounted at /peerjs with path "/": WebSocket at /peerjs/peerjs, discovery at
  // /peerjs/peerjs/peers (DESIGN.md §7). Discovery lists only ids currently registered.
  const peerServer = ExpressPeerServer(server, {
    path: "/",
    allow_discovery: options.allowDiscovery ?? true,
    alive_timeout: options.aliveTimeoutMs ?? 60_000,
    // Same origin: no cross-origin clients need CORS.
    corsOptions: { origin: false },
  });
  app.use("/peerjs", peerServer);

  app.use((_req, res, next) => {
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("Referrer-Policy", "no-referrer");
    next();
  });
  app.use(
    express.static(dist, {
      index: "index.html",
      setHeaders(res, path) {
        // Hashed assets never change; the HTML and service worker must be revalidated.
        if (path.includes(`${join(dist, "assets")}`))
          res.setHeader("Cache-Control", "public, max-age=31536000, immutable");
        else res.setHeader("Cache-Control", "no-cache");
      },
    }),
  );
  // Deep links (#/listing/… are hash routes, but a path someone bookmarks) get the app shell.
  app.get(/^\/(?!peerjs\/|assets\/).*/, (_req, res) => {
    res.setHeader("Cache-Control", "no-cache");
    res.sendFile(join(dist, "index.html"));
  });

  const host = options.host ?? "127.0.0.1";
  await new Promise((resolveListen, rejectListen) => {
    server.once("error", rejectListen);
    server.listen(options.port ?? 8080, host, () => resolveListen(undefined));
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : (options.port ?? 8080);
  const shownHost = host.includes(":") ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}/`,
    port,
    close: () =>
      new Promise((resolveClose) => {
        server.close(() => resolveClose(undefined));
        server.closeAllConnections();
        for (const socket of sockets) socket.destroy();
      }),
  };
}
