// "Profile": the user's display name and about text, signed by the hub and sent to peers; the
// peer id; and what sits under Profile: My listings, Network, Identity and the theme.

import { PROFILE_LIMITS } from "../core/profiles/profile-limits.ts";
import { h, uniqueId } from "./dom.ts";
import { type Field, field, setError } from "./form.ts";
import { reputationText } from "./person-view.ts";
import { avatarImage } from "./photos.ts";
import type { ViewContext } from "./shell.ts";
import { chooseTheme, THEME_LABELS, type ThemeChoice, themeChoice } from "./theme.ts";

/** The theme override: kept in this browser, applied at once. */
function themeControl(): HTMLElement {
  const select = h(
    "select",
    { name: "theme" },
    ...(Object.entries(THEME_LABELS) as [ThemeChoice, string][]).map(([value, label]) =>
      h("option", { value, textContent: label, selected: value === themeChoice() }),
    ),
  );
  select.addEventListener("change", () => chooseTheme(select.value as ThemeChoice));
  return h(
    "section",
    { "aria-label": "Appearance" },
    h("h2", { textContent: "Appearance" }),
    field("Theme", select).wrapper,
  );
}

/** The views that live under Profile rather than in the tab bar. */
function moreLinks(): HTMLElement {
  const links: [string, string, string][] = [
    ["#/mine", "My listings", "Edit, renew, mark sold or delete what you posted."],
    ["#/network", "Network", "Connected peers, connecting by id, blocked users and limits."],
    ["#/identity", "Identity", "Export your identity to a file, or import one."],
  ];
  return h(
    "nav",
    { className: "more", "aria-label": "Settings" },
    h(
      "ul",
      {},
      ...links.map(([href, label, hint]) =>
        h("li", {}, h("a", { href, textContent: label }), h("span", { className: "hint", textContent: hint })),
      ),
    ),
  );
}

/** "Your peer id": what others paste into "Connect to peer", and how anyone checks who is who. */
function peerIdLine(peerId: string): HTMLElement {
  const label = uniqueId("label");
  return h(
    "p",
    { className: "identity" },
    h("span", { id: label, textContent: "Your peer id" }),
    " ",
    h("output", { className: "peer-id", "aria-labelledby": label, textContent: peerId }),
  );
}

export async function mountProfileView(outlet: HTMLElement, context: ViewContext): Promise<void> {
  const { hub } = context;
  const name = field("Display name", h("input", { name: "name", maxLength: PROFILE_LIMITS.nameMax, required: true }));
  const about = field("About", h("textarea", { name: "about", rows: 5, maxLength: PROFILE_LIMITS.aboutMax }));
  const avatar = field("Avatar photo", h("input", { type: "file", name: "avatar", accept: "image/*" }));
  const removeAvatar = h("input", { type: "checkbox", name: "remove-avatar", id: uniqueId("remove-avatar") });
  const removeField = h(
    "div",
    { className: "field checkbox" },
    removeAvatar,
    h("label", { htmlFor: removeAvatar.id, textContent: "Remove avatar" }),
  );
  const currentAvatar = h("div", { className: "current-avatar" });
  const fields: Record<string, Field> = { name, about, avatar };
  const saved = h("p", { className: "saved", role: "status", "aria-label": "Profile status" });
  const standing = h("p", { className: "reputation" });
  const save = h("button", { type: "submit", textContent: "Save profile" });
  const form = h(
    "form",
    { className: "profile-form", "aria-label": "Profile", noValidate: true },
    name.wrapper,
    about.wrapper,
    currentAvatar,
    avatar.wrapper,
    removeField,
    save,
    saved,
  );
  outlet.replaceChildren(
    h(
      "div",
      { className: "profile-layout" },
      h(
        "section",
        { className: "profile", "aria-label": "Your profile" },
        h("h2", { textContent: "Your profile" }),
        h("p", {
          className: "hint",
          textContent:
            "People see your display name on your listings. It is signed with your key and shared with peers.",
        }),
        standing,
        peerIdLine(context.status.peerId),
        h("p", {}, h("a", { href: `#/people/${context.status.peerId}`, textContent: "See your profile as others do" })),
        form,
      ),
      h("section", { className: "profile-more", "aria-label": "More" }, h("h2", { textContent: "More" }), moreLinks()),
      themeControl(),
    ),
  );

  const showAvatar = (hash: string | undefined, who: string) =>
    currentAvatar.replaceChildren(
      ...[avatarImage(hub, hash ? { name: who, avatar: hash } : undefined)].filter((x) => x !== null),
    );
  const current = await hub.myProfile();
  standing.textContent = `Your completed deals: ${reputationText(current)}`;
  if (current) {
    name.control.value = current.name;
    about.control.value = current.about;
    showAvatar(current.avatar?.hash, current.name);
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    for (const f of Object.values(fields)) setError(f, "");
    saved.textContent = "";
    save.disabled = true;
    try {
      const photo = (avatar.control as HTMLInputElement).files?.[0];
      const result = await hub.saveProfile({
        name: name.control.value,
        about: about.control.value,
        ...(photo ? { avatarPhoto: photo } : {}),
        removeAvatar: removeAvatar.checked,
      });
      if (result.ok) {
        saved.textContent = "Saved. Your peers get the new profile now.";
        (avatar.control as HTMLInputElement).value = "";
        removeAvatar.checked = false;
        showAvatar(result.profile.avatar?.hash, result.profile.name);
        return;
      }
      const f = fields[result.field];
      if (f) {
        setError(f, result.message);
        f.control.focus();
      } else saved.textContent = result.message;
    } catch (error) {
      saved.textContent = `Could not save: ${error instanceof Error ? error.message : String(error)}`;
    } finally {
      save.disabled = false;
    }
  });
}
