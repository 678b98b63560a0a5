// "Block this user" on someone else's listing: their records disappear from this browser and
// are no longer relayed; the Network view lists blocked users with "Unblock".

import type { PeerId } from "../core/crypto.ts";
import type { HubApi } from "../shared/api.ts";
import { h } from "./dom.ts";

export function blockAction(hub: HubApi, author: PeerId): HTMLElement {
  const message = h("p", { className: "form-error", role: "alert" });
  const button = h("button", { type: "button", className: "secondary", textContent: "Block this user" });
  button.addEventListener("click", async () => {
    button.disabled = true;
    const result = await hub.block(author);
    if (result.ok) location.hash = "#/";
    else {
      message.textContent = result.message;
      button.disabled = false;
    }
  });
  return h("div", { className: "block-action" }, button, message);
}
