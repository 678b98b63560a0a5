// "Install Peerboard": shown when the browser offers to install the app (beforeinstallprompt, in
// Chromium-based browsers), so people find it; an installed app also keeps its storage. Other
// browsers install from their own menu, and the button never shows there.

import { h } from "./dom.ts";

/** The part of Chromium's BeforeInstallPromptEvent we use (not in the DOM typings). */
interface InstallPrompt extends Event {
  prompt(): Promise<unknown>;
  readonly userChoice: Promise<{ outcome: "accepted" | "dismissed" }>;
}

/** Listens from the start (the browser may offer at once) and puts the button in `where`. */
export function offerInstall(where: HTMLElement, target: EventTarget = window): void {
  let offered: InstallPrompt | undefined;
  const button = h("button", { type: "button", className: "secondary", textContent: "Install Peerboard" });
  // The slot goes with the button, so no empty band shows where browsers never offer.
  const show = (shown: boolean) => {
    button.hidden = !shown;
    where.hidden = !shown;
  };
  show(false);
  target.addEventListener("beforeinstallprompt", (event) => {
    // Ours to show when the user asks, not the browser's mini-infobar at a random moment.
    event.preventDefault();
    offered = event as InstallPrompt;
    show(true);
  });
  target.addEventListener("appinstalled", () => {
    offered = undefined;
    show(false);
  });
  button.addEventListener("click", async () => {
    const prompt = offered;
    if (!prompt) return;
    // A prompt can be shown once; the browser offers again later if the user says no.
    offered = undefined;
    show(false);
    await prompt.prompt();
    await prompt.userChoice;
  });
  where.append(button);
}
