// Byte limits count what a frame took on the wire when the transport knows it: JSON measures a
// binary value as `{}`, so a frame carrying megabytes of it used to cost its sender 50 bytes.

import { afterEach, expect, it, vi } from "vitest";
import { generateIdentity } from "../../src/core/crypto.ts";
import { frameSize } from "../../src/core/wire.ts";
import { InjectLink } from "../support/inject-link.ts";
import { MemoryNetwork } from "../support/memory-link.ts";
import { buildPeer, type TestPeer } from "../support/peers.ts";

const peers: TestPeer[] = [];
afterEach(async () => {
  for (const peer of peers.splice(0)) await peer.close();
});

it("a frame of 1 MiB on the wire costs 1 MiB of its sender's byte allowance, whatever JSON says", async () => {
  const link = new InjectLink();
  const hub = await buildPeer(new MemoryNetwork(), { ports: { link }, helloTimeoutMs: 60_000 });
  peers.push(hub);
  const stranger = (await generateIdentity(Date.now())).peerId;
  link.up(stranger);
  const binary = { v: 1, type: "PEER_LIST", id: "b", peers: new ArrayBuffer(1 << 20) };
  expect(frameSize(binary)).toBeLessThan(100);
  const flood = vi.spyOn(hub.session.policy, "strike");
  // The burst allowance is 16 MiB: the seventeenth such frame is a flood.
  for (let i = 0; i < 17; i++) link.inject(stranger, binary, 1 << 20);
  const session = hub.session.connectedPeers().find((p) => p.id === stranger);
  expect(session?.bytesIn).toBe(17 * (1 << 20));
  expect(flood.mock.calls.filter(([, offence]) => offence === "flood")).toHaveLength(1);
});

it("frames without a wire size are counted by their JSON", async () => {
  const link = new InjectLink();
  const hub = await buildPeer(new MemoryNetwork(), { ports: { link }, helloTimeoutMs: 60_000 });
  peers.push(hub);
  const stranger = (await generateIdentity(Date.now())).peerId;
  link.up(stranger);
  const small = { v: 1, type: "PEER_LIST", id: "s", peers: [] };
  const flood = vi.spyOn(hub.session.policy, "strike");
  for (let i = 0; i < 17; i++) link.inject(stranger, small);
  expect(hub.session.connectedPeers().find((p) => p.id === stranger)?.bytesIn).toBe(17 * frameSize(small));
  expect(flood.mock.calls.filter(([, offence]) => offence === "flood")).toHaveLength(0);
});
