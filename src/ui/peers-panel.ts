// "Connect to peer" and the list of connected peers: beside the board on wide screens, and in
// the Network view (under Profile) on every screen.

import type { HubApi, HubStatus } from "../shared/api.ts";
import { h } from "./dom.ts";
import { field, setError } from "./form.ts";

export interface PeersPanel {
  element: HTMLElement;
  show(status: HubStatus): void;
}

/** "Connect to peer": paste someone's id to reach them without discovery. */
export function connectForm(hub: HubApi): HTMLFormElement {
  const connectInput = h("input", { name: "peer", autocomplete: "off", spellcheck: false, placeholder: "pb-…" });
  const connectField = field("Connect to peer", connectInput);
  const form = h(
    "form",
    { className: "connect-form", "aria-label": "Connect to a peer" },
    connectField.wrapper,
    h("button", { type: "submit", textContent: "Connect" }),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    setError(connectField, "");
    const result = await hub.connect(connectInput.value);
    if (result.ok) connectInput.value = "";
    else setError(connectField, result.message);
  });
  return form;
}

export function peersPanel(hub: HubApi, className = "peers"): PeersPanel {
  const peerList = h("ul", { className: "peer-list", "aria-label": "Connected peers" });
  return {
    element: h(
      "section",
      { className, "aria-label": "Peers" },
      h("h2", { textContent: "Peers" }),
      connectForm(hub),
      peerList,
    ),
    show(status) {
      peerList.replaceChildren(
        ...status.peers.map((p) =>
          h("li", {
            textContent: p.stage === "ready" ? (p.name ? `${p.name} (${p.id})` : p.id) : `${p.id} (connecting…)`,
          }),
        ),
      );
    },
  };
}
