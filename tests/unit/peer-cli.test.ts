// The always-on peer's command line (cli-args.ts, bin/peerboard-peer.js) and its --demo board.

import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { isVisible, verifyListing } from "../../src/core/listings/records.ts";
import { verifyProfile } from "../../src/core/profiles/profile.ts";
import { DEFAULT_MAX_STORAGE, parsePeerArgs, parseSize } from "../../src/node/cli-args.ts";
import { seedDemoBoard } from "../../src/node/demo.ts";
import { MemoryStore } from "../support/memory-store.ts";

const run = promisify(execFile);

describe("peerboard-peer arguments", () => {
  it("needs --server and --data, and defaults the rest", () => {
    const parsed = parsePeerArgs(["--server", "http://127.0.0.1:8080", "--data", "/var/lib/peer"]);
    expect(parsed).toEqual({
      kind: "run",
      options: {
        server: new URL("http://127.0.0.1:8080/"),
        data: "/var/lib/peer",
        maxStorage: DEFAULT_MAX_STORAGE,
        demo: 0,
        name: "Community peer",
        maxConnections: 64,
      },
    });
    expect(parsePeerArgs(["--data", "/x"])).toMatchObject({
      kind: "error",
      message: expect.stringMatching(/--server/),
    });
    expect(parsePeerArgs(["--server", "http://a/"])).toMatchObject({
      kind: "error",
      message: expect.stringMatching(/--data/),
    });
  });

  it("reads sizes, demo counts and names, and says what is wrong with bad ones", () => {
    const base = ["--server", "https://board.example.org/app", "--data", "d"];
    const ok = parsePeerArgs([...base, "--max-storage", "500MB", "--demo", "10000", "--name", "Riverside peer"]);
    expect(ok).toMatchObject({
      kind: "run",
      options: { maxStorage: 500 * 1024 ** 2, demo: 10_000, name: "Riverside peer" },
    });
    // A path on the server keeps its trailing slash, so ice.json resolves beside the app.
    expect(ok.kind === "run" && ok.options.server.href).toBe("https://board.example.org/app/");
    expect(parseSize("2GB")).toBe(2 * 1024 ** 3);
    expect(parseSize("1.5 g")).toBe(1.5 * 1024 ** 3);
    expect(parseSize("1048576")).toBe(1048576);
    expect(parseSize("lots")).toBeUndefined();
    expect(parsePeerArgs([...base, "--max-storage", "lots"])).toMatchObject({ kind: "error" });
    expect(parsePeerArgs([...base, "--demo", "-3"])).toMatchObject({ kind: "error" });
    expect(parsePeerArgs([...base, "--max-connections", "0"])).toMatchObject({ kind: "error" });
    expect(parsePeerArgs(["--server", "ftp://x/", "--data", "d"])).toMatchObject({ kind: "error" });
    expect(parsePeerArgs([...base, "--frobnicate"])).toMatchObject({
      kind: "error",
      message: expect.stringMatching(/frobnicate/),
    });
    expect(parsePeerArgs(["--help"])).toEqual({ kind: "help" });
    expect(parsePeerArgs(["-h", "--server", "x"])).toEqual({ kind: "help" });
  });

  it("--help prints the usage and exits 0; a missing option exits 2 and says which", async () => {
    const help = await run(process.execPath, ["bin/peerboard-peer.js", "--help"]);
    expect(help.stdout).toMatch(/^Usage: peerboard-peer --server <URL> --data <DIR>/);
    expect(help.stdout).toContain("--max-storage");
    expect(help.stdout).toContain("--demo");
    const failed = await run(process.execPath, ["bin/peerboard-peer.js", "--data", "/tmp/x"]).catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect(failed).toMatchObject({ code: 2, stderr: expect.stringContaining("--server") });
  }, 20_000);
});

describe("--demo", () => {
  it("fills an empty store with signed listings from about N/100 sellers with profiles and photos", async () => {
    const store = new MemoryStore();
    const now = Date.now();
    const result = await seedDemoBoard(store, 300, now);
    expect(result).toEqual({ listings: 300, sellers: 3 });
    const listings = await store.listListings();
    expect(listings).toHaveLength(300);
    for (const listing of listings) {
      expect(await verifyListing(listing, now)).toMatchObject({ ok: true });
      expect(isVisible(listing, now)).toBe(true);
    }
    const profiles = await store.listProfiles();
    expect(profiles).toHaveLength(3);
    for (const profile of profiles) expect(await verifyProfile(profile, now)).toEqual({ ok: true });
    expect(new Set(listings.map((l) => l.author))).toEqual(new Set(profiles.map((p) => p.peerId)));
    // Lively: varied categories, titles, places and prices.
    expect(new Set(listings.map((l) => l.category)).size).toBeGreaterThanOrEqual(5);
    expect(new Set(listings.map((l) => l.title)).size).toBeGreaterThan(30);
    expect(new Set(listings.map((l) => l.location)).size).toBeGreaterThan(4);
    expect(new Set(listings.map((l) => l.price)).size).toBeGreaterThan(20);
    // Some carry a photo: a WebP whose bytes hash to what the signed listing says.
    const refs = listings.flatMap((l) => l.images);
    expect(refs.length).toBeGreaterThan(20);
    for (const ref of new Map(refs.map((r) => [r.hash, r])).values()) {
      const blob = await store.getImage(ref.hash);
      const bytes = new Uint8Array(await (blob as Blob).arrayBuffer());
      expect(Buffer.from(await crypto.subtle.digest("SHA-256", bytes)).toString("base64url")).toBe(ref.hash);
      expect(bytes.length).toBe(ref.bytes);
      expect(Buffer.from(bytes.subarray(0, 4)).toString()).toBe("RIFF");
      expect(Buffer.from(bytes.subarray(8, 16)).toString()).toBe("WEBPVP8L");
      expect(ref.type).toBe("image/webp");
    }
  });
});
