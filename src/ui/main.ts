// Boot: connect to the hub, paint the board, then — after first paint — compete for the Web
// Lock "radio"; the tab that gets it loads PeerJS and carries the connection for all tabs.

import * as Comlink from "comlink";
import type { HubApi } from "../shared/api.ts";
import { mountBoard } from "./board-view.ts";
import "./styles.css";

const worker = new SharedWorker(new URL("../worker/hub.ts", import.meta.url), {
  type: "module",
  name: "peerboard-hub",
});
worker.port.start();
// Comlink.Remote<HubApi> has the same shape: every HubApi method is already async.
const hub = Comlink.wrap<HubApi>(worker.port) as unknown as HubApi;

function carryRadioWhenFree(): void {
  // Held until this page goes away; then the browser hands it to the next waiting tab.
  void navigator.locks.request("radio", async () => {
    const { Radio } = await import("./radio.ts");
    const channel = new MessageChannel();
    const radio = new Radio(channel.port1);
    addEventListener("pagehide", () => radio.shutdown());
    await hub.attachRadio(Comlink.transfer(channel.port2, [channel.port2]));
    document.documentElement.dataset.radio = "held";
    await new Promise<never>(() => {});
  });
}

const root = document.getElementById("app");
if (!root) throw new Error("index.html has no #app element");
const unmount = await mountBoard(root, hub, (listener) => Comlink.proxy(listener));
addEventListener("pagehide", unmount);
requestAnimationFrame(() => setTimeout(carryRadioWhenFree, 0));
