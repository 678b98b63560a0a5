// Peer discovery against a real HTTP server on loopback standing in for PeerServer's list.

import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { generateIdentity } from "../../src/core/crypto.ts";
import { PeerboardError } from "../../src/core/errors.ts";
import { discoverPeers } from "../../src/shared/discovery.ts";

let server: Server | undefined;
afterEach(() => new Promise<void>((done) => (server ? server.close(() => done()) : done())));

/** Serves `body` (with `status`) at PeerServer's list path; resolves to the origin. */
function serve(body: string, status = 200): Promise<string> {
  const started = createServer((request, response) => {
    if (request.url !== "/peerjs/peerjs/peers") response.writeHead(404).end();
    else response.writeHead(status, { "content-type": "application/json" }).end(body);
  });
  server = started;
  return new Promise((ready) =>
    started.listen(0, "127.0.0.1", () => ready(`http://127.0.0.1:${(started.address() as AddressInfo).port}`)),
  );
}

describe("discoverPeers", () => {
  it("keeps the ids that are Peerboard peer ids and leaves out the rest", async () => {
    const { peerId } = await generateIdentity(1);
    const origin = await serve(JSON.stringify([peerId, "someone-else", 42, null]));
    await expect(discoverPeers(origin)).resolves.toEqual([peerId]);
  });

  it("refuses an answer that is not a list, and a failed request, with a typed error", async () => {
    await expect(discoverPeers(await serve(JSON.stringify({ peers: [] })))).rejects.toBeInstanceOf(PeerboardError);
    await new Promise<void>((done) => server?.close(() => done()));
    server = undefined;
    await expect(discoverPeers(await serve("[]", 503))).rejects.toThrow("Peer discovery answered 503");
  });
});
