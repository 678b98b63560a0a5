// The always-on peer's view of its surroundings: the community's ICE settings (ice.ts), fetched
// again before their TURN credentials expire, and its store's size for the QuotaKeeper
// (storage-size.ts), which must shrink when rows go even though the file does not.

import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startServer } from "../../server/server.js";
import { generateIdentity } from "../../src/core/crypto.ts";
import { createListing } from "../../src/core/listings/draft.ts";
import type { Clock } from "../../src/core/ports.ts";
import { IceSettings } from "../../src/node/ice.ts";
import { openSqliteStore } from "../../src/node/sqlite-store.ts";
import { sqliteStorageEstimator } from "../../src/node/storage-size.ts";
import { draft } from "./fixtures.ts";

describe("ICE settings", () => {
  it("come from the server's /ice.json and are fetched again before the credentials expire", async () => {
    // Only /ice.json is needed: a one-file app stands in for the build (unit tests run before it).
    const dist = await mkdtemp(join(tmpdir(), "peerboard-ice-"));
    await writeFile(join(dist, "index.html"), "<!doctype html><title>ice</title>");
    const server = await startServer({
      port: 0,
      host: "127.0.0.1",
      dist,
      turnUrls: ["turn:127.0.0.1:3478?transport=udp"],
      turnSecret: "shared-secret",
      turnTtlSeconds: 600,
    });
    const timers: { fn: () => void; ms: number }[] = [];
    let now = Date.now();
    const clock: Clock = {
      now: () => now,
      setTimeout: (fn, ms) => {
        timers.push({ fn, ms });
        return { timer: timers.length };
      },
      clearTimeout: () => undefined,
    };
    const warnings: string[] = [];
    const ice = new IceSettings(new URL(server.url), clock, { warn: (m) => warnings.push(m), error: () => undefined });
    try {
      await ice.start();
      // The server dates the credentials when it answers, after the frozen clock's `now`.
      const fetchMs = Date.now() - now;
      const first = ice.current();
      expect(first.iceTransportPolicy).toBe("all");
      expect(first.iceServers[0]).toMatchObject({ urls: ["turn:127.0.0.1:3478?transport=udp"] });
      expect(first.iceServers[0]?.username).toMatch(/^\d+:/);
      // Next fetch: a minute before the 10-minute credentials run out.
      expect(timers).toHaveLength(1);
      expect(timers[0]?.ms).toBeGreaterThan(8 * 60_000);
      expect(timers[0]?.ms).toBeLessThanOrEqual(9 * 60_000 + fetchMs);
      now += 5_000;
      await new Promise((resolve) => setTimeout(resolve, 1_100)); // a new expiry second
      timers[0]?.fn();
      await expect.poll(() => ice.current().iceServers[0]?.username).not.toBe(first.iceServers[0]?.username);
      expect(timers).toHaveLength(2);
      expect(warnings).toEqual([]);
    } finally {
      ice.stop();
      await server.close();
    }
  });

  it("an unreachable server leaves the peer without STUN/TURN and tries again soon", async () => {
    const timers: number[] = [];
    const clock: Clock = {
      now: Date.now,
      setTimeout: (_fn, ms) => {
        timers.push(ms);
        return { timer: 0 };
      },
      clearTimeout: () => undefined,
    };
    const warnings: string[] = [];
    const ice = new IceSettings(new URL("http://127.0.0.1:9/"), clock, {
      warn: (m) => warnings.push(m),
      error: () => undefined,
    });
    await ice.start();
    expect(ice.current()).toEqual({ iceServers: [], iceTransportPolicy: "all" });
    expect(warnings[0]).toMatch(/could not fetch the ICE settings/);
    expect(timers[0]).toBe(15_000);
  });
});

describe("the store's size for --max-storage", () => {
  it("counts the live pages, so it falls when listings are pruned though the file does not shrink", async () => {
    const file = join(await mkdtemp(join(tmpdir(), "peer-size-")), "peer.sqlite");
    const store = await openSqliteStore(file);
    const size = sqliteStorageEstimator(file, 10 * 1024 ** 2);
    try {
      const empty = (await size.estimate())?.usage ?? 0;
      const author = await generateIdentity(Date.now());
      const listings = await Promise.all(
        Array.from({ length: 300 }, (_, i) =>
          createListing(author, draft({ title: `Listing ${i}`, description: "d".repeat(2_000) }), Date.now()),
        ),
      );
      await store.putListingsIf(listings, () => true);
      const full = await size.estimate();
      expect(full?.quota).toBe(10 * 1024 ** 2);
      expect((full?.usage ?? 0) - empty).toBeGreaterThan(300 * 2_000);
      for (const listing of listings) await store.deleteListingIf(listing.id, () => true);
      expect((await size.estimate())?.usage ?? 0).toBeLessThan((full?.usage ?? 0) / 2);
    } finally {
      size.close();
      store.close();
    }
  });
});
