// Without SharedWorker (deleted before the page loads, as on some mobile browsers): the hub
// runs in a dedicated Worker of the tab holding "hub-host"; other tabs follow over BroadcastChannel.

import { readFileSync } from "node:fs";
import type { BrowserContext } from "playwright-core";
import { expect, it } from "vitest";
import {
  goTo,
  listingArrives,
  listingHeading,
  networkStatus,
  newUser,
  openBoard,
  peerIdOf,
  post,
  shownPeerId,
  useServerAndBrowser,
} from "./harness.ts";

const env = useServerAndBrowser();

async function userWithoutSharedWorker(): Promise<BrowserContext> {
  const context = await newUser(env.browser);
  await context.addInitScript(() => {
    delete (window as unknown as { SharedWorker?: unknown }).SharedWorker;
  });
  return context;
}

it("two tabs share one identity and listings, and the second takes over when the host tab closes", async () => {
  const context = await userWithoutSharedWorker();
  const first = await openBoard(context, env.server.url);
  const second = await openBoard(context, env.server.url);
  await expect(second.evaluate(() => typeof SharedWorker)).resolves.toBe("undefined");
  const me = await peerIdOf(first);
  await expect(peerIdOf(second)).resolves.toBe(me);

  await post(first, { title: "Posted in tab one", price: "1" });
  await listingHeading(second, "Posted in tab one").waitFor();
  await post(second, { title: "Posted in tab two", price: "2" });
  await listingHeading(first, "Posted in tab two").waitFor();

  // A user with a normal browser receives what the fallback user posts: the radio works too.
  const other = await openBoard(await newUser(env.browser), env.server.url);
  await listingHeading(other, "Posted in tab two").waitFor();

  await first.close();
  await shownPeerId(second, me).waitFor();
  await listingHeading(second, "Posted in tab one").waitFor();
  await networkStatus(second)
    .filter({ hasText: /^Online/ })
    .waitFor();
  await post(second, { title: "After the takeover", price: "3" });
  await listingArrives(other, "After the takeover", [second]);
});

it("importing an identity restarts the fallback hub as that identity, in every tab", async () => {
  // Export from an ordinary browser…
  const source = await openBoard(await newUser(env.browser), env.server.url);
  const sourceId = await peerIdOf(source);
  await goTo(source, "Identity");
  await source.getByLabel("Passphrase", { exact: true }).fill("violet tram at dawn");
  await source.getByLabel("Repeat passphrase").fill("violet tram at dawn");
  const [download] = await Promise.all([
    source.waitForEvent("download"),
    source.getByRole("button", { name: "Export identity" }).click(),
  ]);
  const fileText = readFileSync((await download.path()) ?? "", "utf8");
  await source.context().close();

  // …and import it where there is no SharedWorker, with a second tab open.
  const context = await userWithoutSharedWorker();
  const host = await openBoard(context, env.server.url);
  const follower = await openBoard(context, env.server.url);
  expect(await peerIdOf(host)).not.toBe(sourceId);
  await goTo(host, "Identity");
  await host.getByLabel("Identity file").setInputFiles({
    name: "backup.json",
    mimeType: "application/json",
    buffer: Buffer.from(fileText),
  });
  await host.getByLabel("Passphrase for the file").fill("violet tram at dawn");
  await host.getByLabel("Replace this browser's identity").check();
  await host.getByRole("button", { name: "Import identity" }).click();
  for (const page of [host, follower]) {
    await shownPeerId(page, sourceId).waitFor({ timeout: 30_000 });
  }
});
