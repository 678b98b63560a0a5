// The author's controls for one listing: Edit (an inline form), Mark reserved / Mark sold /
// Mark available, Renew, Delete (asks once more). Used by "My listings" and the detail view.

import type { Listing, ListingStatus } from "../core/listings/records.ts";
import type { HubApi, PostResult } from "../shared/api.ts";
import { h } from "./dom.ts";
import { listingForm } from "./listing-form.ts";

/** `changed` gets every new version the hub accepted (the tombstone too, after Delete). */
export function ownerActions(hub: HubApi, listing: Listing, changed: (next: Listing) => void): HTMLElement {
  const message = h("p", { className: "form-error", role: "alert" });
  const editorSlot = h("div", { className: "editor" });
  const container = h("div", { className: "owner-actions" });

  const run = (button: HTMLButtonElement, action: () => Promise<PostResult>) => {
    button.addEventListener("click", async () => {
      message.textContent = "";
      button.disabled = true;
      try {
        const result = await action();
        if (result.ok) changed(result.listing);
        else message.textContent = result.message;
      } catch (error) {
        message.textContent = `Could not change the listing: ${error instanceof Error ? error.message : String(error)}`;
      } finally {
        button.disabled = false;
      }
    });
    return button;
  };
  const statusButton = (label: string, status: ListingStatus) =>
    listing.status === status
      ? null
      : run(h("button", { type: "button", textContent: label }), () => hub.setStatus(listing.id, status));

  const edit = h("button", { type: "button", textContent: "Edit", "aria-expanded": "false" });
  edit.addEventListener("click", () => {
    if (editorSlot.firstChild) {
      editorSlot.replaceChildren();
      edit.setAttribute("aria-expanded", "false");
      return;
    }
    const form = listingForm({ name: "Edit listing", submitLabel: "Save", editing: true });
    form.fill(listing);
    form.onSubmit(
      (draft) => hub.edit(listing.id, draft),
      (result) => {
        if (result.ok) changed(result.listing);
      },
    );
    const cancel = h("button", { type: "button", className: "secondary", textContent: "Cancel" });
    cancel.addEventListener("click", () => {
      editorSlot.replaceChildren();
      edit.setAttribute("aria-expanded", "false");
      edit.focus();
    });
    form.element.append(cancel);
    editorSlot.replaceChildren(form.element);
    edit.setAttribute("aria-expanded", "true");
    form.fields.title?.control.focus();
  });

  const remove = h("button", { type: "button", className: "danger", textContent: "Delete" });
  const confirm = run(h("button", { type: "button", className: "danger", textContent: "Yes, delete it" }), () =>
    hub.remove(listing.id),
  );
  const keep = h("button", { type: "button", className: "secondary", textContent: "Keep it" });
  const confirmBox = h(
    "p",
    { className: "confirm", hidden: true },
    "Delete this listing for everyone? ",
    confirm,
    " ",
    keep,
  );
  remove.addEventListener("click", () => {
    confirmBox.hidden = false;
    keep.focus();
  });
  keep.addEventListener("click", () => {
    confirmBox.hidden = true;
    remove.focus();
  });

  container.append(
    h(
      "div",
      { className: "toolbar", role: "group", "aria-label": `Manage ${listing.title}` },
      edit,
      statusButton("Mark available", "active"),
      statusButton("Mark reserved", "reserved"),
      statusButton("Mark sold", "sold"),
      run(h("button", { type: "button", textContent: "Renew" }), () => hub.renew(listing.id)),
      remove,
    ),
    confirmBox,
    message,
    editorSlot,
  );
  return container;
}
