// The page's entry: what must not wait for the app's code. The hub's SharedWorker starts at once
// (hub-worker.ts), the theme applies before the first paint, the install offer listens from the
// start (the browser may offer at once); then the app itself loads (main.ts). The style sheets
// are imported here so they stay in index.html, ahead of the first paint.
//
// index.html loads this script `async`: a deferred (or plain module) script runs only once the
// page is parsed and its style sheet loaded, ~300 ms after navigation at 4× CPU
// (bench/pwa-boot-trace.bench.ts), and the hub's start — its worker's script, IndexedDB, the
// index — waited for that. So the worker starts first, and the rest waits for what a deferred
// script would have had: the whole page parsed and styled.

import { startHubEarly } from "./hub-worker.ts";
import { offerInstall } from "./install.ts";
import { applyTheme } from "./theme.ts";
import "./theme.css";
import "./base.css";
import "./listings.css";
import "./deals-chat.css";
import "./network.css";
import "./cards.css";
import "./shell.css";

// Without a secure context main.ts says why and starts nothing; without SharedWorker it runs the
// hub in a dedicated Worker (hub-fallback.ts).
if (isSecureContext && typeof SharedWorker === "function") startHubEarly();
applyTheme();
await pageParsedAndStyled();
const installSlot = document.getElementById("install");
if (installSlot) offerInstall(installSlot);
await import("./main.ts");

/** Resolves once the parser is done and every style sheet of the page is loaded (or failed). */
async function pageParsedAndStyled(): Promise<void> {
  if (document.readyState === "loading") {
    await new Promise((parsed) => document.addEventListener("DOMContentLoaded", parsed, { once: true }));
  }
  const pending = [...document.querySelectorAll<HTMLLinkElement>('link[rel="stylesheet"]')].filter((l) => !l.sheet);
  await Promise.all(
    pending.map(
      (link) =>
        new Promise((settled) => {
          link.addEventListener("load", settled, { once: true });
          link.addEventListener("error", settled, { once: true });
        }),
    ),
  );
}
