// Labelled form fields with an error line each (aria-describedby, aria-invalid).

import { h, uniqueId } from "./dom.ts";

export interface Field {
  wrapper: HTMLElement;
  control: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;
  error: HTMLElement;
}

export function field(label: string, control: Field["control"]): Field {
  control.id ||= uniqueId("field");
  const error = h("p", { className: "field-error", id: uniqueId("error") });
  control.setAttribute("aria-describedby", error.id);
  const wrapper = h(
    "div",
    { className: "field" },
    h("label", { htmlFor: control.id, textContent: label }),
    control,
    error,
  );
  return { wrapper, control, error };
}

export function setError(f: Field, message: string): void {
  // Unchanged is left alone: Search clears its price errors on every keystroke.
  if (f.error.textContent === message) return;
  f.error.textContent = message;
  if (message) f.control.setAttribute("aria-invalid", "true");
  else f.control.removeAttribute("aria-invalid");
}
