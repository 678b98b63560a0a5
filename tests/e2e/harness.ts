// End-to-end harness: Debian's Chromium through playwright-core, the real server on a free port.
// Everything it starts inside a test closes when the test ends, passed or failed (test-end.ts).

import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { type Browser, type BrowserContext, type BrowserContextOptions, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { startServer } from "../../server/server.js";
import { closeWhenTestEnds } from "./test-end.ts";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Flags that keep headless Chromium quiet on a closed network (see the project brief). */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export function assertChromium(): void {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `End-to-end tests need Chromium at ${CHROMIUM_PATH} and it is missing. ` +
        "Install it with `apt-get install -y chromium` (bash .ci/run does this), or set CHROMIUM_PATH.",
    );
  }
}

/** Chromium with our flags and any `extraArgs`; closed when the test that launched it ends. */
export async function launchBrowser(extraArgs: string[] = []): Promise<Browser> {
  assertChromium();
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [...CHROMIUM_ARGS, ...extraArgs],
    headless: true,
  });
  return closeWhenTestEnds(browser, (b) => b.close());
}

/**
 * A user with an on-disk profile. Chromium never offers to install from an incognito-like
 * context, which is what `browser.newContext()` makes; installability needs this.
 */
export async function launchPersistentUser(userDataDir: string): Promise<BrowserContext> {
  assertChromium();
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
    headless: true,
  });
  context.setDefaultTimeout(15_000);
  return closeWhenTestEnds(context, (c) => c.close());
}

export type TestServer = Awaited<ReturnType<typeof startServer>>;

/** Any server option but where it listens: limits, requireProof, ICE settings (server/settings.js). */
export type TestServerOptions = Omit<NonNullable<Parameters<typeof startServer>[0]>, "port" | "host">;

/** The server on a free port; closed when the test that started it ends. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  return closeWhenTestEnds(await startServer({ port: 0, host: "127.0.0.1", ...options }), (s) => s.close());
}

/**
 * One server and one browser for a whole test file: started before its first test, closed after
 * its last. Read `env.server` and `env.browser` inside tests and hooks.
 */
export function useServerAndBrowser(options: Parameters<typeof startTestServer>[0] = {}): {
  server: TestServer;
  browser: Browser;
} {
  const env = {} as { server: TestServer; browser: Browser };
  beforeAll(async () => {
    env.server = await startTestServer(options);
    env.browser = await launchBrowser();
  });
  afterAll(async () => {
    await env.browser?.close();
    await env.server?.close();
  });
  return env;
}

/**
 * A user: a fresh browser context (own IndexedDB, own SharedWorker, own Web Locks), with any
 * context `options` (viewport, colour scheme, bypassCSP). Closed when the test ends, so a failed
 * test's users do not stay on the file's server for the next test to meet.
 */
export async function newUser(browser: Browser, options: BrowserContextOptions = {}): Promise<BrowserContext> {
  const context = await browser.newContext(options);
  context.setDefaultTimeout(15_000);
  return closeWhenTestEnds(context, (c) => c.close());
}

/** Opens the app and waits until the hub answered (the shell knows the peer id). */
export async function openBoard(context: BrowserContext, url: string): Promise<Page> {
  const page = await context.newPage();
  page.on("pageerror", (error) => console.error(`[page error] ${error.message}`));
  const lines: string[] = [];
  consoleLines.set(page, lines);
  page.on("console", (message) => {
    if (message.type() === "error") console.error(`[console] ${message.text()}`);
    lines.push(`${new Date().toISOString()} ${message.type()} ${message.text()}`);
    if (lines.length > 200) lines.shift();
  });
  await page.goto(url);
  await shownPeerId(page).waitFor();
  return page;
}

/**
 * The app's root once the hub has told it this browser's peer id (`id`, or any). The header
 * shows the user's name; the id itself is on Profile, and the shell keeps it in data-peer-id.
 */
export function shownPeerId(page: Page, id?: string) {
  return page.locator(id ? `#app[data-peer-id="${id}"]` : '#app[data-peer-id^="pb-"]');
}

export async function peerIdOf(page: Page): Promise<string> {
  await shownPeerId(page).waitFor();
  return (await page.locator("#app").getAttribute("data-peer-id")) ?? "";
}

/** Opens "Post a listing" from the main navigation, unless its form is already on screen. */
export async function openPostForm(page: Page): Promise<void> {
  if (await page.getByRole("form", { name: "New listing" }).isVisible()) return;
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Post", exact: true }).click();
  await page.getByRole("form", { name: "New listing" }).waitFor();
}

/** Posts a listing from the Post view; the app then shows it on the board. */
export async function post(
  page: Page,
  listing: { title: string; description?: string; price?: string },
): Promise<void> {
  await openPostForm(page);
  await page.getByLabel("Title").fill(listing.title);
  await page.getByLabel("Description").fill(listing.description ?? "");
  await page.getByLabel("Price").fill(listing.price ?? "");
  await page.getByRole("button", { name: "Post", exact: true }).click();
  await listingHeading(page, listing.title).waitFor();
}

export function listingHeading(page: Page, title: string) {
  return page.getByRole("article").getByRole("heading", { name: title, exact: true });
}

/** The <article> whose heading is `title`. */
export function listingArticle(page: Page, title: string) {
  return page.getByRole("article").filter({ has: page.getByRole("heading", { name: title, exact: true }) });
}

/** The page whose tab holds the Web Lock "radio" (it marks itself when it attached). */
export async function isRadio(page: Page): Promise<boolean> {
  return (await page.evaluate(() => document.documentElement.dataset.radio)) === "held";
}

/** Each page's latest console lines, printed when a wait for peers times out. */
const consoleLines = new WeakMap<Page, string[]>();

/**
 * Waits until the network line says `count` peers are connected; when it never does, the error
 * carries what the page showed and logged, so a failure in CI says why the peers did not meet.
 */
export async function peersConnected(page: Page, count = 1, timeout = 15_000): Promise<void> {
  const text = count === 1 ? "1 peer connected" : `${count} peers connected`;
  try {
    await networkStatus(page).filter({ hasText: text }).waitFor({ timeout });
  } catch (error) {
    const status = await networkStatus(page)
      .textContent({ timeout: 1_000 })
      .catch(() => "(no network line)");
    const log = (consoleLines.get(page) ?? []).join("\n");
    throw new Error(`${text} not shown in ${timeout} ms; the line says "${status}". Console:\n${log}`, {
      cause: error,
    });
  }
}

/**
 * Waits until `page` shows the listing titled `title`; when it never does, the error carries each
 * watched page's network line and latest console lines (the sender's too), so a failure in CI says
 * whether the two peers met again and what their radios logged.
 */
export async function listingArrives(page: Page, title: string, watched: Page[] = [], timeout = 15_000): Promise<void> {
  try {
    await listingHeading(page, title).waitFor({ timeout });
  } catch (error) {
    const reports = await Promise.all(
      [page, ...watched].map(async (p, i) => {
        const status = await networkStatus(p)
          .textContent({ timeout: 1_000 })
          .catch(() => "(no network line: closed or crashed)");
        const log = (consoleLines.get(p) ?? []).slice(-40).join("\n");
        return `${i === 0 ? "receiver" : `watched page ${i}`}: "${status}"\n${log}`;
      }),
    );
    throw new Error(`"${title}" not shown in ${timeout} ms.\n${reports.join("\n\n")}`, { cause: error });
  }
}

/** The live network line ("Online · 1 peer connected"). */
export function networkStatus(page: Page) {
  return page.getByRole("status", { name: "Network" });
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** axe-core's violations on the page as it is now, one line each; [] when it passes. */
export async function axeViolations(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol, not as a <script>: the server's CSP (script-src
  // 'self') refuses inline scripts, and the page should be audited under its real policy.
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: { run: (context: Document) => Promise<{ violations: { id: string; help: string; nodes: unknown[] }[] }> };
      }
    ).axe;
    const result = await axe.run(document);
    return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.length} nodes)`);
  });
}

/** The deal card about a listing, in the Deals view. */
export function dealCard(page: Page, title: string) {
  return page.locator("article.deal").filter({ has: page.getByRole("heading", { name: title, exact: true }) });
}

/** Views reached from the tab bar, and those that live under Profile. */
type TabName = "Board" | "Search" | "Deals" | "Messages" | "Profile";
type UnderProfile = "My listings" | "Network" | "Identity";

/**
 * Opens a view from the main navigation (a tab may carry an unread count), or from Profile for
 * those that live there, and waits for its title.
 */
export async function goTo(page: Page, name: TabName | UnderProfile): Promise<void> {
  const tab = name === "My listings" || name === "Network" || name === "Identity" ? "Profile" : name;
  await page
    .getByRole("navigation", { name: "Main" })
    .getByRole("link", { name: new RegExp(`^${tab}`) })
    .click();
  if (tab !== name) await page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name }).click();
  await page.waitForFunction((title) => document.title.includes(`${title} · Peerboard`), name);
  await page.locator("#view h2").first().waitFor();
}
