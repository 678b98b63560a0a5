// Category chips: one tap narrows a list to a category, "All" widens it again. Toggle buttons
// (aria-pressed) in a labelled group, scrolling sideways on a narrow screen instead of wrapping.

import { CATEGORIES, type Category } from "../core/listings/listing-terms.ts";
import { h } from "./dom.ts";
import { CATEGORY_LABELS } from "./labels.ts";

export interface CategoryChips {
  element: HTMLElement;
  value(): Category | "";
}

export function categoryChips(onChange: (category: Category | "") => void): CategoryChips {
  let chosen: Category | "" = "";
  const choices: [Category | "", string][] = [
    ["", "All"],
    ...CATEGORIES.map((c): [Category, string] => [c, CATEGORY_LABELS[c]]),
  ];
  const buttons = choices.map(([value, label]) =>
    h("button", {
      type: "button",
      className: "chip",
      textContent: label,
      "aria-pressed": String(value === chosen),
      onclick: () => {
        chosen = value;
        for (const [i, b] of buttons.entries()) b.setAttribute("aria-pressed", String(choices[i]?.[0] === chosen));
        onChange(chosen);
      },
    }),
  );
  return {
    element: h("div", { className: "chips", role: "group", "aria-label": "Categories" }, ...buttons),
    value: () => chosen,
  };
}
