// The header line "Syncing 1,240 / 10,000" while the hub fetches many listings it lacked
// (a first sync, or a long time offline). Small catch-ups finish before anyone could read it.

import { h } from "./dom.ts";

/** Below this many listings to fetch, no progress line is shown. */
export const SHOW_FROM = 50;

const count = new Intl.NumberFormat("en-US");

export function syncProgressText(received: number, total: number): string {
  return `Syncing ${count.format(received)} / ${count.format(total)}`;
}

export function syncProgress(): {
  element: HTMLProgressElement;
  wrapper: HTMLElement;
  update(received: number, total: number): void;
} {
  const text = h("span", {});
  const element = h("progress", { max: 1, value: 0 });
  element.setAttribute("aria-label", "Sync progress");
  const wrapper = h("p", { className: "sync", hidden: true }, text, " ", element);
  return {
    element,
    wrapper,
    update(received, total) {
      wrapper.hidden = total < SHOW_FROM || received >= total;
      if (wrapper.hidden) return;
      text.textContent = syncProgressText(received, total);
      element.max = total;
      element.value = received;
    },
  };
}
