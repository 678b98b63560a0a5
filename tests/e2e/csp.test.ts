// The built app under the server's Content-Security-Policy: two browsers load it, connect over
// PeerServer, exchange a listing with a photo, and no page reports a CSP violation.

import type { BrowserContext } from "playwright-core";
import { expect, it } from "vitest";
import {
  listingArticle,
  listingHeading,
  newUser,
  openBoard,
  openPostForm,
  peersConnected,
  post,
  shownPeerId,
  useServerAndBrowser,
} from "./harness.ts";
import { png } from "./png.ts";

const env = useServerAndBrowser();

/** Collects every securitypolicyviolation and CSP console error of the context's pages. */
async function watchViolations(context: BrowserContext): Promise<string[]> {
  const seen: string[] = [];
  await context.exposeFunction("__reportViolation", (text: string) => seen.push(text));
  await context.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) => {
      const report = (window as unknown as { __reportViolation: (text: string) => void }).__reportViolation;
      report(`${event.violatedDirective} blocked ${event.blockedURI || "(inline)"} at ${event.sourceFile}`);
    });
  });
  context.on("console", (message) => {
    if (/Content.Security.Policy/i.test(message.text())) seen.push(message.text());
  });
  return seen;
}

it("the built app runs under the CSP: shell, service worker, hub, radio and photos, no violations", async () => {
  const aliceContext = await newUser(env.browser);
  const bobContext = await newUser(env.browser);
  const violations = [...[await watchViolations(aliceContext)], ...[await watchViolations(bobContext)]];
  const alice = await openBoard(aliceContext, env.server.url);
  const response = await alice.reload();
  expect(response?.headers()["content-security-policy"]).toContain("default-src 'self'");
  await shownPeerId(alice).waitFor();
  const bob = await openBoard(bobContext, env.server.url);
  await peersConnected(alice);
  await expect(alice.evaluate(async () => Boolean(await navigator.serviceWorker.ready))).resolves.toBe(true);

  await openPostForm(alice);
  await alice.getByLabel("Title").fill("Lamp");
  await alice.getByLabel("Photos").setInputFiles([{ name: "lamp.png", mimeType: "image/png", buffer: png(300, 200) }]);
  await alice.getByRole("button", { name: "Post" }).click();
  await listingHeading(bob, "Lamp").waitFor();
  await listingArticle(bob, "Lamp").getByRole("img", { name: "Photo of Lamp" }).waitFor();
  await post(bob, { title: "Kettle", price: "5" });
  await listingHeading(alice, "Kettle").waitFor();

  expect(violations.flat()).toEqual([]);
});
