// The app's views, by hash route. The first route is the fallback for unknown paths. The board is
// in the app's own chunk (most starts open on it, and every extra chunk is another request the
// service worker answers while the hub starts); every other view is its own chunk, loaded when it
// is first shown.

import { mountBoardView, prepareBoardView } from "./board-view.ts";
import { askSearchStart } from "./search-start.ts";
import type { Route } from "./shell.ts";

/** A view's mount, loaded on first use. */
function lazy<M>(load: () => Promise<M>, pick: (module: M) => Route["mount"]): Route["mount"] {
  return async (outlet, context) => pick(await load())(outlet, context);
}

const messages = () => import("./messages-view.ts");

export const routes: Route[] = [
  {
    path: /^\/$/,
    nav: { label: "Board", href: "#/", icon: "board" },
    title: "Board",
    mount: mountBoardView,
    prepare: async (hub) => prepareBoardView(hub),
  },
  {
    path: /^\/search$/,
    nav: { label: "Search", href: "#/search", icon: "search" },
    title: "Search",
    mount: lazy(
      () => import("./search-view.ts"),
      (m) => m.mountSearchView,
    ),
    prepare: async (hub) => {
      const start = askSearchStart(hub);
      const { mountSearchView } = await import("./search-view.ts");
      return (outlet, context) => mountSearchView(outlet, context, context.hub === hub ? start : undefined);
    },
  },
  {
    path: /^\/post$/,
    nav: { label: "Post", href: "#/post", icon: "post" },
    title: "Post a listing",
    mount: lazy(
      () => import("./post-view.ts"),
      (m) => m.mountPostView,
    ),
  },
  // Deals and chat.
  {
    path: /^\/deals$/,
    nav: { label: "Deals", href: "#/deals", icon: "deals" },
    title: "Deals",
    mount: lazy(
      () => import("./deals-view.ts"),
      (m) => m.mountDealsView,
    ),
  },
  {
    path: /^\/messages$/,
    nav: { label: "Messages", href: "#/messages", icon: "messages" },
    title: "Messages",
    mount: lazy(messages, (m) => m.mountMessagesView),
  },
  {
    path: /^\/messages\/(pb-[a-z2-7]{26})\/([A-Za-z0-9_-]{8,64})$/,
    tab: "#/messages",
    title: "Conversation",
    mount: lazy(messages, (m) => m.mountConversationView),
  },
  {
    path: /^\/offer\/([A-Za-z0-9_-]{8,64})$/,
    tab: "#/deals",
    title: "Make an offer",
    mount: lazy(
      () => import("./offer-view.ts"),
      (m) => m.mountOfferView,
    ),
  },
  {
    path: /^\/profile$/,
    nav: { label: "Profile", href: "#/profile", icon: "profile" },
    title: "Profile",
    mount: lazy(
      () => import("./profile-view.ts"),
      (m) => m.mountProfileView,
    ),
  },
  // Under Profile: the user's own listings, the network and the identity file.
  {
    path: /^\/mine$/,
    tab: "#/profile",
    title: "My listings",
    mount: lazy(
      () => import("./my-listings-view.ts"),
      (m) => m.mountMyListingsView,
    ),
  },
  {
    path: /^\/network$/,
    tab: "#/profile",
    title: "Network",
    mount: lazy(
      () => import("./network-view.ts"),
      (m) => m.mountNetworkView,
    ),
  },
  {
    path: /^\/identity$/,
    tab: "#/profile",
    title: "Identity",
    mount: lazy(
      () => import("./identity-view.ts"),
      (m) => m.mountIdentityView,
    ),
  },
  {
    path: /^\/people\/(pb-[a-z2-7]{26})$/,
    title: "Profile",
    mount: lazy(
      () => import("./person-view.ts"),
      (m) => m.mountPersonView,
    ),
  },
  {
    path: /^\/listing\/([A-Za-z0-9_-]{8,64})$/,
    tab: "#/",
    title: "Listing",
    mount: lazy(
      () => import("./listing-detail-view.ts"),
      (m) => m.mountListingDetailView,
    ),
  },
  {
    path: /^\/saved(?:\/([A-Za-z0-9_-]{8,64}))?$/,
    tab: "#/search",
    title: "Saved searches",
    mount: lazy(
      () => import("./saved-searches-view.ts"),
      (m) => m.mountSavedSearchesView,
    ),
  },
];
