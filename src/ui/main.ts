// Boot: connect to the hub, paint the board, then — after first paint — compete for the Web
// Lock "radio"; the tab that gets it loads PeerJS and carries the connection for all tabs.

import * as Comlink from "comlink";
import { HUB_LOCK, type HubApi, RADIO_LOCK } from "../shared/api.ts";
import type { Radio } from "./radio.ts";
import { routes } from "./routes.ts";
import { mountShell } from "./shell.ts";
import { mountStorageFooter } from "./storage-footer.ts";
import { type UnreadCounter, watchUnread } from "./unread.ts";
import { registerServiceWorker } from "./updates.ts";
import "./styles.css";

const root = document.getElementById("app");
if (!root) throw new Error("index.html has no #app element");
const app = root;

let hub: HubApi | undefined;
let radio: Radio | undefined;
let holdsRadioLock = false;

/**
 * Opens (or joins) the hub and mounts the board on it. The hub holds the Web Lock "hub" for its
 * whole life; when this tab is granted that lock, the hub has died (a crashed renderer takes
 * the SharedWorker with it) and we start a new one rather than talk to a dead port.
 */
async function connectHub(): Promise<void> {
  const worker = new SharedWorker(new URL("../worker/hub.ts", import.meta.url), {
    type: "module",
    name: "peerboard-hub",
  });
  worker.port.start();
  // Comlink.Remote<HubApi> has the same shape: every HubApi method is already async.
  const current = Comlink.wrap<HubApi>(worker.port) as unknown as HubApi;
  hub = current;
  let unread: UnreadCounter | undefined;
  const unmount = await mountShell(
    app,
    current,
    (listener) => Comlink.proxy(listener),
    routes,
    (event) => unread?.handle(event),
  );
  unread = await watchUnread(current, app);
  addEventListener("pagehide", unmount, { once: true });
  if (holdsRadioLock) await attachRadio(current);
  void navigator.locks.request(HUB_LOCK, async () => {
    removeEventListener("pagehide", unmount);
    worker.port.close();
    if (hub === current) setTimeout(() => void connectHub(), 0);
  });
}

async function attachRadio(to: HubApi): Promise<void> {
  radio?.shutdown();
  const { Radio } = await import("./radio.ts");
  const channel = new MessageChannel();
  const next = new Radio(channel.port1);
  radio = next;
  await to.attachRadio(Comlink.transfer(channel.port2, [channel.port2]));
  document.documentElement.dataset.radio = "held";
}

function carryRadioWhenFree(): void {
  // Held until this page goes away; then the browser hands it to the next waiting tab.
  void navigator.locks.request(RADIO_LOCK, async () => {
    holdsRadioLock = true;
    addEventListener("pagehide", () => radio?.shutdown());
    if (hub) await attachRadio(hub);
    await new Promise<never>(() => {});
  });
}

/** The service worker and the storage footer wait for first paint; neither is needed for it. */
function startAfterFirstPaint(): void {
  const notices = document.getElementById("notices");
  const footer = document.getElementById("footer");
  if (notices) void registerServiceWorker(notices);
  if (footer) void mountStorageFooter(footer);
}

requestAnimationFrame(() => setTimeout(startAfterFirstPaint, 0));
await connectHub();
requestAnimationFrame(() => setTimeout(carryRadioWhenFree, 0));
