// The service worker (Workbox precache of the app shell, hub and radio chunks) and the update
// prompt. A new version waits until the user chooses "Reload": a surprise reload could throw
// away a half-written listing or chat message.

import type { Workbox } from "workbox-window";
import { h } from "./dom.ts";

/** How often an open tab asks the server for a newer sw.js (navigations also check). */
const UPDATE_CHECK_MS = 30 * 60_000;

export async function registerServiceWorker(notices: HTMLElement): Promise<void> {
  if (!("serviceWorker" in navigator) || !import.meta.env.PROD) return;
  const { Workbox } = await import("workbox-window");
  const wb = new Workbox("/sw.js", { scope: "/" });
  wb.addEventListener("waiting", () => showUpdatePrompt(notices, wb));
  try {
    await wb.register();
  } catch (error) {
    // Offline with no cached worker, or a browser that refuses service workers (private mode):
    // the app still runs, it just cannot start offline next time.
    console.warn("Peerboard: could not register the service worker; offline start is unavailable.", error);
    return;
  }
  const check = () => void wb.update().catch(() => undefined); // offline: try again later
  setInterval(check, UPDATE_CHECK_MS);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") check();
  });
}

function showUpdatePrompt(notices: HTMLElement, wb: Workbox): void {
  if (notices.querySelector(".update")) return;
  const button = h("button", { type: "button", textContent: "Reload" });
  button.addEventListener("click", () => {
    button.disabled = true;
    // Reload once the new worker controls this tab, so the page and its worker match.
    wb.addEventListener("controlling", () => location.reload());
    wb.messageSkipWaiting();
  });
  notices.append(
    h(
      "div",
      { className: "update", role: "status", "aria-label": "Update" },
      h("span", { textContent: "A new version is available — Reload" }),
      " ",
      button,
    ),
  );
}
