// The footer: how much this browser stores for Peerboard and whether the browser promised to
// keep it. Asks for persistent storage on first run so an old phone low on space does not
// silently evict the user's identity and listings.

import { h } from "./dom.ts";

/** Bumped by the build (PEERBOARD_BUILD) so two builds differ; shown so support can ask "which version?". */
declare const __PEERBOARD_BUILD__: string;
const VERSION = `0.1.0${typeof __PEERBOARD_BUILD__ === "string" && __PEERBOARD_BUILD__ ? `+${__PEERBOARD_BUILD__}` : ""}`;

const REFRESH_MS = 60_000;

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KB", "MB", "GB", "TB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

export function storageText(usage: number, quota: number, persisted: boolean): string {
  const kept = persisted
    ? "kept until you clear it"
    : "the browser may clear it when space runs low; install the app to keep it";
  return `Storage used: ${formatBytes(usage)} of ${formatBytes(quota)} · ${kept}`;
}

export async function mountStorageFooter(footer: HTMLElement): Promise<void> {
  const line = h("p", { className: "storage", "aria-label": "Storage" });
  footer.replaceChildren(line, h("p", { className: "version", textContent: `Peerboard ${VERSION}` }));
  const storage = navigator.storage;
  if (!storage?.estimate) {
    line.textContent = "Storage used: unknown in this browser";
    return;
  }
  let persisted = (await storage.persisted?.()) ?? false;
  // Asked once: browsers decide silently (Chromium by site engagement or installation).
  if (!persisted && storage.persist) persisted = await storage.persist().catch(() => false);
  const refresh = async () => {
    const { usage = 0, quota = 0 } = await storage.estimate();
    line.textContent = storageText(usage, quota, persisted);
  };
  await refresh();
  setInterval(() => void refresh(), REFRESH_MS);
}
