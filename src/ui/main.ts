// The app, loaded by the page's entry (boot.ts, which has already started the hub's worker):
// connect to the hub, paint the board, then — after first paint — compete for the Web Lock
// "radio"; the tab that gets it loads PeerJS and carries the connection for all tabs. Where
// SharedWorker is missing, the hub runs in one tab's dedicated Worker (hub-fallback.ts).

import * as Comlink from "comlink";
import { HUB_LOCK, type HubApi, type HubStatus, RADIO_LOCK } from "../shared/api.ts";
import type { Radio } from "../shared/radio.ts";
import { hubWorker } from "./hub-worker.ts";
import { showNeedsHttps } from "./insecure.ts";
import { type Notifier, startNotifier } from "./notifier.ts";
import { routes } from "./routes.ts";
import { type ListenerWrapper, mountShell } from "./shell.ts";
import { mountStorageFooter } from "./storage-footer.ts";
import { type UnreadCounter, watchUnread } from "./unread.ts";
import { registerServiceWorker } from "./updates.ts";

/** The service worker registers this long after the first peer is met, so the first sync goes first… */
const SERVICE_WORKER_AFTER_PEER_MS = 1_000;
/** …or this long after first paint anyway, for a tab that meets nobody. */
const SERVICE_WORKER_DELAY_MS = 3_000;
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
  const worker = hubWorker();
  worker.port.start();
  // Comlink.Remote<HubApi> has the same shape: every HubApi method is already async.
  const current = Comlink.wrap<HubApi>(worker.port);
  hub = current;
  let unread: UnreadCounter | undefined;
  let notifier: Notifier | undefined;
  // The service worker waits for the first peer (below): heard on the shell's subscription too.
  const met = (status: HubStatus) => status.peers.some((peer) => peer.stage === "ready");
  const shell = await mountShell(
    app,
    current,
    (listener) => Comlink.proxy(listener),
    routes,
    (event) => {
      unread?.handle(event);
      notifier?.handle(event);
      if (event.type === "status" && met(event.status)) firstPeerMet();
    },
  );
  const unmount = () => {
    notifier?.stop();
    shell.unmount();
  };
  unread = await watchUnread(current, app);
  void startNotifier(current, shell.subscription).then((started) => {
    notifier = started;
  });
  if (met(await current.status())) firstPeerMet();
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
  const { Radio } = await import("../shared/radio.ts");
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

/**
 * Without SharedWorker: the tab holding "hub-host" runs the hub in a dedicated Worker and carries
 * the radio; the others are clients over BroadcastChannel until the host closes and the lock,
 * queued by every client, makes one of them the host.
 */
async function connectFallbackHub(): Promise<void> {
  const { HUB_HOST_LOCK, hostHub, hubClient } = await import("./hub-fallback.ts");
  let unmount: (() => void) | undefined;
  let client: ReturnType<typeof hubClient> | undefined;
  const mount = async (next: HubApi, wrap: ListenerWrapper) => {
    unmount?.();
    hub = next;
    // A dedicated-worker hub that closes itself takes no lock with it: start the tabs afresh.
    let notifier: Notifier | undefined;
    const shell = await mountShell(app, next, wrap, routes, (event) => {
      notifier?.handle(event);
      if (event.type === "restarting") setTimeout(() => location.reload(), 300);
    });
    unmount = () => {
      notifier?.stop();
      shell.unmount();
    };
    void startNotifier(next, shell.subscription).then((started) => {
      notifier = started;
    });
  };
  const host = async (): Promise<never> => {
    client?.stop();
    client = undefined;
    const started = hostHub();
    addEventListener("pagehide", started.stop, { once: true });
    await mount(started.hub, (listener) => Comlink.proxy(listener));
    // The host carries the radio: a MessagePort cannot reach a worker in another tab.
    requestAnimationFrame(() => setTimeout(carryRadioWhenFree, 0));
    return new Promise<never>(() => {});
  };
  const hosting = await new Promise<boolean>((decided) => {
    void navigator.locks.request(HUB_HOST_LOCK, { ifAvailable: true }, async (lock) => {
      decided(lock !== null);
      if (lock) await host();
    });
  });
  if (hosting) return;
  client = hubClient();
  await mount(client.hub, (listener) => listener);
  // Queued: granted when the host tab closes, and then this tab hosts.
  void navigator.locks.request(HUB_HOST_LOCK, host);
}

/** Resolves once this tab's hub has met its first peer (see connectHub). */
let firstPeerMet: () => void = () => undefined;
const peerMet = new Promise<void>((resolve) => {
  firstPeerMet = resolve;
});

/**
 * The storage footer waits for first paint. The service worker waits longer: its first install
 * downloads the whole app again, and on a first visit that competed with loading PeerJS,
 * registering and the first sync (bench/RESULTS.md, first contact). So it starts a second after
 * the first peer is met, or 3 s after first paint when no peer comes.
 */
function startAfterFirstPaint(): void {
  const notices = document.getElementById("notices");
  const footer = document.getElementById("footer");
  if (footer) void mountStorageFooter(footer);
  const after = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const settled = peerMet.then(() => after(SERVICE_WORKER_AFTER_PEER_MS));
  if (notices) void Promise.race([settled, after(SERVICE_WORKER_DELAY_MS)]).then(() => registerServiceWorker(notices));
}

if (!isSecureContext) {
  showNeedsHttps(app);
} else {
  requestAnimationFrame(() => setTimeout(startAfterFirstPaint, 0));
  if (typeof SharedWorker === "function") {
    await connectHub();
    requestAnimationFrame(() => setTimeout(carryRadioWhenFree, 0));
  } else {
    await connectFallbackHub();
  }
}
