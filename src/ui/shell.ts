// The app shell: header (the app's and the user's name, network line), the main navigation (a
// bottom tab bar on phones), and a hash router that mounts one view at a time. It holds the tab's
// one hub subscription and fans events out to the mounted view and to `onAnyEvent` (unread
// counts, the notifier), so nothing else in the tab subscribes over Comlink and each batch of
// events crosses to the tab once.

import { authorSummary } from "../core/profiles/author-names.ts";
import type { Profile } from "../core/profiles/profile.ts";
import type { HubApi, HubEvent, HubStatus } from "../shared/api.ts";
import { h } from "./dom.ts";
import { icon } from "./icons.ts";
import { initial } from "./listing-view.ts";
import { avatarImage } from "./photos.ts";
import { syncProgress } from "./sync-progress.ts";

/** Wraps a listener for crossing to the hub (Comlink.proxy in the app, identity in tests). */
export type ListenerWrapper = (listener: (events: HubEvent[]) => void) => (events: HubEvent[]) => void;

/** What a view gets: the hub, the last status, and the hub's events while it is mounted. */
export interface ViewContext {
  hub: HubApi;
  status: HubStatus;
  onEvent(fn: (event: HubEvent) => void): void;
  /** The route's captured groups, e.g. the listing id of `#/listing/<id>`. */
  params: string[];
}

// biome-ignore lint/suspicious/noConfusingVoidType: lets a view be a plain function that returns nothing
export type Unmount = (() => void) | undefined | void;

export interface Route {
  /** Matched against the hash without its leading "#", e.g. "/" or "/listing/abc". */
  path: RegExp;
  /** Shown in the main navigation when set (routes with parameters usually have none). */
  nav?: { label: string; href: string; icon?: string };
  /** The navigation entry this view belongs under, e.g. "#/profile" for Network. */
  tab?: string;
  /** Document title for this view. */
  title: string;
  /** Builds the view in `outlet`; may return a cleanup to run when another view replaces it. */
  mount(outlet: HTMLElement, context: ViewContext): Unmount | Promise<Unmount>;
  /**
   * For the view a tab opens on: asks the hub for its first screen before the shell has the hub's
   * status, so those asks wait in the hub's port beside the shell's; resolves to a mount that uses
   * the answers.
   */
  prepare?(hub: HubApi): Promise<Route["mount"]>;
}

export interface Shell {
  unmount(): void;
  /** The key of the tab's hub subscription: also its visibility handle (HubApi.tabVisible). */
  subscription: number;
}

/** Events kept for a view while it mounts, replayed to each handler it registers. */
const MISSED_MAX = 1_000;

export function networkText(status: HubStatus): string {
  const ready = status.peers.filter((p) => p.stage === "ready").length;
  switch (status.radio) {
    case "none":
      return "Offline: no tab is carrying the connection yet.";
    case "connecting":
      return "Connecting to the signaling server…";
    case "online":
      return ready === 1 ? "Online · 1 peer connected" : `Online · ${ready} peers connected`;
    case "offline":
      return "Offline: the signaling server is unreachable. Retrying; your listings are kept and sent later.";
    case "identity-in-use":
      return "This identity is in use in another browser or device right now. This one stays offline until that one stops.";
  }
}

export async function mountShell(
  root: HTMLElement,
  hub: HubApi,
  wrap: ListenerWrapper,
  routes: Route[],
  /** Hears every hub event whatever view is mounted (e.g. unread counts in the title). */
  onAnyEvent?: (event: HubEvent) => void,
): Promise<Shell> {
  const network = h("p", { className: "network", role: "status", "aria-label": "Network" });
  const notice = h("p", { className: "notice", role: "status", "aria-label": "Notices" });
  const navLinks = routes.flatMap((r) =>
    r.nav
      ? [
          {
            route: r,
            link: h(
              "a",
              { href: r.nav.href },
              r.nav.icon ? icon(r.nav.icon) : null,
              h("span", { className: "tab-label", textContent: r.nav.label }),
            ),
          },
        ]
      : [],
  );
  const outlet = h("main", { id: "view" });
  // Who this browser is, by name: the peer id is on Profile and in detail views.
  const myName = h("span", { className: "my-name" });
  const myAvatar = h("span", { className: "avatar initial", "aria-hidden": "true" });
  const me = h("a", { className: "me", href: "#/profile" }, myAvatar, myName);
  // Kept out of sight (its place held) until the hub says who this is: an empty link has no name.
  me.style.visibility = "hidden";
  const progress = syncProgress();
  root.replaceChildren(
    h(
      "header",
      { className: "top" },
      h("h1", { className: "brand", textContent: "Peerboard" }),
      me,
      network,
      notice,
      progress.wrapper,
      h("nav", { className: "tabs", "aria-label": "Main" }, h("ul", {}, ...navLinks.map((n) => h("li", {}, n.link)))),
    ),
    outlet,
  );

  // The first asks go together: the hub answers them in one burst once it has started (calls
  // wait in its port until then), instead of one round trip of the throttled tab after another.
  let status: HubStatus;
  let viewListeners: ((event: HubEvent) => void)[] = [];
  let unmountView: (() => void) | undefined;
  const showStatus = (next: HubStatus) => {
    status = next;
    // The peer id is for the Profile and detail views; tests and scripts read it here.
    root.dataset.peerId = next.peerId;
    network.textContent = networkText(next);
    root.dataset.radio = next.radio;
  };
  const showMe = (profile: Profile | undefined) => {
    myName.textContent = profile?.name || "Add your name";
    me.style.visibility = "";
    const avatar = profile?.name ? avatarImage(hub, authorSummary(profile)) : null;
    myAvatar.replaceChildren(avatar ?? initial(profile?.name));
    myAvatar.classList.toggle("has-photo", avatar !== null);
  };
  const pick = () => {
    const path = location.hash.replace(/^#/, "") || "/";
    const match = routes.map((r) => ({ r, m: r.path.exec(path) })).find((x) => x.m);
    return match ?? { r: routes[0] as Route, m: null };
  };
  // Events that come while a view mounts, before it registers its handlers (a listing stored
  // between the view's first answer and its handler would otherwise be missed).
  let missed: HubEvent[] | undefined = [];
  const firstStatus = hub.status();
  const firstProfile = hub.myProfile();
  // Asked after status: the hub answers in order, so no event comes before the status it follows.
  const subscribed = hub.subscribe(
    wrap((events) => {
      for (const event of events) {
        if (event.type === "status") showStatus(event.status);
        else if (event.type === "notice") notice.textContent = event.message;
        else if (event.type === "profile" && event.profile.peerId === status.peerId) showMe(event.profile);
        else if (event.type === "sync") progress.update(event.received, event.total);
        onAnyEvent?.(event);
        if (missed && missed.push(event) > MISSED_MAX) missed.shift();
        for (const fn of viewListeners) fn(event);
      }
    }),
  );
  const opening = pick();
  let prepared = opening.r.prepare?.(hub);
  showStatus(await firstStatus);
  showMe(await firstProfile);
  const subscription = await subscribed;

  let generation = 0;
  const route = async () => {
    const chosen = pick();
    const early = chosen.r === opening.r ? prepared : undefined;
    prepared = undefined;
    generation += 1;
    const mine = generation;
    unmountView?.();
    unmountView = undefined;
    viewListeners = [];
    const listeners: ((event: HubEvent) => void)[] = [];
    missed ??= [];
    const replay = missed;
    const tab = chosen.r.tab ?? chosen.r.nav?.href;
    for (const { route: r, link } of navLinks) {
      if (r === chosen.r) link.setAttribute("aria-current", "page");
      else if (r.nav?.href === tab) link.setAttribute("aria-current", "true");
      else link.removeAttribute("aria-current");
    }
    document.title = `${chosen.r.title} · Peerboard`;
    outlet.replaceChildren();
    // A new view starts at its top: after posting from far down the form, the board shows the
    // new listing, not the middle of the list.
    scrollTo(0, 0);
    // Heard from the start: events during the mount reach each handler once it is registered.
    viewListeners = listeners;
    const mount = early ? await early : chosen.r.mount;
    const unmount = await mount(outlet, {
      hub,
      status,
      onEvent: (fn) => {
        listeners.push(fn);
        // Status is left out: the view has the newest in context.status.
        for (const event of replay) if (event.type !== "status") fn(event);
      },
      params: chosen.m ? chosen.m.slice(1) : [],
    });
    if (mine !== generation) {
      if (typeof unmount === "function") unmount();
      return;
    }
    if (missed === replay) missed = undefined;
    if (typeof unmount === "function") unmountView = unmount;
  };
  addEventListener("hashchange", route);
  await route();
  return {
    subscription,
    unmount() {
      removeEventListener("hashchange", route);
      unmountView?.();
      void hub.unsubscribe(subscription);
    },
  };
}
