// "Post a listing" at #/post: the listing form on its own screen, so on a phone the board comes
// first. After posting, the board shows the new listing at the top (newest first).

import { h } from "./dom.ts";
import { listingForm } from "./listing-form.ts";
import type { ViewContext } from "./shell.ts";

export function mountPostView(outlet: HTMLElement, context: ViewContext): void {
  const form = listingForm({ name: "New listing", submitLabel: "Post" });
  outlet.replaceChildren(
    h(
      "section",
      { className: "post", "aria-label": "Post a listing" },
      h("h2", { textContent: "Post a listing" }),
      form.element,
    ),
  );
  form.onSubmit(
    (draft) => context.hub.post(draft),
    () => {
      location.hash = "#/";
    },
  );
  form.fields.title?.control.focus();
}
