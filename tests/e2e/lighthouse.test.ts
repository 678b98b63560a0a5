// Lighthouse's accessibility audit scores the board 1.0: a returning user's board with a
// listing on it, audited in real Chromium against the real server.

import { afterAll, beforeAll, expect, it } from "vitest";
import { type DebuggableChromium, runLighthouse, startDebuggableChromium } from "../support/lighthouse.ts";
import { openBoard, post, startTestServer, type TestServer } from "./harness.ts";

let server: TestServer;
let chromium: DebuggableChromium;

beforeAll(async () => {
  server = await startTestServer();
  chromium = await startDebuggableChromium();
});

afterAll(async () => {
  await chromium?.close();
  await server?.close();
});

it("Lighthouse accessibility is 1.0 on the board with a listing", async () => {
  const context = chromium.browser.contexts()[0];
  if (!context) throw new Error("Chromium started without its default context");
  context.setDefaultTimeout(15_000);
  const board = await openBoard(context, server.url);
  await post(board, { title: "Bicycle with a basket", description: "Blue, 28 inch", price: "40" });

  const run = await runLighthouse(chromium.port, server.url, ["accessibility"], true);
  expect(run.failing, "failing accessibility audits").toEqual([]);
  expect(run.scores.accessibility).toBe(1);
}, 120_000);
