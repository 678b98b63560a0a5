// While the hub has not answered yet (a SharedWorker still starting), the header's link to the
// user's profile has no name to show: it must not be an empty link anyone can reach (axe
// "link-name" caught it in Chromium), and it shows the name once the hub answers.

import { beforeAll, expect, it, vi } from "vitest";
import { generateIdentity, type Identity } from "../../src/core/crypto.ts";
import type { HubStatus } from "../../src/shared/api.ts";
import { HubDouble, mountBoard, useShellHooks } from "./shell-support.ts";

useShellHooks();
let alice: Identity;
beforeAll(async () => {
  alice = await generateIdentity(Date.now());
});

class SlowHub extends HubDouble {
  answer: () => void = () => undefined;
  override async status(): Promise<HubStatus> {
    await new Promise<void>((resolve) => {
      this.answer = resolve;
    });
    return super.status();
  }
}

it("the profile link stays hidden until the hub answers, then says 'Add your name'", async () => {
  const hub = new SlowHub(alice);
  const root = document.body.appendChild(document.createElement("div"));
  const mounted = mountBoard(root, hub);
  await vi.waitFor(() => expect(root.querySelector("a.me")).not.toBeNull());
  const link = root.querySelector<HTMLAnchorElement>("a.me");
  expect(link?.textContent).toBe("");
  expect(link?.style.visibility).toBe("hidden");
  hub.answer();
  await mounted;
  await vi.waitFor(() => expect(link?.textContent).toContain("Add your name"));
  expect(link?.style.visibility).toBe("");
});
