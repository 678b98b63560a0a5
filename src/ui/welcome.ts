// The first visit asks what people should call you, on the board, above the listings. Skipping is
// fine: the question stays away in this browser, and Profile can set a name any time.

import { PROFILE_LIMITS } from "../core/profiles/profile-limits.ts";
import type { HubApi } from "../shared/api.ts";
import { h } from "./dom.ts";
import { field, setError } from "./form.ts";

const ASKED_KEY = "peerboard-name-asked";

/** The welcome card, or null when the user has a name or skipped the question. */
export async function nameWelcome(hub: HubApi): Promise<HTMLElement | null> {
  if (localStorage.getItem(ASKED_KEY) || (await hub.myProfile())?.name) return null;
  const name = field(
    "Display name",
    h("input", {
      name: "name",
      maxLength: PROFILE_LIMITS.nameMax,
      autocomplete: "nickname" as AutoFill,
      required: true,
    }),
  );
  const save = h("button", { type: "submit", textContent: "Use this name" });
  const skip = h("button", { type: "button", className: "secondary", textContent: "Skip for now" });
  const form = h(
    "form",
    { className: "welcome", "aria-label": "Welcome", noValidate: true },
    h("h2", { textContent: "Welcome! What should people call you?" }),
    h("p", {
      className: "hint",
      textContent: "Your name shows on your listings, deals and messages instead of a long peer id.",
    }),
    name.wrapper,
    h("div", { className: "welcome-actions" }, save, skip),
  );
  const done = () => {
    localStorage.setItem(ASKED_KEY, "1");
    form.remove();
  };
  skip.addEventListener("click", done);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    setError(name, "");
    save.disabled = true;
    try {
      const result = await hub.saveProfile({ name: name.control.value, about: "", removeAvatar: false });
      if (result.ok) done();
      else {
        setError(name, result.message);
        name.control.focus();
      }
    } catch (error) {
      setError(name, `Could not save: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      save.disabled = false;
    }
  });
  return form;
}
