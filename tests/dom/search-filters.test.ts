// On a phone the Search view folds its filters under "Filters" so results start on the first
// screen; the summary says how many filters are set, so a folded one never hides why results are few.

import { beforeAll, beforeEach, expect, it, vi } from "vitest";
import { generateIdentity, type Identity } from "../../src/core/crypto.ts";
import { byLabel, HubDouble, mountBoard, useShellHooks } from "./shell-support.ts";

useShellHooks();
let alice: Identity;
beforeAll(async () => {
  alice = await generateIdentity(Date.now());
});
beforeEach(() => document.body.replaceChildren());

async function openSearch(width: number): Promise<HTMLElement> {
  // happy-dom's own API: its matchMedia answers by this viewport.
  (
    window as unknown as { happyDOM: { setViewport(size: { width: number; height: number }): void } }
  ).happyDOM.setViewport({
    width,
    height: 740,
  });
  const root = document.body.appendChild(document.createElement("div"));
  await mountBoard(root, new HubDouble(alice));
  location.hash = "#/search";
  await vi.waitFor(() => expect(root.querySelector("details.search-more")).not.toBeNull());
  return root;
}

it("at 360 px the filters start folded, and the summary counts the ones set", async () => {
  const root = await openSearch(360);
  const filters = root.querySelector("details");
  expect(filters?.open).toBe(false);
  expect(filters?.contains(byLabel(root, "Kind"))).toBe(true);
  const summary = filters?.querySelector("summary");
  expect(summary?.textContent).toBe("Filters");

  const kind = byLabel(root, "Kind") as HTMLSelectElement;
  kind.value = "wanted";
  kind.dispatchEvent(new Event("change"));
  const photo = byLabel(root, "Has photo") as HTMLInputElement;
  photo.checked = true;
  photo.dispatchEvent(new Event("change"));
  expect(summary?.textContent).toBe("Filters (2 set)");
  kind.value = "";
  kind.dispatchEvent(new Event("change"));
  expect(summary?.textContent).toBe("Filters (1 set)");
});

it("on a wide screen the filters start open", async () => {
  const root = await openSearch(1280);
  expect(root.querySelector("details")?.open).toBe(true);
});
