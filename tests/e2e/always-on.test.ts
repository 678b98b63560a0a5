// The always-on peer (`npm run peer`) keeps a community's board while its people are offline:
// real server, real Chromium, and the real peer process over real WebRTC (@roamhq/wrtc).

import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { listingHeading, newUser, openBoard, post, useServerAndBrowser } from "./harness.ts";
import { type PeerProcess, startPeerProcess, storedCounts } from "./peer-process.ts";

const env = useServerAndBrowser();
const running: PeerProcess[] = [];

function startPeer(data: string): PeerProcess {
  const peer = startPeerProcess(env.server.url, data);
  running.push(peer);
  return peer;
}

afterEach(async () => {
  for (const peer of running.splice(0)) await peer.stop("SIGKILL");
});

const storeFile = (data: string) => join(data, "peer.sqlite");

it("Bob sees Alice's listing while only the always-on peer is online", async () => {
  const data = mkdtempSync(join(tmpdir(), "peerboard-peer-"));
  const peer = startPeer(data);
  await peer.line(/signaling online/);

  const alice = await newUser(env.browser);
  const alicePage = await openBoard(alice, env.server.url);
  await post(alicePage, { title: "Teak garden bench", price: "120" });
  await peer.line(/connected pb-/);
  await expect.poll(() => storedCounts(storeFile(data)).listings, { timeout: 20_000 }).toBe(1);
  await alice.close();
  await peer.line(/disconnected pb-/);

  const bob = await newUser(env.browser);
  const bobPage = await openBoard(bob, env.server.url);
  await listingHeading(bobPage, "Teak garden bench").waitFor({ timeout: 20_000 });
  await bob.close();
});

for (const signal of ["SIGTERM", "SIGKILL"] as const) {
  it(`after a ${signal} and a restart, a newcomer still gets every listing`, async () => {
    const data = mkdtempSync(join(tmpdir(), "peerboard-peer-"));
    let peer = startPeer(data);
    await peer.line(/signaling online/);
    const id = await peer.peerId();

    const alice = await newUser(env.browser);
    const alicePage = await openBoard(alice, env.server.url);
    const titles = ["Blue armchair", "Sewing machine", "Bread maker"];
    for (const title of titles) await post(alicePage, { title, price: "15" });
    await expect.poll(() => storedCounts(storeFile(data)).listings, { timeout: 20_000 }).toBe(titles.length);
    await alice.close();

    const stopped = await peer.stop(signal);
    if (signal === "SIGTERM") {
      expect(stopped.code).toBe(0);
      expect(stopped.ms).toBeLessThan(5_000);
      expect(peer.lines.some((l) => l.includes("stopped"))).toBe(true);
    }
    peer = startPeer(data);
    // Same identity: it is the same peer, back.
    expect(await peer.peerId()).toBe(id);
    await peer.line(/signaling online/);

    const carol = await newUser(env.browser);
    const carolPage = await openBoard(carol, env.server.url);
    for (const title of titles) await listingHeading(carolPage, title).waitFor({ timeout: 20_000 });
    await carol.close();
  });
}
