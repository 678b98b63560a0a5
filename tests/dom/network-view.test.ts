// The Network view says why a peer could not be reached, by name where a profile gave one.

import { afterEach, beforeAll, expect, it } from "vitest";
import { generateIdentity, type Identity } from "../../src/core/crypto.ts";
import type { NetworkReport } from "../../src/shared/api.ts";
import { mountNetworkView } from "../../src/ui/network-view.ts";
import { networkReport } from "./listings-double.ts";
import { HubDouble } from "./shell-support.ts";

const unreachablePeer = "pb-aaaaaaaaaaaaaaaaaaaaaaaaaa";
const offlinePeer = "pb-bbbbbbbbbbbbbbbbbbbbbbbbbb";

class NetworkDouble extends HubDouble {
  unreachable: NetworkReport["unreachable"] = [];
  override async network(): Promise<NetworkReport> {
    return networkReport(this.unreachable);
  }
  override async profileNames() {
    return { [unreachablePeer]: { name: "Alice" } };
  }
}

let identity: Identity;
const unmounts: (() => void)[] = [];
beforeAll(async () => {
  identity = await generateIdentity(Date.now());
});
afterEach(() => {
  for (const unmount of unmounts.splice(0)) unmount();
  document.body.replaceChildren();
});

async function mount(hub: NetworkDouble): Promise<HTMLElement> {
  const root = document.body.appendChild(document.createElement("div"));
  const unmount = await mountNetworkView(root, {
    hub,
    status: await hub.status(),
    onEvent: () => {},
    params: [],
  });
  unmounts.push(unmount);
  return root;
}

it("lists each failed connection with the reason and what may fix it", async () => {
  const hub = new NetworkDouble(identity);
  hub.unreachable = [
    { peer: unreachablePeer, reason: "no-route", at: 2 },
    { peer: offlinePeer, reason: "not-registered", at: 1 },
  ];
  const root = await mount(hub);
  const items = [...root.querySelectorAll(".unreachable li")].map((li) => li.textContent);
  expect(items).toEqual([
    `No route to Alice (${unreachablePeer}): this community may need a TURN server.`,
    `${offlinePeer} is not online at the signaling server.`,
  ]);
});

it("says so when no connection has failed", async () => {
  const root = await mount(new NetworkDouble(identity));
  expect(root.textContent).toContain("No connection has failed.");
  expect(root.querySelector(".unreachable")).toBeNull();
});
