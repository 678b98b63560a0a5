// Discovery answers a bounded random sample of the ids online, all of them real.

import { describe, expect, it } from "vitest";
import { OnlineIds } from "../../server/discovery.js";
import { closed, openSocket, register, serve } from "./fixture.ts";

async function peers(url: string): Promise<{ status: number; ids: string[] }> {
  const response = await fetch(new URL("peerjs/peerjs/peers", url));
  return { status: response.status, ids: response.status === 200 ? await response.json() : [] };
}

describe("discovery", () => {
  it("with 80 ids online, GET peers answers at most 50, all distinct and online, and not always the same 50", async () => {
    const server = await serve({ maxSocketsPerIp: 100 });
    const ids = Array.from({ length: 80 }, (_, i) => `pb-${i}`);
    await Promise.all(ids.map((id) => register(server, { id, token: "t" })));
    const seen = new Set<string>();
    for (let round = 0; round < 5; round++) {
      const { status, ids: sample } = await peers(server.url);
      expect(status).toBe(200);
      expect(sample.length).toBe(50);
      expect(new Set(sample).size).toBe(50);
      for (const id of sample) {
        expect(ids).toContain(id);
        seen.add(id);
      }
    }
    expect(seen.size).toBeGreaterThan(50);
  });

  it("an id leaves the sample when its socket closes; the sample size is configurable", async () => {
    const server = await serve({ discoverySample: 2 });
    const alice = await register(server, { id: "pb-alice", token: "t" });
    await register(server, { id: "pb-bob", token: "t" });
    await register(server, { id: "pb-carol", token: "t" });
    expect((await peers(server.url)).ids).toHaveLength(2);
    const gone = closed(alice);
    alice.close();
    await gone;
    await expect.poll(async () => (await peers(server.url)).ids.sort()).toEqual(["pb-bob", "pb-carol"]);
  });

  it("an id taken over by a second tab stays listed once", async () => {
    const server = await serve();
    await register(server, { id: "pb-alice", token: "t" });
    await openSocket(server, { id: "pb-alice", token: "t" });
    expect((await peers(server.url)).ids).toEqual(["pb-alice"]);
  });

  it("is refused with 401 when discovery is off", async () => {
    const server = await serve({ allowDiscovery: false });
    await register(server, { id: "pb-alice", token: "t" });
    expect((await peers(server.url)).status).toBe(401);
  });
});

describe("OnlineIds", () => {
  it("samples uniformly: every id of 10 turns up when sampling 3 many times, and removal keeps the rest", () => {
    const online = new OnlineIds();
    for (let i = 0; i < 10; i++) online.add(`id${i}`);
    online.add("id3");
    expect(online.size).toBe(10);
    const counts = new Map<string, number>();
    for (let round = 0; round < 2000; round++) {
      const sample = online.sample(3);
      expect(new Set(sample).size).toBe(3);
      for (const id of sample) counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    // Expected 600 each; a biased sampler (say, always the first ids) falls far outside.
    for (const count of counts.values()) expect(count).toBeGreaterThan(450);
    expect(counts.size).toBe(10);
    online.delete("id0");
    online.delete("id9");
    online.delete("missing");
    expect(online.sample(100).sort()).toEqual(["id1", "id2", "id3", "id4", "id5", "id6", "id7", "id8"]);
  });
});
