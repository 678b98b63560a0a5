// GET /ice.json: the community's STUN/TURN settings, and the start refusing settings it cannot use.

import { execFile } from "node:child_process";
import { createHmac } from "node:crypto";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { ConfigError, optionsFromEnv, startServer } from "../../server/server.js";
import { type ServerOptions, serve } from "./fixture.ts";

async function ice(options: ServerOptions) {
  const server = await serve(options);
  const response = await fetch(new URL("ice.json", server.url));
  expect(response.status).toBe(200);
  expect(response.headers.get("cache-control")).toBe("no-store");
  expect(response.headers.get("content-type")).toMatch(/^application\/json/);
  return response.json();
}

const env = (vars: Record<string, string>) => optionsFromEnv(vars);

describe("GET /ice.json", () => {
  it("with nothing set: no ICE servers at all (no third-party STUN), policy all, nothing expires", async () => {
    expect(await ice(env({}))).toEqual({ iceServers: [], iceTransportPolicy: "all", expiresAt: null });
  });

  it("STUN only", async () => {
    expect(await ice(env({ STUN_URLS: "stun:stun.example.org:3478, stuns:stun.example.org" }))).toEqual({
      iceServers: [{ urls: ["stun:stun.example.org:3478", "stuns:stun.example.org"] }],
      iceTransportPolicy: "all",
      expiresAt: null,
    });
  });

  it("TURN_SECRET mints TURN REST credentials that coturn can check: HMAC-SHA1 of '<expiry>:<label>'", async () => {
    const before = Date.now();
    const settings = await ice(
      env({
        STUN_URLS: "stun:turn.example.org",
        TURN_URLS: "turn:turn.example.org:3478?transport=udp,turns:turn.example.org:5349?transport=tcp",
        TURN_SECRET: "north-wind",
        TURN_TTL_SECONDS: "3600",
      }),
    );
    const turn = settings.iceServers[1];
    expect(turn.urls).toEqual([
      "turn:turn.example.org:3478?transport=udp",
      "turns:turn.example.org:5349?transport=tcp",
    ]);
    const [expiry, label] = turn.username.split(":");
    expect(label).toMatch(/^[0-9a-f]{12}$/);
    expect(Number(expiry)).toBeGreaterThanOrEqual(Math.floor(before / 1000) + 3600);
    expect(Number(expiry)).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + 3600);
    expect(turn.credential).toBe(createHmac("sha1", "north-wind").update(turn.username).digest("base64"));
    expect(settings.expiresAt).toBe(Number(expiry) * 1000);
    expect(settings.iceTransportPolicy).toBe("all");
  });

  it("credentials are minted per request and default to 12 hours", async () => {
    const server = await serve(env({ TURN_URLS: "turn:turn.example.org", TURN_SECRET: "s" }));
    const [a, b] = await Promise.all([1, 2].map(async () => (await fetch(new URL("ice.json", server.url))).json()));
    expect(a.iceServers[0].username).not.toBe(b.iceServers[0].username);
    expect(a.expiresAt - Date.now()).toBeGreaterThan(12 * 3600_000 - 60_000);
    expect(a.expiresAt - Date.now()).toBeLessThanOrEqual(12 * 3600_000);
  });

  it("a fixed TURN account is passed as is and never expires", async () => {
    expect(await ice(env({ TURN_URLS: "turn:192.0.2.7:3478", TURN_USERNAME: "board", TURN_CREDENTIAL: "pw" }))).toEqual(
      {
        iceServers: [{ urls: ["turn:192.0.2.7:3478"], username: "board", credential: "pw" }],
        iceTransportPolicy: "all",
        expiresAt: null,
      },
    );
  });

  it("ICE_TRANSPORT_POLICY=relay is passed on", async () => {
    const settings = await ice(
      env({ TURN_URLS: "turns:[2001:db8::1]:5349", TURN_SECRET: "s", ICE_TRANSPORT_POLICY: "relay" }),
    );
    expect(settings.iceTransportPolicy).toBe("relay");
  });
});

describe("settings refused at start", () => {
  const refused: [string, Record<string, string>, RegExp][] = [
    ["a STUN URL with another scheme", { STUN_URLS: "https://stun.example.org" }, /STUN_URLS.*malformed/],
    ["a STUN URL with a bad port", { STUN_URLS: "stun:stun.example.org:99999" }, /STUN_URLS/],
    ["a TURN URL given as STUN", { TURN_URLS: "stun:x.example.org", TURN_SECRET: "s" }, /TURN_URLS.*malformed/],
    [
      "a TURN transport that does not exist",
      { TURN_URLS: "turn:x.example.org?transport=sctp", TURN_SECRET: "s" },
      /TURN_URLS/,
    ],
    ["TURN without credentials", { TURN_URLS: "turn:x.example.org" }, /no credentials/],
    ["a username without its credential", { TURN_URLS: "turn:x.example.org", TURN_USERNAME: "u" }, /go together/],
    [
      "a secret and a fixed account",
      { TURN_URLS: "turn:x.example.org", TURN_SECRET: "s", TURN_USERNAME: "u", TURN_CREDENTIAL: "c" },
      /either/,
    ],
    ["credentials without TURN_URLS", { TURN_SECRET: "s" }, /TURN_URLS is empty/],
    ["relay without TURN", { ICE_TRANSPORT_POLICY: "relay" }, /needs TURN_URLS/],
    ["an unknown policy", { ICE_TRANSPORT_POLICY: "direct" }, /"all" or "relay"/],
    [
      "a TTL that is not a number",
      { TURN_URLS: "turn:x.example.org", TURN_SECRET: "s", TURN_TTL_SECONDS: "12h" },
      /TURN_TTL_SECONDS/,
    ],
    ["a limit that is not a number", { MAX_SOCKETS_PER_IP: "lots" }, /MAX_SOCKETS_PER_IP/],
    ["a flag that is not a flag", { REQUIRE_PROOF: "maybe" }, /REQUIRE_PROOF/],
    ["an origin with a path", { ALLOWED_ORIGINS: "https://board.example.org/app" }, /ALLOWED_ORIGINS/],
  ];
  for (const [name, vars, message] of refused) {
    it(`${name}`, async () => {
      const start = async () => startServer({ ...optionsFromEnv(vars), port: 0 });
      await expect(start()).rejects.toThrow(ConfigError);
      await expect(start()).rejects.toThrow(message);
    });
  }

  it("npm start exits with the reason, before it listens", async () => {
    const start = fileURLToPath(new URL("../../server/start.js", import.meta.url));
    const run = promisify(execFile)(process.execPath, [start], {
      env: { PATH: process.env.PATH ?? "", PORT: "0", TURN_URLS: "turn:turn.example.org" },
      timeout: 10_000,
    });
    await expect(run).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/^Peerboard could not start: TURN_URLS is set but no credentials/),
    });
  });
});

describe("environment", () => {
  it("TRUST_PROXY reads a count or true/false; empty variables mean the default", () => {
    expect(optionsFromEnv({ TRUST_PROXY: "true" }).trustProxy).toBe(1);
    expect(optionsFromEnv({ TRUST_PROXY: "2" }).trustProxy).toBe(2);
    expect(optionsFromEnv({ TRUST_PROXY: "false" }).trustProxy).toBe(0);
    expect(optionsFromEnv({ TRUST_PROXY: "" }).trustProxy).toBeUndefined();
    expect(optionsFromEnv({ REQUIRE_PROOF: "1", ALLOW_DISCOVERY: "off" })).toMatchObject({
      requireProof: true,
      allowDiscovery: false,
    });
    expect(optionsFromEnv({ ALLOWED_ORIGINS: "https://a.example, https://b.example" }).allowedOrigins).toEqual([
      "https://a.example",
      "https://b.example",
    ]);
  });
});
