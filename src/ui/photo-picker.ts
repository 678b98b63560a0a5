// Photos for a listing before it is posted: each pick adds to the chosen ones (up to the limit),
// each shows a preview, and can be moved earlier or later (the first is the listing's cover) or
// removed. On a phone a second control opens the camera directly (`capture`).

import { LIMITS } from "../core/listings/listing-terms.ts";
import { h } from "./dom.ts";
import { type Field, field, setError } from "./form.ts";

export interface PhotoPicker {
  /** The "Photos" field: its error line shows what the hub said of a photo. */
  field: Field;
  element: HTMLElement;
  /** The chosen photos, in the order the listing will show them. */
  photos(): File[];
  clear(): void;
}

export function photoPicker(label: string): PhotoPicker {
  const input = h("input", { type: "file", name: "photos", multiple: true, accept: "image/*" });
  const photosField = field(label, input);
  const camera = h("input", { type: "file", name: "camera", accept: "image/*", capture: "environment" });
  const cameraField = field("Take a photo", camera);
  // Only where a camera is at hand: on a desktop, capture would just open the file chooser again.
  cameraField.wrapper.hidden = !matchMedia("(pointer: coarse)").matches;
  const list = h("ul", { className: "photo-previews", "aria-label": "Photo previews" });
  let chosen: { file: File; url: string }[] = [];

  const render = () => {
    list.replaceChildren(
      ...chosen.map(({ file, url }, index) => {
        const name = file.name || `photo ${index + 1}`;
        const button = (text: string, act: () => void, disabled = false) => {
          const b = h("button", { type: "button", className: "secondary", textContent: text, disabled });
          b.setAttribute("aria-label", `${text} ${name}`);
          b.addEventListener("click", act);
          return b;
        };
        return h(
          "li",
          {},
          h("img", { src: url, alt: `Photo ${index + 1}: ${name}`, width: 96, height: 72 }),
          h("span", { className: "photo-name", textContent: index === 0 ? `${name} (cover)` : name }),
          button("Move earlier", () => move(index, -1), index === 0),
          button("Move later", () => move(index, 1), index === chosen.length - 1),
          button("Remove", () => remove(index)),
        );
      }),
    );
    list.hidden = chosen.length === 0;
  };
  const move = (index: number, by: number) => {
    const [item] = chosen.splice(index, 1);
    if (item) chosen.splice(index + by, 0, item);
    render();
  };
  const remove = (index: number) => {
    const [item] = chosen.splice(index, 1);
    if (item) URL.revokeObjectURL(item.url);
    setError(photosField, "");
    render();
  };
  const add = (from: HTMLInputElement) => {
    const files = [...(from.files ?? [])];
    // Cleared, so choosing the same file again after removing it is a change too.
    from.value = "";
    const room = LIMITS.imagesMax - chosen.length;
    if (files.length > room)
      setError(photosField, `Choose at most ${LIMITS.imagesMax} photos: ${files.length - Math.max(0, room)} left out.`);
    else setError(photosField, "");
    for (const file of files.slice(0, Math.max(0, room))) chosen.push({ file, url: URL.createObjectURL(file) });
    render();
  };
  input.addEventListener("change", () => add(input));
  camera.addEventListener("change", () => add(camera));
  render();

  return {
    field: photosField,
    element: h("div", { className: "photo-picker" }, photosField.wrapper, cameraField.wrapper, list),
    photos: () => chosen.map((c) => c.file),
    clear() {
      for (const c of chosen) URL.revokeObjectURL(c.url);
      chosen = [];
      setError(photosField, "");
      render();
    },
  };
}
