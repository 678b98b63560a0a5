// The gate in front of PeerServer's WebSocket: Origin, message size, per-address caps.

import { describe, expect, it } from "vitest";
import WebSocket from "ws";
import { closed, connect, nextMessage, register, serve, describe as show } from "./fixture.ts";

describe("Origin", () => {
  it("a page of another origin is refused with 403 before PeerServer sees it; the server's own origin registers", async () => {
    const server = await serve();
    const foreign = await connect(server, { id: "pb-a", token: "t", origin: "https://evil.example" });
    expect(show(foreign)).toMatchObject({ kind: "refused", status: 403 });
    // Refused before registration: the id is still free for its owner.
    const own = new URL(server.url).origin;
    await register(server, { id: "pb-a", token: "t2", origin: own });
  });

  it("a client without Origin (a Node peer) registers", async () => {
    const server = await serve();
    await register(server, { id: "pb-node", token: "t" });
  });

  it("ALLOWED_ORIGINS replaces the same-host rule", async () => {
    const server = await serve({ allowedOrigins: ["https://board.example.org"] });
    await register(server, { id: "pb-a", token: "t", origin: "https://board.example.org" });
    const own = await connect(server, { id: "pb-b", token: "t", origin: new URL(server.url).origin });
    expect(show(own)).toMatchObject({ kind: "refused", status: 403 });
  });

  it("an upgrade to any other path is refused", async () => {
    const server = await serve();
    const ws = new WebSocket(server.url.replace(/^http/, "ws"));
    const status = await new Promise<number>((resolve) =>
      ws.once("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0)),
    );
    expect(status).toBe(404);
  });
});

describe("message size", () => {
  it("a message over maxMessageBytes closes the socket (1009); one under it is relayed", async () => {
    const server = await serve({ maxMessageBytes: 4096 });
    const alice = await register(server, { id: "pb-alice", token: "t" });
    const bob = await register(server, { id: "pb-bob", token: "t" });
    const relayed = nextMessage(bob);
    alice.send(JSON.stringify({ type: "OFFER", dst: "pb-bob", payload: { sdp: "x".repeat(3000) } }));
    expect(await relayed).toMatchObject({ type: "OFFER", src: "pb-alice", dst: "pb-bob" });

    const gone = closed(alice);
    alice.send(JSON.stringify({ type: "OFFER", dst: "pb-bob", payload: { sdp: "x".repeat(5000) } }));
    expect(await gone).toBe(1009);
  });

  it("the default cap is 64 KiB, not ws's 100 MiB", async () => {
    const server = await serve();
    const alice = await register(server, { id: "pb-alice", token: "t" });
    const gone = closed(alice);
    alice.send(JSON.stringify({ type: "OFFER", dst: "pb-bob", payload: "x".repeat(65 * 1024) }));
    expect(await gone).toBe(1009);
  });
});

describe("per-address caps", () => {
  const from = (address: string) => ({ "x-forwarded-for": address });

  it("open sockets are capped per address; a closed socket frees its slot; other addresses are counted apart", async () => {
    const server = await serve({ trustProxy: 1, maxSocketsPerIp: 3 });
    const open = [];
    for (let i = 0; i < 3; i++)
      open.push(await register(server, { id: `pb-${i}`, token: "t", headers: from("10.0.0.1") }));
    const fourth = await connect(server, { id: "pb-3", token: "t", headers: from("10.0.0.1") });
    expect(show(fourth)).toMatchObject({ kind: "refused", status: 429 });
    await register(server, { id: "pb-other", token: "t", headers: from("10.0.0.2") });

    const gone = closed(open[0] as WebSocket);
    open[0]?.close();
    await gone;
    await expect
      .poll(async () => (await connect(server, { id: "pb-3", token: "t", headers: from("10.0.0.1") })).kind)
      .toBe("message");
  });

  it("registrations are rate-capped per address, with Retry-After", async () => {
    const server = await serve({ trustProxy: 1, maxRegistrationsPerMinute: 3 });
    for (let i = 0; i < 3; i++)
      (await register(server, { id: `pb-${i}`, token: "t", headers: from("10.0.0.1") })).close();
    const fourth = await connect(server, { id: "pb-3", token: "t", headers: from("10.0.0.1") });
    expect(show(fourth)).toMatchObject({ kind: "refused", status: 429 });
    expect(fourth.kind === "refused" && Number(fourth.headers["retry-after"])).toBeGreaterThanOrEqual(1);
    await register(server, { id: "pb-3", token: "t", headers: from("10.0.0.2") });
  });

  it("IPv6 addresses of one /64 share a cap", async () => {
    const server = await serve({ trustProxy: 1, maxSocketsPerIp: 1 });
    await register(server, { id: "pb-a", token: "t", headers: from("2001:db8:1:2::10") });
    const sameSubnet = await connect(server, { id: "pb-b", token: "t", headers: from("2001:db8:1:2:abcd::1") });
    expect(show(sameSubnet)).toMatchObject({ kind: "refused", status: 429 });
    await register(server, { id: "pb-c", token: "t", headers: from("2001:db8:1:3::10") });
  });

  it("without TRUST_PROXY, X-Forwarded-For is ignored: every socket counts against the real address", async () => {
    const server = await serve({ maxSocketsPerIp: 2 });
    await register(server, { id: "pb-0", token: "t", headers: from("10.0.0.1") });
    await register(server, { id: "pb-1", token: "t", headers: from("10.0.0.2") });
    const third = await connect(server, { id: "pb-2", token: "t", headers: from("10.0.0.3") });
    expect(show(third)).toMatchObject({ kind: "refused", status: 429 });
  });

  it("with TRUST_PROXY=1 a spoofed X-Forwarded-For entry before the proxy's own does not count", async () => {
    const server = await serve({ trustProxy: 1, maxSocketsPerIp: 1 });
    await register(server, { id: "pb-0", token: "t", headers: from("6.6.6.1, 10.0.0.1") });
    const spoofed = await connect(server, { id: "pb-1", token: "t", headers: from("6.6.6.2, 10.0.0.1") });
    expect(show(spoofed)).toMatchObject({ kind: "refused", status: 429 });
  });

  it("the defaults let 20 browsers on one address register at once", async () => {
    const server = await serve();
    await Promise.all(Array.from({ length: 20 }, (_, i) => register(server, { id: `pb-${i}`, token: "t" })));
  });
});

describe("misbehaving clients", () => {
  it("a socket that sends more than its byte budget is dropped; one within it is not", async () => {
    const server = await serve({ maxSocketBytesPerSecond: 10_000 });
    const polite = await register(server, { id: "pb-polite", token: "t" });
    const flood = await register(server, { id: "pb-flood", token: "t" });
    const chunk = JSON.stringify({ type: "OFFER", dst: "pb-nobody", payload: "x".repeat(1000) });
    const gone = closed(flood);
    // 60 KB at once: over the 40 KB burst (4 s at 10 KB/s).
    for (let i = 0; i < 60; i++) flood.send(chunk);
    expect(await gone).toBe(1006);
    for (let i = 0; i < 20; i++) polite.send(chunk);
    const bob = await register(server, { id: "pb-bob", token: "t" });
    const relayed = nextMessage(bob);
    polite.send(JSON.stringify({ type: "OFFER", dst: "pb-bob", payload: {} }));
    expect(await relayed).toMatchObject({ src: "pb-polite" });
    expect(polite.readyState).toBe(WebSocket.OPEN);
  });

  it("a message that is not JSON is dropped and the server stays up for everyone else", async () => {
    const server = await serve();
    const rude = await register(server, { id: "pb-rude", token: "t" });
    rude.send("not json");
    rude.send("{");
    const alice = await register(server, { id: "pb-alice", token: "t" });
    const bob = await register(server, { id: "pb-bob", token: "t" });
    const relayed = nextMessage(bob);
    alice.send(JSON.stringify({ type: "CANDIDATE", dst: "pb-bob", payload: { candidate: "c" } }));
    expect(await relayed).toMatchObject({ type: "CANDIDATE", src: "pb-alice" });
  });
});
