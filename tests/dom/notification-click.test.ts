// public/notifications-sw.js, the service worker's notificationclick handler, run as the browser
// runs it (the file's own text) against a stand-in service-worker scope: a click opens what the
// notification is about, in an open tab if there is one.

import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it, vi } from "vitest";

// Tests run from the repository root (vitest.config.ts); happy-dom's import.meta.url is not a file.
const source = readFileSync(resolve("public/notifications-sw.js"), "utf8");
const ORIGIN = "https://board.example";

interface FakeClient {
  url: string;
  focus: ReturnType<typeof vi.fn>;
  postMessage: ReturnType<typeof vi.fn>;
}

/** Loads the script into a fake scope and clicks a notification carrying `url`. */
async function click(url: string | undefined, tabs: FakeClient[]) {
  const handlers = new Map<string, (event: unknown) => void>();
  const openWindow = vi.fn(async () => undefined);
  const scope = {
    location: new URL(ORIGIN),
    clients: { matchAll: vi.fn(async () => tabs), openWindow },
    addEventListener: (type: string, fn: (event: unknown) => void) => handlers.set(type, fn),
  };
  new Function("self", source)(scope);
  const close = vi.fn();
  let done: Promise<unknown> = Promise.resolve();
  handlers.get("notificationclick")?.({
    notification: { close, data: url === undefined ? null : { url } },
    waitUntil: (promise: Promise<unknown>) => {
      done = promise;
    },
  });
  await done;
  return { close, openWindow, matchAll: scope.clients.matchAll };
}

const tab = (url: string): FakeClient => ({ url, focus: vi.fn(async () => undefined), postMessage: vi.fn() });

describe("a click on a notification", () => {
  it("focuses an open tab of the app and tells it the listing's route", async () => {
    const other = tab("https://elsewhere.example/");
    const app = tab(`${ORIGIN}/#/`);
    const { close, openWindow } = await click("/#/listing/abc12345", [other, app]);
    expect(close).toHaveBeenCalled();
    expect(app.focus).toHaveBeenCalled();
    expect(app.postMessage).toHaveBeenCalledWith({ type: "open", url: `${ORIGIN}/#/listing/abc12345` });
    expect(other.focus).not.toHaveBeenCalled();
    expect(openWindow).not.toHaveBeenCalled();
  });

  it("opens a new window on the listing when no tab is open", async () => {
    const { openWindow } = await click("/#/listing/abc12345", []);
    expect(openWindow).toHaveBeenCalledWith(`${ORIGIN}/#/listing/abc12345`);
  });

  it("opens the board for a notification without a link", async () => {
    const { openWindow } = await click(undefined, []);
    expect(openWindow).toHaveBeenCalledWith(`${ORIGIN}/`);
  });
});
