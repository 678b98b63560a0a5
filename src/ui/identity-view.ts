// The "Identity" view: "Export identity" to a passphrase-sealed file, "Import identity" from one.

import type { PeerId } from "../core/crypto.ts";
import { h } from "./dom.ts";
import { field, setError } from "./form.ts";
import type { ViewContext } from "./shell.ts";

function download(fileName: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: "application/json" }));
  const link = h("a", { href: url, download: fileName });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function mountIdentityView(outlet: HTMLElement, context: ViewContext): void {
  const { hub } = context;
  const me: PeerId = context.status.peerId;

  const passphrase = field("Passphrase", h("input", { type: "password", autocomplete: "new-password" }));
  const repeat = field("Repeat passphrase", h("input", { type: "password", autocomplete: "new-password" }));
  const exportDone = h("p", { className: "notice", role: "status" });
  const exportButton = h("button", { type: "submit", textContent: "Export identity" });
  const exportForm = h(
    "form",
    { "aria-label": "Export identity", noValidate: true },
    h("p", {
      textContent:
        "Save your identity to a file sealed with a passphrase, to use it on another device or to restore it. " +
        "Anyone with the file and the passphrase can act as you: keep both safe.",
    }),
    passphrase.wrapper,
    repeat.wrapper,
    exportButton,
    exportDone,
  );

  const fileInput = h("input", { type: "file", accept: "application/json,.json" });
  const file = field("Identity file", fileInput);
  const filePassphrase = field("Passphrase for the file", h("input", { type: "password", autocomplete: "off" }));
  const replaceBox = h("input", { type: "checkbox" });
  const replace = field("Replace this browser's identity", replaceBox);
  const exportFirst = h("button", {
    type: "button",
    className: "secondary",
    textContent: "Export the current identity first",
  });
  exportFirst.addEventListener("click", () => passphrase.control.focus());
  const importDone = h("p", { className: "notice", role: "status" });
  const importButton = h("button", { type: "submit", textContent: "Import identity" });
  const importForm = h(
    "form",
    { "aria-label": "Import identity", noValidate: true },
    h("p", {
      textContent:
        `Importing replaces this browser's identity (${me}). Listings stay on this device; ` +
        "your own listings, as the imported identity, come back from peers when you connect.",
    }),
    file.wrapper,
    filePassphrase.wrapper,
    h("p", {
      textContent:
        "The identity this browser has now is gone after the import unless you exported it: " +
        "nobody can give it back to you.",
    }),
    exportFirst,
    replace.wrapper,
    importButton,
    importDone,
  );

  outlet.replaceChildren(
    h(
      "div",
      { className: "identity-view" },
      h("section", { "aria-label": "Export identity" }, h("h2", { textContent: "Export identity" }), exportForm),
      h("section", { "aria-label": "Import identity" }, h("h2", { textContent: "Import identity" }), importForm),
    ),
  );

  exportForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    setError(passphrase, "");
    setError(repeat, "");
    exportDone.textContent = "";
    if (passphrase.control.value !== repeat.control.value) {
      setError(repeat, "The two passphrases differ.");
      repeat.control.focus();
      return;
    }
    exportButton.disabled = true;
    try {
      const result = await hub.exportIdentity(passphrase.control.value);
      if (!result.ok) {
        setError(passphrase, result.message);
        passphrase.control.focus();
        return;
      }
      download(result.fileName, result.text);
      exportForm.reset();
      exportDone.textContent = `Saved ${result.fileName}. Keep it and the passphrase safe.`;
    } finally {
      exportButton.disabled = false;
    }
  });

  importForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    setError(file, "");
    setError(filePassphrase, "");
    setError(replace, "");
    importDone.textContent = "";
    const chosen = fileInput.files?.[0];
    if (!chosen) {
      setError(file, "Choose the identity file you exported.");
      fileInput.focus();
      return;
    }
    if (!replaceBox.checked) {
      setError(replace, "Tick this to replace the identity on this browser (export it first if you need it).");
      replace.control.focus();
      return;
    }
    importButton.disabled = true;
    try {
      const result = await hub.importIdentity(await chosen.text(), filePassphrase.control.value);
      if (!result.ok) {
        setError(filePassphrase, result.message);
        filePassphrase.control.focus();
        return;
      }
      importForm.reset();
      importDone.textContent =
        result.peerId === me
          ? "That is already the identity of this browser."
          : `Imported. Restarting as ${result.peerId}…`;
    } finally {
      importButton.disabled = false;
    }
  });
}
