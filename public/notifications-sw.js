// Imported by the generated service worker (vite.config.ts, workbox.importScripts): a click on one
// of Peerboard's notifications opens what it is about, in an open tab if there is one.
/// <reference lib="webworker" />

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const url = new URL(event.notification.data?.url ?? "/", self.location.origin).href;
  event.waitUntil(
    (async () => {
      const tabs = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
      const tab = tabs.find((client) => new URL(client.url).origin === self.location.origin);
      if (!tab) {
        await self.clients.openWindow(url);
        return;
      }
      await tab.focus();
      // The tab moves to the route itself (src/ui/notifier.ts): navigate() would reload the app.
      tab.postMessage({ type: "open", url });
    })(),
  );
});
