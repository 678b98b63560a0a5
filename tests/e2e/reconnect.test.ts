// A browser that already holds a board comes back to the peer that serves it, over real WebRTC:
// the two reconcile with coded symbols (SYNC_CODED) and only what changed while it was away moves.

import { expect, it } from "vitest";
import type { Frame } from "../../src/core/wire.ts";
import { newUser, openBoard, useServerAndBrowser } from "./harness.ts";
import { manyListings, startNodeHub } from "./node-hub.ts";

const env = useServerAndBrowser();
it("a browser that comes back gets what changed while it was away, by coded reconciliation", {
  timeout: 120_000,
}, async () => {
  const [board, later] = [await manyListings(120), await manyListings(5)];
  const hub = await startNodeHub(env.server.port, board);
  const sync = hub.peer.sync;
  if (!sync) throw new Error("the hub reconciles");
  // What the browser sends the hub's sync, by frame type (the extension's own entry point).
  const received: string[] = [];
  const onFrame = sync.onFrame.bind(sync);
  sync.onFrame = (peer, frame: Frame) => {
    received.push(frame.type);
    return onFrame(peer, frame);
  };
  const context = await newUser(env.browser);
  const first = await openBoard(context, env.server.url);
  await first.getByText("120 listings", { exact: true }).waitFor({ timeout: 60_000 });
  // The last tab closes, and with it the browser's hub; the board stays in IndexedDB.
  await first.close();
  await hub.peer.listings.accept("pb-elsewhere", later);
  received.length = 0;
  const again = await openBoard(context, env.server.url);
  await again.getByText("125 listings", { exact: true }).waitFor({ timeout: 60_000 });
  expect(received).toContain("SYNC_CODED");
});
