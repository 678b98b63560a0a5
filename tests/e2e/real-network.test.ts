// Two people on two home networks, each behind their own NAT router, and the community's server
// with coturn on the internet between them (netns.ts). With the server's TURN settings they see
// each other's listings and exchange a message through a relay allocation; without ICE settings
// they never connect, and the Network view says why.

import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM_ARGS, goTo, listingHeading, openBoard, peerIdOf, post } from "./harness.ts";
import { chromiumIn, HOMES, SERVER_ADDRESS, setup, startIn, startTurn, teardown } from "./netns.ts";

const PORT = 8180;
const ORIGIN = `http://${SERVER_ADDRESS}:${PORT}`;
const SECRET = "netns-test-secret";

const stops: (() => Promise<void>)[] = [];
const browsers: Browser[] = [];

beforeAll(() => setup());
afterEach(async () => {
  for (const browser of browsers.splice(0)) await browser.close();
  for (const stop of stops.splice(0).reverse()) await stop();
});
afterAll(() => teardown());

/** `npm start`'s server in the host namespace, with these environment settings. */
async function startCommunityServer(env: Record<string, string>): Promise<void> {
  const server = await startIn(
    "pb-srv",
    [process.execPath, "server/start.js"],
    { HOST: SERVER_ADDRESS, PORT: String(PORT), ...env },
    /Peerboard is running at/,
  );
  stops.push(server.stop);
}

/** A user's browser at home: Chromium inside their namespace, the plain-http test origin treated as secure. */
async function userAt(home: string): Promise<Page> {
  const browser = await chromium.launch({
    executablePath: chromiumIn(home),
    args: [...CHROMIUM_ARGS, `--unsafely-treat-insecure-origin-as-secure=${ORIGIN}`],
    headless: true,
  });
  browsers.push(browser);
  const context = await browser.newContext();
  context.setDefaultTimeout(30_000);
  return openBoard(context, `${ORIGIN}/`);
}

describe("across two NATs", () => {
  it("with the community's TURN server, Alice and Bob see each other's listings and exchange a message", async () => {
    const turn = await startTurn(SECRET);
    stops.push(turn.stop);
    await startCommunityServer({ TURN_URLS: `turn:${SERVER_ADDRESS}:3478?transport=udp`, TURN_SECRET: SECRET });
    const alice = await userAt(HOMES.alice);
    const bob = await userAt(HOMES.bob);
    await post(alice, { title: "Garden bench", price: "25" });
    await post(bob, { title: "Rain barrel", price: "10" });
    await listingHeading(bob, "Garden bench").waitFor({ timeout: 45_000 });
    await listingHeading(alice, "Rain barrel").waitFor({ timeout: 45_000 });

    await listingHeading(bob, "Garden bench").getByRole("link").click();
    await bob.getByRole("link", { name: "Message the seller" }).click();
    await bob.getByLabel("Message", { exact: true }).fill("Is the bench still there?");
    await bob.getByRole("button", { name: "Send", exact: true }).click();
    await bob
      .getByRole("listitem")
      .filter({ hasText: "Is the bench still there?" })
      .filter({ hasText: "Delivered" })
      .waitFor({ timeout: 30_000 });
    // The only path between the homes is a relay allocation on the community's coturn, made with
    // credentials the server minted from the shared secret.
    expect(turn.output()).toMatch(/ALLOCATE processed, success/);
  }, 150_000);

  it("without ICE settings they never connect, and the Network view says a TURN server may be needed", async () => {
    await startCommunityServer({});
    const alice = await userAt(HOMES.alice);
    const bob = await userAt(HOMES.bob);
    const aliceId = await peerIdOf(alice);
    await post(alice, { title: "Old piano", price: "0" });
    await goTo(bob, "Network");
    await bob.getByText(new RegExp(`No route to .*${aliceId}.*: this community may need a TURN server\\.`)).waitFor({
      timeout: 60_000,
    });
    await bob.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Board" }).click();
    expect(await listingHeading(bob, "Old piano").count()).toBe(0);
  }, 150_000);
});
