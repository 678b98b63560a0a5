import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DataConnection, Peer as PeerType } from "peerjs";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startServer } from "../../server/server.js";
import { generateIdentity } from "../../src/core/crypto.ts";
import { registrationToken } from "../../src/core/session/registration.ts";
import { installWebRtc, shutdownWebRtc } from "../../src/node/webrtc.ts";

// Two Node peers with node-datachannel, through the real PeerServer on loopback, with the radio's
// PeerJS options (src/ui/radio.ts). Whether the process then exits by itself is measured in
// bench/node-webrtc.bench.ts, in processes of its own.

let server: Awaited<ReturnType<typeof startServer>>;
let dist: string;
let Peer: typeof PeerType;

beforeAll(async () => {
  // PeerServer is what is under test; the server insists on an app to serve, so give it a stub.
  dist = mkdtempSync(join(tmpdir(), "peerboard-node-webrtc-"));
  writeFileSync(join(dist, "index.html"), "<!doctype html><title>test</title>");
  server = await startServer({ port: 0, host: "127.0.0.1", dist });
  await installWebRtc("node-datachannel");
  // Only now: PeerJS probes for RTCPeerConnection while its module is evaluated.
  ({ Peer } = await import("peerjs"));
});

afterAll(async () => {
  await shutdownWebRtc();
  await server?.close();
  if (dist) rmSync(dist, { recursive: true, force: true });
});

/** A Node peer with a real identity, registered with its proof of key as the product does. */
async function register(): Promise<PeerType> {
  const identity = await generateIdentity(Date.now());
  const peer = new Peer(identity.peerId, {
    token: await registrationToken(identity),
    host: "127.0.0.1",
    port: server.port,
    path: "/peerjs",
    secure: false,
    config: { iceServers: [] },
    debug: 1,
  });
  return new Promise((resolve, reject) => {
    peer.once("open", () => resolve(peer));
    peer.once("error", reject);
  });
}

const opened = (channel: DataConnection) => new Promise<void>((resolve) => channel.once("open", () => resolve()));
const nextData = (channel: DataConnection) => new Promise<unknown>((resolve) => channel.once("data", resolve));

it("two Node peers open a channel through PeerServer, carry a frame both ways and close", async () => {
  const [alice, bob] = await Promise.all([register(), register()]);
  try {
    const answered = new Promise<DataConnection>((resolve) => bob.once("connection", resolve));
    const dialled = alice.connect(bob.id, { reliable: true, serialization: "binary" });
    const atBob = await answered;
    await Promise.all([opened(dialled), opened(atBob)]);

    const hello = { v: 1, type: "PEER_LIST", id: "f1", peers: [{ id: alice.id, lastSeen: 1 }] };
    const arrivedAtBob = nextData(atBob);
    dialled.send(hello);
    expect(await arrivedAtBob).toEqual(hello);

    const reply = { v: 1, type: "ACK", id: "f2", of: "f1" };
    const arrivedAtAlice = nextData(dialled);
    atBob.send(reply);
    expect(await arrivedAtAlice).toEqual(reply);

    const closedAtBob = new Promise<void>((resolve) => atBob.once("close", () => resolve()));
    dialled.close();
    await closedAtBob;
    expect(atBob.open).toBe(false);
  } finally {
    alice.destroy();
    bob.destroy();
  }
  expect(alice.destroyed && bob.destroyed).toBe(true);
}, 20_000);
