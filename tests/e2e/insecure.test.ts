// Over plain http at an address that is not this machine, browsers withhold WebCrypto and service
// workers: the page must say so instead of staying blank. Chromium maps a made-up host name to
// the loopback server, so the page is plain http at a non-localhost origin.

import { afterAll, beforeAll, expect, it } from "vitest";
import { axeViolations, launchBrowser, newUser, shownPeerId, startTestServer, type TestServer } from "./harness.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

it("plain http at a community's address says Peerboard needs HTTPS, and passes axe", async () => {
  const browser = await launchBrowser(["--host-resolver-rules=MAP board.peerboard.test 127.0.0.1"]);
  const page = await (await newUser(browser)).newPage();
  await page.goto(`http://board.peerboard.test:${server.port}/`);
  expect(await page.evaluate(() => isSecureContext)).toBe(false);
  await page.getByRole("heading", { name: "Peerboard needs HTTPS at this address" }).waitFor();
  expect(
    await page.getByRole("link", { name: `https://board.peerboard.test:${server.port}/` }).getAttribute("href"),
  ).toBe(`https://board.peerboard.test:${server.port}/`);
  expect(await axeViolations(page)).toEqual([]);
  // The same server at a secure origin (loopback) starts the app as usual.
  const local = await (await newUser(browser)).newPage();
  await local.goto(server.url);
  await shownPeerId(local).waitFor();
  expect(await local.getByRole("heading", { name: "Peerboard needs HTTPS at this address" }).count()).toBe(0);
});
