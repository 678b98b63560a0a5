// Tabs without SharedWorker reach the hub through the tab that hosts it, over BroadcastChannel
// (src/ui/hub-fallback.ts): a call runs once on a host however often it is sent, and a call the
// host that took it never answered is answered by the next.

import { afterEach, describe, expect, it, vi } from "vitest";
import type { HubApi } from "../../src/shared/api.ts";
import { hubClient, serveTabs } from "../../src/ui/hub-fallback.ts";

const stops: (() => void)[] = [];
afterEach(() => {
  for (const stop of stops.splice(0)) stop();
});

/** A host's connection to its worker whose `post` runs until the test lets it finish. */
function slowRelay() {
  const runs: string[] = [];
  const finishers: (() => void)[] = [];
  const relay = {
    async post(draft: { title: string }) {
      runs.push(draft.title);
      await new Promise<void>((resolve) => finishers.push(resolve));
      return { ok: true, value: draft.title };
    },
    async subscribe() {
      return 1;
    },
  };
  const finish = () => {
    for (const done of finishers.splice(0)) done();
  };
  return { relay: relay as unknown as HubApi, runs, finish };
}

function start<T extends { stop: () => void }>(started: T): T {
  stops.push(() => started.stop());
  return started;
}

describe("the fallback hub's tabs", () => {
  it("a call in flight when another tab opens runs once, and is answered", async () => {
    const { relay, runs, finish } = slowRelay();
    start(serveTabs(relay, "host-1"));
    const tab = start(hubClient());
    const posted = tab.hub.post({ title: "Blue bicycle" } as never);
    await vi.waitFor(() => expect(runs).toEqual(["Blue bicycle"]));
    // The new tab's hello makes the host say it is ready again, to every tab.
    start(hubClient());
    await new Promise((resolve) => setTimeout(resolve, 50));
    finish();
    await expect(posted).resolves.toEqual({ ok: true, value: "Blue bicycle" });
    expect(runs).toEqual(["Blue bicycle"]);
  });

  it("a call the closed host never answered goes to the host that takes over", async () => {
    const first = slowRelay();
    const oldHost = serveTabs(first.relay, "host-1");
    const tab = start(hubClient());
    const posted = tab.hub.post({ title: "Desk lamp" } as never);
    await vi.waitFor(() => expect(first.runs).toEqual(["Desk lamp"]));
    oldHost.stop();
    const next = slowRelay();
    start(serveTabs(next.relay, "host-2"));
    await vi.waitFor(() => expect(next.runs).toEqual(["Desk lamp"]));
    next.finish();
    await expect(posted).resolves.toEqual({ ok: true, value: "Desk lamp" });
  });
});
