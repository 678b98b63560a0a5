// The always-on peer's own Link (src/node/node-link.ts: the radio and RadioLink joined in one
// process, on node-datachannel) runs the Link contract through the project's PeerServer on
// loopback, as the browser's RadioLink does on @roamhq/wrtc in radio-link.test.ts.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, vi } from "vitest";
import { startServer } from "../../server/server.js";
import { generateIdentity } from "../../src/core/crypto.ts";
import { type NodeLink, openNodeLink } from "../../src/node/node-link.ts";
import { shutdownWebRtc } from "../../src/node/webrtc.ts";
import { MemoryStore } from "../support/memory-store.ts";
import { runLinkContract } from "./link.ts";

let server: { port: number; close(): Promise<void> };
let dist: string;

beforeAll(async () => {
  // The server insists on an app to serve; the contract needs its PeerServer only.
  dist = mkdtempSync(join(tmpdir(), "peerboard-node-link-"));
  writeFileSync(join(dist, "index.html"), "<!doctype html><title>test</title>");
  server = await startServer({ port: 0, host: "127.0.0.1", dist });
});

afterAll(async () => {
  await shutdownWebRtc();
  await server?.close();
  if (dist) rmSync(dist, { recursive: true, force: true });
});

/** A Node peer's link on a store of its own, once the signaling server has taken its id. */
async function nodeLink(): Promise<{ node: NodeLink; peerId: string }> {
  const store = new MemoryStore();
  const identity = await store.initIdentity(await generateIdentity(Date.now()));
  const node = await openNodeLink({
    server: new URL(`http://127.0.0.1:${server.port}/`),
    store,
    peerId: identity.peerId,
    ice: () => ({ iceServers: [], iceTransportPolicy: "all" }),
  });
  node.start();
  await vi.waitFor(() => expect(node.link.state).toBe("online"), { timeout: 10_000, interval: 10 });
  return { node, peerId: identity.peerId };
}

runLinkContract("the Node peer's link (node-datachannel, real PeerServer)", async () => {
  const [a, b] = await Promise.all([nodeLink(), nodeLink()]);
  return {
    a: a.node.link,
    aId: a.peerId,
    b: b.node.link,
    bId: b.peerId,
    strangerId: (await generateIdentity(Date.now())).peerId,
    dispose: () => {
      a.node.close();
      b.node.close();
    },
  };
});
