import type { DataConnection, Peer as PeerType } from "peerjs";
import { pack } from "peerjs-js-binarypack";
import { afterAll, beforeAll, expect, it } from "vitest";
import { generateIdentity } from "../../src/core/crypto.ts";
import { registrationToken } from "../../src/core/session/registration.ts";
import type { RadioToHub } from "../../src/shared/radio-messages.ts";
import { type NodeSignaling, startNodeSignaling } from "../support/node-signaling.ts";

// The radio (src/shared/radio.ts) as the Node peer runs it, on node-datachannel through the real
// PeerServer, against a stranger who dials with stock PeerJS and writes what it likes on the
// data channel, before any HELLO. The hub's side of the radio's port is this test.

let nodes: NodeSignaling;
let channelModule: typeof import("../../src/shared/frame-channel.ts");
let hub: MessagePort;
let radio: import("../../src/shared/radio.ts").Radio;
let radioId: string;
const fromRadio: RadioToHub[] = [];

beforeAll(async () => {
  nodes = await startNodeSignaling("radio");
  // Only now, after the Node WebRTC: the radio's modules load PeerJS.
  channelModule = await import("../../src/shared/frame-channel.ts");
  const { Radio } = await import("../../src/shared/radio.ts");
  const identity = await generateIdentity(Date.now());
  radioId = identity.peerId;
  const ports = new MessageChannel();
  radio = new Radio(ports.port1);
  hub = ports.port2;
  hub.onmessage = (event: MessageEvent<RadioToHub>) => fromRadio.push(event.data);
  hub.start();
  hub.postMessage({
    t: "start",
    peerId: radioId,
    token: await registrationToken(identity),
    signaling: { ...nodes.signaling, iceServers: [], iceTransportPolicy: "all" },
  });
  await until(() => fromRadio.some((m) => m.t === "registered"));
}, 30_000);

afterAll(async () => {
  radio?.shutdown();
  hub?.close();
  await nodes?.close();
});

async function until(condition: () => boolean, ms = 10_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > ms) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A stranger with a registered id and a stock PeerJS channel open to the radio. */
async function stranger(): Promise<{ peer: PeerType; channel: DataConnection }> {
  const peer = await nodes.register();
  const channel = peer.connect(radioId, { reliable: true, serialization: "binary" });
  await new Promise<void>((resolve) => channel.once("open", () => resolve()));
  return { peer, channel };
}

/** Writes bytes on the data channel itself, under PeerJS's serialization. */
function raw(channel: DataConnection, bytes: ArrayBuffer | Uint8Array): void {
  (channel as unknown as { dataChannel: RTCDataChannel }).dataChannel.send(bytes as ArrayBuffer);
}

const closed = (channel: DataConnection) =>
  channel.open ? new Promise<void>((resolve) => channel.once("close", () => resolve())) : Promise.resolve();
const framesFrom = (peer: string) =>
  fromRadio.filter((m): m is Extract<RadioToHub, { t: "frame" }> => m.t === "frame" && m.peer === peer);

it("a large frame in PeerJS's chunks arrives whole with the bytes it took, and the radio's own chunks reach stock PeerJS", async () => {
  const { peer, channel } = await stranger();
  try {
    const frame = { v: 1, type: "PEER_LIST", id: "big", peers: [{ id: "x".repeat(60_000), lastSeen: 0.5 }] };
    channel.send(frame);
    await until(() => framesFrom(peer.id).length === 1);
    const [arrived] = framesFrom(peer.id);
    expect(arrived?.data).toEqual(frame);
    // Four chunks of PeerJS's: the packed frame and four envelopes.
    expect(arrived?.bytes).toBeGreaterThan((pack(frame) as ArrayBuffer).byteLength);
    expect(arrived?.bytes).toBeLessThan((pack(frame) as ArrayBuffer).byteLength + 4 * 64);

    const reply = { v: 1, type: "ACK", id: "r", of: "y".repeat(40_000), n: -3, big: 1_764_582_228_000 };
    const answered = new Promise<unknown>((resolve) => channel.once("data", resolve));
    hub.postMessage({ t: "send", peer: peer.id, frame: reply });
    expect(await answered).toEqual(reply);
    expect(channelModule.heldBytes()).toBe(0);
  } finally {
    peer.destroy();
  }
}, 30_000);

it("4,000 messages begun and never finished: the channel is closed at the second, and nothing is held", async () => {
  const { peer, channel } = await stranger();
  try {
    const part = new ArrayBuffer(16_000);
    for (let id = 1; id <= 4_000 && channel.open; id++)
      raw(channel, pack({ __peerData: id, n: 0, data: part, total: 2 }) as ArrayBuffer);
    await closed(channel);
    expect(channelModule.heldBytes()).toBe(0);
    expect(framesFrom(peer.id)).toEqual([]);
  } finally {
    peer.destroy();
  }
}, 30_000);

it("an 8.4 MB message is refused once it passes the message cap, and nothing of it reaches the hub", async () => {
  const { peer, channel } = await stranger();
  try {
    const part = new ArrayBuffer(16_300);
    const total = Math.ceil(8_400_000 / 16_300);
    for (let n = 0; n < total && channel.open; n++)
      raw(channel, pack({ __peerData: 7, n, data: part, total }) as ArrayBuffer);
    await closed(channel);
    expect(channelModule.heldBytes()).toBe(0);
    expect(framesFrom(peer.id)).toEqual([]);
  } finally {
    peer.destroy();
  }
}, 30_000);

it("five bytes announcing a 2^32-element array, chunks out of order and binary inside a frame close the channel at once", async () => {
  const attacks: (ArrayBuffer | Uint8Array)[] = [
    new Uint8Array([0xdd, 0xff, 0xff, 0xff, 0xff]),
    pack({ __peerData: 3, n: 5, data: new ArrayBuffer(10), total: 9 }) as ArrayBuffer,
    pack({ v: 1, type: "PEER_LIST", id: "b", peers: new ArrayBuffer(10_000) }) as ArrayBuffer,
    new Uint8Array(20_000),
  ];
  for (const bytes of attacks) {
    const { peer, channel } = await stranger();
    try {
      raw(channel, bytes);
      await closed(channel);
      expect(framesFrom(peer.id)).toEqual([]);
    } finally {
      peer.destroy();
    }
  }
  // The radio is still at work: an honest stranger's frame gets through.
  const { peer, channel } = await stranger();
  try {
    channel.send({ v: 1, type: "ACK", id: "ok", of: "a" });
    await until(() => framesFrom(peer.id).length === 1);
  } finally {
    peer.destroy();
  }
}, 60_000);

it("a channel asking for JSON or unreliable delivery is refused before it opens", async () => {
  const [json, unreliable] = await Promise.all([nodes.register(), nodes.register()]);
  json.connect(radioId, { reliable: true, serialization: "json" });
  unreliable.connect(radioId, { reliable: false, serialization: "binary" });
  try {
    // An honest channel dialled after them comes up; theirs never do.
    const { peer: honest } = await stranger();
    await until(() => fromRadio.some((m) => m.t === "up" && m.peer === honest.id));
    honest.destroy();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(fromRadio.filter((m) => m.t === "up" && (m.peer === json.id || m.peer === unreliable.id))).toEqual([]);
  } finally {
    json.destroy();
    unreliable.destroy();
  }
}, 30_000);
