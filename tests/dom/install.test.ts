// "Install Peerboard" shows only while the browser offers installation, and asks it on a click.

import { expect, it } from "vitest";
import { offerInstall } from "../../src/ui/install.ts";

function installOffer() {
  const event = new Event("beforeinstallprompt", { cancelable: true }) as Event & {
    prompt(): Promise<void>;
    userChoice: Promise<{ outcome: string }>;
    prompted: number;
  };
  event.prompted = 0;
  event.prompt = async () => {
    event.prompted += 1;
  };
  event.userChoice = Promise.resolve({ outcome: "accepted" });
  return event;
}

it("is hidden until the browser offers, prompts once on a click, and goes when installed", async () => {
  const target = new EventTarget();
  const slot = document.createElement("div");
  offerInstall(slot, target);
  const button = slot.querySelector("button") as HTMLButtonElement;
  expect(button.textContent).toBe("Install Peerboard");
  expect(button.hidden).toBe(true);
  const offer = installOffer();
  target.dispatchEvent(offer);
  expect(offer.defaultPrevented).toBe(true);
  expect(button.hidden).toBe(false);
  button.click();
  await Promise.resolve();
  expect(offer.prompted).toBe(1);
  expect(button.hidden).toBe(true);
  button.click();
  expect(offer.prompted).toBe(1);
  target.dispatchEvent(installOffer());
  expect(button.hidden).toBe(false);
  target.dispatchEvent(new Event("appinstalled"));
  expect(button.hidden).toBe(true);
});
