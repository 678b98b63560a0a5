// What the DOM tests of views inside the shell share: a hub double with the status and network a
// shell asks for, the app shell mounted on its real routes, and helpers that act as a user would.

import { afterEach, beforeAll, beforeEach, expect, vi } from "vitest";
import { generateIdentity, type Identity } from "../../src/core/crypto.ts";
import type { HubApi, HubStatus } from "../../src/shared/api.ts";
import { routes } from "../../src/ui/routes.ts";
import { mountShell } from "../../src/ui/shell.ts";
import { ListingsDouble, networkReport } from "./listings-double.ts";

export const unmounts: (() => void)[] = [];

/** Mounts the app shell with its real routes on the board ("#/"), as main.ts does. */
export async function mountBoard(root: HTMLElement, hub: HubApi) {
  unmounts.push((await mountShell(root, hub, (fn) => fn, routes)).unmount);
}

/** Mounts the app shell in a fresh element on `hash`, as a user arriving by that link. */
export async function mountAt(hub: HubApi, hash: string): Promise<HTMLElement> {
  location.hash = hash;
  await new Promise((resolve) => setTimeout(resolve, 0));
  const root = document.body.appendChild(document.createElement("div"));
  unmounts.push((await mountShell(root, hub, (fn) => fn, routes)).unmount);
  return root;
}

/**
 * The user's identity and another author's, made once for the file before its tests (key pairs
 * take a while to make): `people.identity` is the hub double's, `people.other` writes listings.
 */
export function useIdentities(): { readonly identity: Identity; readonly other: Identity } {
  const people = {} as { identity: Identity; other: Identity };
  beforeAll(async () => {
    [people.identity, people.other] = await Promise.all([generateIdentity(Date.now()), generateIdentity(Date.now())]);
  });
  return people;
}

/** Registers the hooks every test file of a view in the shell needs. */
export function useShellHooks(): void {
  beforeAll(async () => {
    // Set before any shell listens, so no late hashchange remounts a view mid-test.
    location.hash = "#/";
    await new Promise((resolve) => setTimeout(resolve, 0));
  });

  beforeEach(() => document.body.replaceChildren());

  afterEach(async () => {
    for (const unmount of unmounts.splice(0)) unmount();
    // Back on the board, with the hashchange heard by nobody, before the next test mounts.
    location.hash = "#/";
    await new Promise((resolve) => setTimeout(resolve, 0));
  });
}

export class HubDouble extends ListingsDouble implements HubApi {
  readonly connected: string[] = [];
  constructor(
    identity: Identity,
    public radio: HubStatus["radio"] = "online",
  ) {
    super(identity);
  }
  override async status(): Promise<HubStatus> {
    return { peerId: this.identity.peerId, radio: this.radio, peers: [] };
  }
  async network() {
    return networkReport();
  }
  async connect(text: string) {
    this.connected.push(text);
    return { ok: false as const, message: "Not connected to the signaling server yet; try again in a moment." };
  }
}

/** The control whose label reads `label` (an input unless the caller names another kind). */
export function byLabel<T extends HTMLElement = HTMLInputElement>(root: HTMLElement, label: string): T {
  const labelElement = [...root.querySelectorAll("label")].find((l) => l.textContent === label);
  const control = labelElement && root.querySelector<T>(`#${labelElement.htmlFor}`);
  if (!control) throw new Error(`no control labelled ${label}`);
  return control;
}

/** The shown button whose accessible name (its aria-label, else its text) is `name`. */
export function button(root: HTMLElement, name: string): HTMLButtonElement {
  const found = [...root.querySelectorAll("button")].find(
    (b) => (b.getAttribute("aria-label") ?? b.textContent) === name && !b.closest("[hidden]"),
  );
  if (!found) throw new Error(`no button ${name}`);
  return found;
}

export const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

/** Follows "Post a listing" from the board to the Post view, as a user would. */
export async function openPostView(root: HTMLElement): Promise<void> {
  const link = [...root.querySelectorAll("a")].find((a) => a.textContent === "Post a listing");
  if (!link) throw new Error("no 'Post a listing' link");
  location.hash = link.getAttribute("href") ?? "";
  await vi.waitFor(() => byLabel(root, "Title"));
}

/** The board's cards, once the hub's (throttled) answer has been shown. */
export async function boardTitles(root: HTMLElement, expected: string[]): Promise<void> {
  await vi.waitFor(() => expect([...root.querySelectorAll("article h3")].map((h) => h.textContent)).toEqual(expected), {
    timeout: 2_000,
  });
}
