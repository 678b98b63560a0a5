import type { DataConnection } from "peerjs";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type NodeSignaling, startNodeSignaling } from "../support/node-signaling.ts";

// Two Node peers with node-datachannel, through the real PeerServer on loopback, with the radio's
// PeerJS options (src/shared/radio.ts). Whether the process then exits by itself is measured in
// bench/node-webrtc.bench.ts, in processes of its own.

let nodes: NodeSignaling;

beforeAll(async () => {
  // PeerServer is what is under test, with the radio's PeerJS options.
  nodes = await startNodeSignaling("node-webrtc");
});

afterAll(async () => {
  await nodes?.close();
});

/** A Node peer with a real identity, registered with its proof of key as the product does. */
const register = () => nodes.register({ debug: 1 });

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
