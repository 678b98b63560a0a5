// Photos before posting: each pick adds to the chosen ones, previews show in order, and the user
// can move or remove them; picks past the limit are left out with a message.

import { expect, it } from "vitest";
import { LIMITS } from "../../src/core/listings/records.ts";
import { photoPicker } from "../../src/ui/photo-picker.ts";

function pick(picker: ReturnType<typeof photoPicker>, ...names: string[]): void {
  const input = picker.field.control as HTMLInputElement;
  const files = names.map((name) => new File([new Uint8Array([1, 2, 3])], name, { type: "image/png" }));
  Object.defineProperty(input, "files", { value: files, configurable: true });
  input.dispatchEvent(new Event("change"));
}

const alts = (root: HTMLElement) => [...root.querySelectorAll("img")].map((img) => img.alt);
const button = (root: HTMLElement, label: string) => {
  const found = [...root.querySelectorAll("button")].find((b) => b.getAttribute("aria-label") === label);
  if (!found) throw new Error(`no button ${label}`);
  return found;
};

it("adds each pick, previews in order, moves and removes", () => {
  const picker = photoPicker("Photos");
  document.body.replaceChildren(picker.element);
  pick(picker, "front.png");
  pick(picker, "side.png", "back.png");
  expect(alts(picker.element)).toEqual(["Photo 1: front.png", "Photo 2: side.png", "Photo 3: back.png"]);
  expect(button(picker.element, "Move earlier front.png").disabled).toBe(true);
  expect(button(picker.element, "Move later back.png").disabled).toBe(true);
  button(picker.element, "Move earlier back.png").click();
  expect(picker.photos().map((f) => f.name)).toEqual(["front.png", "back.png", "side.png"]);
  button(picker.element, "Remove front.png").click();
  expect(picker.photos().map((f) => f.name)).toEqual(["back.png", "side.png"]);
  expect(picker.element.textContent).toContain("back.png (cover)");
  picker.clear();
  expect(picker.photos()).toEqual([]);
  expect(picker.element.querySelector("ul")?.hidden).toBe(true);
});

it(`keeps at most ${LIMITS.imagesMax} and says how many were left out`, () => {
  const picker = photoPicker("Photos");
  document.body.replaceChildren(picker.element);
  pick(picker, "1.png", "2.png", "3.png");
  pick(picker, "4.png", "5.png", "6.png");
  expect(picker.photos()).toHaveLength(LIMITS.imagesMax);
  expect(picker.field.error.textContent).toBe(`Choose at most ${LIMITS.imagesMax} photos: 2 left out.`);
});
