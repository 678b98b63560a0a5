// The always-on peer outlives a restart of the community server: it notices the signaling socket
// is gone, backs off and registers again (the browser's RadioLink does this for it), and is
// dialled by a newcomer afterwards. Real server, real Chromium, the real `npm run peer` process.

import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { startServer } from "../../server/server.js";
import { launchBrowser, listingHeading, newUser, openBoard, post, startTestServer } from "./harness.ts";
import { startPeerProcess, storedCounts } from "./peer-process.ts";
import { closeWhenTestEnds } from "./test-end.ts";

it("reconnects after the server restarts, and a newcomer still gets the board from it", async () => {
  const browser = await launchBrowser();
  const server = await startTestServer();
  const { port, url } = server;
  const data = mkdtempSync(join(tmpdir(), "peerboard-peer-"));
  const peer = startPeerProcess(url, data);
  await peer.line(/signaling online/);
  const alice = await newUser(browser);
  await post(await openBoard(alice, url), { title: "Pine bunk bed", price: "90" });
  await expect.poll(() => storedCounts(join(data, "peer.sqlite")).listings, { timeout: 20_000 }).toBe(1);
  await alice.close();

  await server.close();
  await peer.line(/signaling offline/);
  // The same port again, so the peer's signaling URL still holds.
  closeWhenTestEnds(await startServer({ port, host: "127.0.0.1" }), (again) => again.close());
  await expect.poll(() => peer.lines.filter((l) => l.endsWith("signaling online")).length, { timeout: 40_000 }).toBe(2);

  const bob = await newUser(browser);
  await listingHeading(await openBoard(bob, url), "Pine bunk bed").waitFor({ timeout: 20_000 });
});
