// System notifications and the app badge, for every tab of the app: each tab tells the hub
// whether it is on screen; the one tab holding the Web Lock "notifier" raises the hub's alerts
// through the service worker registration (`new Notification()` throws on Android Chrome:
// docs/architecture.md, "Facts checked in the libraries") and keeps the badge at the unread
// count. Never asks for permission itself: that happens on a click ("Notify me", notify-control.ts).

import type { Alert, HubApi, HubEvent, SavedSearchSummary } from "../shared/api.ts";

export const NOTIFIER_LOCK = "notifier";

/** Whether this browser may show our notifications now (the user allowed them). */
export function notificationsAllowed(): boolean {
  return typeof Notification !== "undefined" && Notification.permission === "granted";
}

/** Raises one alert as a system notification; its tag makes a later one with the same tag replace it. */
export async function showAlert(alert: Alert): Promise<void> {
  if (!notificationsAllowed() || !("serviceWorker" in navigator)) return;
  const registration = await navigator.serviceWorker.ready;
  await registration.showNotification(alert.title, {
    body: alert.body,
    tag: alert.tag,
    icon: "/icons/icon-192.png",
    data: { url: alert.url },
  });
}

type BadgeNavigator = Navigator & {
  setAppBadge?: (count?: number) => Promise<void>;
  clearAppBadge?: () => Promise<void>;
};

/** The Badging API where the browser has it (installed apps on most); nothing elsewhere. */
export function setBadge(count: number, nav: BadgeNavigator = navigator): void {
  const done = count > 0 ? nav.setAppBadge?.(count) : nav.clearAppBadge?.();
  // A browser may refuse a badge (not installed, or no permission); the counts still show in the app.
  done?.catch(() => undefined);
}

/** Unread deal steps, messages and new saved-search matches, from the hub's events. */
export async function unreadCounter(hub: HubApi, onChange: (count: number) => void) {
  const me = (await hub.status()).peerId;
  const deals = new Map<string, number>();
  const messages = new Set<string>();
  let searches: SavedSearchSummary[] = [];
  for (const deal of await hub.deals()) deals.set(deal.id, deal.unread);
  for (const m of await hub.messages()) if (m.author !== me && m.status !== "read") messages.add(`${m.author}/${m.id}`);
  searches = await hub.savedSearches();
  const count = () =>
    [...deals.values()].reduce((a, b) => a + b, 0) + messages.size + searches.reduce((a, s) => a + s.unseen, 0);
  onChange(count());
  return (event: HubEvent) => {
    if (event.type === "deal") deals.set(event.deal.id, event.deal.unread);
    else if (event.type === "message") {
      const key = `${event.message.author}/${event.message.id}`;
      if (event.message.author !== me && event.message.status !== "read") messages.add(key);
      else messages.delete(key);
    } else if (event.type === "saved-searches") searches = event.searches;
    else return;
    onChange(count());
  };
}

export interface Notifier {
  /** Every event of the shell's hub subscription: alerts and what the unread count follows. */
  handle(event: HubEvent): void;
  stop(): void;
}

/** The notifier running in this tab: a new hub (the old one died) replaces it. */
let running: Notifier | undefined;

/**
 * Starts this tab's part on the shell's event subscription (mountShell): the tab holds one, so
 * every batch of events crosses to it once, and its key is also the tab's visibility handle
 * (`tabVisible`). Events told before the unread count is read are left to that count.
 */
export async function startNotifier(hub: HubApi, subscription: number): Promise<Notifier> {
  running?.stop();
  let holder = false;
  let count = 0;
  let stopped = false;
  const badge = () => {
    if (holder) setBadge(count);
  };
  let counted: ((event: HubEvent) => void) | undefined;
  const notifier: Notifier = {
    handle(event) {
      if (stopped) return;
      counted?.(event);
      if (event.type === "alert" && holder)
        showAlert(event.alert).catch((error: unknown) => console.warn("Peerboard: notification failed", error));
    },
    stop() {
      if (running === notifier) running = undefined;
      stopped = true;
      release();
      document.removeEventListener("visibilitychange", report);
      removeEventListener("pagehide", hidden);
      navigator.serviceWorker?.removeEventListener("message", opened);
      // The subscription is the shell's: it ends with the shell, and with it the visibility.
      void hub.tabVisible(subscription, false);
    },
  };
  running = notifier;
  const report = () => void hub.tabVisible(subscription, document.visibilityState === "visible");
  document.addEventListener("visibilitychange", report);
  const hidden = () => void hub.tabVisible(subscription, false);
  addEventListener("pagehide", hidden);
  report();
  let release: () => void = () => undefined;
  // A click on one of our notifications (public/notifications-sw.js) opens its listing here.
  const opened = (event: MessageEvent) => {
    const data = event.data as { type?: string; url?: string } | null;
    if (data?.type !== "open" || typeof data.url !== "string") return;
    const url = new URL(data.url, location.href);
    if (url.origin === location.origin) location.hash = url.hash;
  };
  navigator.serviceWorker?.addEventListener("message", opened);
  const handleCount = await unreadCounter(hub, (next) => {
    count = next;
    badge();
  });
  if (stopped) return notifier;
  counted = handleCount;
  void navigator.locks?.request(NOTIFIER_LOCK, () => {
    if (stopped) return;
    holder = true;
    badge();
    return new Promise<void>((resolve) => {
      release = resolve;
    });
  });
  return notifier;
}
