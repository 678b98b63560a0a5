// Security headers on every route, compression, caching and robots.txt.

import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { contentSecurityPolicy } from "../../server/headers.js";
import { ASSET_PATH, ASSET_TEXT, serve } from "./fixture.ts";

async function get(url: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { headers });
  return { response, body: Buffer.from(await response.arrayBuffer()) };
}

function expectHardened(response: Response) {
  expect(response.headers.get("x-content-type-options")).toBe("nosniff");
  expect(response.headers.get("referrer-policy")).toBe("no-referrer");
  const csp = response.headers.get("content-security-policy") ?? "";
  for (const directive of [
    "default-src 'self'",
    "img-src 'self' blob: data:",
    "worker-src 'self'",
    "frame-ancestors 'none'",
    "script-src 'self'",
  ]) {
    expect(csp).toContain(directive);
  }
}

describe("security headers", () => {
  it("the app shell, a hashed asset and the service worker carry nosniff, no-referrer and the CSP", async () => {
    const server = await serve();
    for (const path of ["/", ASSET_PATH, "/sw.js", "/some/deep/link"]) {
      const { response } = await get(new URL(path, server.url).href);
      expect(response.status, path).toBe(200);
      expectHardened(response);
    }
  });

  it("PeerServer's routes under /peerjs carry them too", async () => {
    const server = await serve();
    for (const path of ["/peerjs", "/peerjs/peerjs/id", "/peerjs/peerjs/peers"]) {
      const { response } = await get(new URL(path, server.url).href);
      expect(response.status, path).toBe(200);
      expectHardened(response);
    }
  });

  it("connect-src allows the WebSocket of the same host and no other", async () => {
    const server = await serve();
    const { response } = await get(server.url);
    const host = new URL(server.url).host;
    expect(response.headers.get("content-security-policy")).toContain(`connect-src 'self' ws://${host} wss://${host};`);
    // A Host header that could smuggle a directive is not echoed.
    expect(contentSecurityPolicy("evil.example; script-src *")).toContain("connect-src 'self';");
  });
});

describe("assets", () => {
  it("text is gzip-compressed when the client accepts it, and the bytes survive", async () => {
    const server = await serve();
    const plain = await get(new URL(ASSET_PATH, server.url).href, { "accept-encoding": "identity" });
    expect(plain.response.headers.get("content-encoding")).toBeNull();
    expect(plain.body.toString()).toBe(ASSET_TEXT);

    // fetch() would decode gzip itself and hide the header; ask with node:http instead.
    const { request } = await import("node:http");
    const gz = await new Promise<{ encoding: string | undefined; vary: string | undefined; body: Buffer }>(
      (resolve, reject) => {
        request(new URL(ASSET_PATH, server.url), { headers: { "accept-encoding": "gzip" } }, (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("end", () =>
            resolve({
              encoding: res.headers["content-encoding"],
              vary: res.headers.vary,
              body: Buffer.concat(chunks),
            }),
          );
        })
          .on("error", reject)
          .end();
      },
    );
    expect(gz.encoding).toBe("gzip");
    expect(gz.vary).toMatch(/Accept-Encoding/i);
    expect(gz.body.length).toBeLessThan(plain.body.length / 4);
    expect(gunzipSync(gz.body).toString()).toBe(ASSET_TEXT);
  });

  it("hashed assets are cached as immutable; the shell and the service worker are revalidated", async () => {
    const server = await serve();
    const asset = await get(new URL(ASSET_PATH, server.url).href);
    expect(asset.response.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    for (const path of ["/", "/sw.js"]) {
      const { response } = await get(new URL(path, server.url).href);
      expect(response.headers.get("cache-control"), path).toBe("no-cache");
    }
  });

  it("robots.txt is plain text for crawlers, not the app shell", async () => {
    const server = await serve();
    const { response, body } = await get(new URL("/robots.txt", server.url).href);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(body.toString()).toMatch(/^User-agent: \*\n/);
    expect(body.toString()).toContain("Disallow: /peerjs/");
    expect(body.toString()).not.toContain("<title>");
    expectHardened(response);
  });
});
