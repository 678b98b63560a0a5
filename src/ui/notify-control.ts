// "Notify me" beside a saved search: asks for notification permission on this click only (never
// on load), then has the hub raise an alert for each new match. "Stop notifications" undoes it.

import type { HubApi, SavedSearchSummary } from "../shared/api.ts";
import { h } from "./dom.ts";

export function notifyControl(
  hub: HubApi,
  search: SavedSearchSummary,
  name: string,
  say: (message: string) => void,
): HTMLButtonElement {
  const on = search.notify;
  const button = h("button", {
    type: "button",
    className: "secondary",
    textContent: on ? "Stop notifications" : "Notify me",
    "aria-label": on ? `Stop notifications for ${name}` : `Notify me of new matches for ${name}`,
  });
  button.addEventListener("click", async () => {
    if (on) {
      await hub.setSavedSearchNotify(search.id, false);
      say(`No more notifications for ${name}.`);
      return;
    }
    if (typeof Notification === "undefined") {
      say("This browser cannot show notifications. New matches still show here.");
      return;
    }
    const permission =
      Notification.permission === "default" ? await Notification.requestPermission() : Notification.permission;
    if (permission !== "granted") {
      say("Notifications are blocked for this site. Allow them in the browser's site settings, then try again.");
      return;
    }
    await hub.setSavedSearchNotify(search.id, true);
    say(`You will be notified of new matches for ${name}.`);
  });
  return button;
}
