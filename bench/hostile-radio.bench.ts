// The rest of "Hostile peers within the rate limits": what a stranger can make the radio hold
// before HELLO (stock PeerJS reassembly, as the radio used it, against the radio's FrameChannel),
// what one identity can leave in the user's storage and a browser relay's room, and what a relay
// sees of sealed mail. Each row runs the attack against the old behaviour and the new one in
// the same process. Run: npx vitest run --config bench/vitest.config.ts bench/hostile-radio.bench.ts

import "fake-indexeddb/auto";
import type { DataConnection } from "peerjs";
import { pack } from "peerjs-js-binarypack";
import { it, vi } from "vitest";
import { generateIdentity } from "../src/core/crypto.ts";
import { base64urlDecode } from "../src/core/encoding.ts";
import { agreementCard, newMessageId, seal } from "../src/core/mail/seal.ts";
import { registrationToken } from "../src/core/session/registration.ts";
import type { RadioToHub } from "../src/shared/radio-messages.ts";
import { MemoryNetwork } from "../tests/support/memory-link.ts";
import { startNodeSignaling } from "../tests/support/node-signaling.ts";
import { sealUnpadded } from "../tests/support/older-seal.ts";
import { buildPeer, type TestPeer } from "../tests/support/peers.ts";

const rows: string[] = [];
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const heap = () => {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed;
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition: () => boolean, ms = 60_000): Promise<boolean> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > ms) return false;
    await sleep(20);
  }
  return true;
}

it("the radio, per-person caps, a browser relay and what relays see", async () => {
  vi.spyOn(console, "warn").mockImplementation(() => undefined);
  const nodes = await startNodeSignaling("bench-radio");
  const { Radio } = await import("../src/shared/radio.ts");
  const { heldBytes } = await import("../src/shared/frame-channel.ts");
  const { signaling, register } = nodes;
  const raw = (channel: DataConnection, bytes: ArrayBuffer) =>
    (channel as unknown as { dataChannel: RTCDataChannel }).dataChannel.send(bytes);

  // Before: a stock PeerJS Peer receives (the radio used PeerJS's BinaryPack connection).
  // After: the radio, with the hub's end of its port here.
  const stock = await register();
  const delivered = { stock: 0, radio: 0 };
  const stockChannels: DataConnection[] = [];
  stock.on("connection", (c) => {
    stockChannels.push(c);
    c.on("data", () => void delivered.stock++);
  });
  /** What stock PeerJS holds of incomplete messages (its BinaryPack connection's `_chunkedData`). */
  const stockHeld = () => {
    let messages = 0;
    let bytes = 0;
    for (const c of stockChannels) {
      const chunked = (c as unknown as { _chunkedData: Record<string, { data: Uint8Array[] }> })._chunkedData;
      for (const info of Object.values(chunked)) {
        messages += 1;
        for (const part of info.data) bytes += part?.byteLength ?? 0;
      }
    }
    return { messages, bytes };
  };
  const identity = await generateIdentity(Date.now());
  const ports = new MessageChannel();
  const radio = new Radio(ports.port1);
  const fromRadio: RadioToHub[] = [];
  ports.port2.onmessage = (event: MessageEvent<RadioToHub>) => {
    fromRadio.push(event.data);
    if (event.data.t === "frame") delivered.radio++;
  };
  ports.port2.start();
  ports.port2.postMessage({
    t: "start",
    peerId: identity.peerId,
    token: await registrationToken(identity),
    signaling: { ...signaling, iceServers: [], iceTransportPolicy: "all" },
  });
  await until(() => fromRadio.some((m) => m.t === "registered"));

  async function attack(target: string, send: (channel: DataConnection) => void) {
    const attacker = await register();
    const channel = attacker.connect(target, { reliable: true, serialization: "binary" });
    if (!(await until(() => channel.open, 20_000))) throw new Error(`no channel to ${target}`);
    const before = heap();
    send(channel);
    // Until the receiver closed the channel, or it has had time to take everything in.
    await until(() => !channel.open, 15_000);
    await sleep(500);
    const held = heap() - before;
    const closed = !channel.open;
    attacker.destroy();
    return { held, closed };
  }

  // 11a. 4,000 messages begun, never finished: chunk 0 of 2 of 16 KB each (64 MB sent).
  const incomplete = (channel: DataConnection) => {
    const part = new ArrayBuffer(16_000);
    for (let id = 1; id <= 4_000 && channel.open; id++)
      raw(channel, pack({ __peerData: id, n: 0, data: part, total: 2 }) as ArrayBuffer);
  };
  console.log("bench: radio registered");
  const a1 = await attack(stock.id, incomplete);
  const held1 = stockHeld();
  console.log("bench: 11a before done");
  const a2 = await attack(identity.peerId, incomplete);
  rows.push(
    `| 11 4,000 incomplete PeerJS messages before HELLO | 62.5 MB | ${held1.messages} incomplete messages, ${mb(held1.bytes)} held, channel open: ${!a1.closed} | radio holds ${heldBytes()} B, channel closed: ${a2.closed} |`,
  );

  // 11b. One 8.4 MB message in PeerJS chunks.
  const [before8, after8] = [delivered.stock, delivered.radio];
  const huge = (channel: DataConnection) => {
    const part = new ArrayBuffer(16_300);
    const total = Math.ceil(8_400_000 / 16_300);
    for (let n = 0; n < total && channel.open; n++)
      raw(channel, pack({ __peerData: 9, n, data: part, total }) as ArrayBuffer);
  };
  await attack(stock.id, huge);
  const b2 = await attack(identity.peerId, huge);
  rows.push(
    `| 11 one 8.4 MB message | 8.4 MB | ${delivered.stock - before8} delivered (the 8.4 MB joined in one buffer) | ${delivered.radio - after8} delivered (cap 256 KiB), channel closed: ${b2.closed} |`,
  );
  rows.push(
    "| 11 five bytes `dd ff ff ff ff` (a 2^32-element array) | 5 B | the receiving process ran out of heap (seen in tests/unit/radio-reassembly.test.ts on the old radio; not run here) | refused at once, channel closed |",
  );
  radio.shutdown();
  stock.destroy();
  await nodes.close();

  // 9. One identity writes 2,200 chat messages to the user.
  const FLOOD = 2_200;
  const peers: TestPeer[] = [];
  async function flood(perPerson: number) {
    const network = new MemoryNetwork();
    const me = await buildPeer(network, { memory: true, perPerson: { messages: perPerson } });
    const mallory = await buildPeer(network, { memory: true });
    peers.push(me, mallory);
    network.connect(me.id, mallory.id);
    await until(() => me.session.readyPeers().includes(mallory.id) && mallory.session.readyPeers().includes(me.id));
    const since = network.sent.length;
    // Inside the rate limits (100 frames a second): 90 a second.
    const start = Date.now();
    for (let i = 0; i < FLOOD; i++) {
      await mallory.chat.send(me.id, "listing-topic-1", `Flood ${i} ${"x".repeat(100)}`);
      const ahead = start + ((i + 1) * 1000) / 90 - Date.now();
      if (ahead > 0) await sleep(ahead);
    }
    const acks = () => network.sent.filter((s) => s.from === me.id && (s.frame as { type: string }).type === "ACK");
    await until(() => acks().length >= FLOOD, 60_000);
    const bytesIn = network.sent
      .slice(since)
      .filter((s) => s.from === mallory.id)
      .reduce((n, s) => n + JSON.stringify(s.frame).length, 0);
    const stored = (await me.store.listMessages()).length;
    return { bytesIn, stored };
  }
  console.log("bench: radio rows done");
  const f1 = await flood(1e9);
  const f2 = await flood(2_000);
  rows.push(
    `| 9 2,200 chat messages from one identity, 90 a second | ${mb(f1.bytesIn)} | ${f1.stored} stored | ${f2.stored} stored, the rest answered "refused" |`,
  );

  // 15. Ten sybils, 20 frames each, to two absent recipients, then an author seen before.
  /** A peer whose dials reach nobody, as between users behind two NATs: mail must go by relay. */
  async function isolated(network: MemoryNetwork, options: Parameters<typeof buildPeer>[1] = {}) {
    const peer = await buildPeer(network, { memory: true, ...options });
    peer.link.dial = () => undefined;
    peers.push(peer);
    return peer;
  }
  async function sybils(limits: { maxHeldPerRecipient: number; newcomerShare: number }) {
    const network = new MemoryNetwork();
    const r = await isolated(network, { relayLimits: limits });
    const [known, b, c] = [await isolated(network), await isolated(network), await isolated(network)];
    const knows = async (who: TestPeer, other: TestPeer) =>
      who.store.rememberPeer({
        id: other.id,
        publicKey: other.identity.publicKey,
        lastSeen: 0,
        ...(await agreementCard(other.identity)),
      });
    const link = async (x: TestPeer, y: TestPeer) => {
      network.connect(x.id, y.id);
      await until(() => x.session.readyPeers().includes(y.id) && y.session.readyPeers().includes(x.id));
    };
    await knows(known, b);
    await link(known, r);
    await link(r, b);
    // An author the relay has seen deliver: B answered its first message through R.
    const first = await known.chat.send(b.id, "listing-topic-1", "hello");
    const delivered = async () => (await known.store.getMessage(first.author, first.id))?.status === "delivered";
    for (let i = 0; i < 100 && !(await delivered()); i++) await sleep(20);
    r.link.hangUp(b.id);
    r.link.hangUp(known.id);
    await sleep(100);
    for (let n = 0; n < 10; n++) {
      const sybil = await isolated(network);
      await knows(sybil, b);
      await knows(sybil, c);
      await link(sybil, r);
      for (let i = 0; i < 20; i++) await sybil.chat.send(i % 2 ? b.id : c.id, "listing-topic-1", `spam ${i}`);
      await until(() => r.mailbox.relayStats().held + r.mailbox.relayStats().refused >= (n + 1) * 20, 10_000);
      sybil.link.hangUp(r.id);
    }
    const held = r.mailbox.relayStats().held;
    await link(known, r);
    await known.chat.send(b.id, "listing-topic-1", "are you there?");
    const taken = await until(() => r.mailbox.relayStats().held > held, 3_000);
    return { held, taken };
  }
  console.log("bench: flood rows done");
  const s1 = await sybils({ maxHeldPerRecipient: 200, newcomerShare: 1 });
  const s2 = await sybils({ maxHeldPerRecipient: 50, newcomerShare: 0.5 });
  rows.push(
    `| 15 ten sybils × 20 frames at a browser relay | 200 frames | ${s1.held} of 200 held; the known author's mail ${s1.taken ? "held" : "refused"} | ${s2.held} held; the known author's mail ${s2.taken ? "held" : "refused"} |`,
  );

  // 18. What a relay sees: ciphertext length of a 2- and a 150-character chat.
  const [alice, bob] = [await generateIdentity(1), await generateIdentity(2)];
  const bobKey = (await agreementCard(bob)).agreementKey;
  const body = (text: string) => ({ topic: "listing-topic-1", text, createdAt: 1 });
  const length = (sealed: { ciphertext: string }) => (base64urlDecode(sealed.ciphertext) as Uint8Array).byteLength;
  const old = await Promise.all(
    ["ok", "x".repeat(150)].map((t) =>
      sealUnpadded(alice, "CHAT_MESSAGE", bob.peerId, bobKey, newMessageId(), body(t)),
    ),
  );
  const now = await Promise.all(
    ["ok", "x".repeat(150)].map((t) => seal(alice, "CHAT_MESSAGE", bob.peerId, bobKey, newMessageId(), body(t))),
  );
  rows.push(
    `| 18 a relay reads a chat's length | – | ${old.map(length).join(" B vs ")} B | ${now.map(length).join(" B vs ")} B (bucket 256 + tag) |`,
  );
  rows.push(
    "| 18 a relay reads a receipt's status | – | delivered / read / refused in clear | sealed: 59 characters whatever the status |",
  );
  for (const peer of peers) await peer.close();

  console.log(
    ["| attack (review item) | bytes in | before | after |", "| --- | --- | --- | --- |", ...rows].join("\n"),
  );
}, 600_000);
