// The app's views, by hash route. The first route is the fallback for unknown paths.

import { mountBoardView } from "./board-view.ts";
import { mountDealsView } from "./deals-view.ts";
import { mountIdentityView } from "./identity-view.ts";
import { mountListingDetailView } from "./listing-detail-view.ts";
import { mountConversationView, mountMessagesView } from "./messages-view.ts";
import { mountMyListingsView } from "./my-listings-view.ts";
import { mountNetworkView } from "./network-view.ts";
import { mountOfferView } from "./offer-view.ts";
import { mountPersonView } from "./person-view.ts";
import { mountProfileView } from "./profile-view.ts";
import { mountSavedSearchesView } from "./saved-searches-view.ts";
import { mountSearchView } from "./search-view.ts";
import type { Route } from "./shell.ts";

export const routes: Route[] = [
  { path: /^\/$/, nav: { label: "Board", href: "#/" }, title: "Board", mount: mountBoardView },
  { path: /^\/search$/, nav: { label: "Search", href: "#/search" }, title: "Search", mount: mountSearchView },
  { path: /^\/mine$/, nav: { label: "My listings", href: "#/mine" }, title: "My listings", mount: mountMyListingsView },
  { path: /^\/profile$/, nav: { label: "Profile", href: "#/profile" }, title: "Profile", mount: mountProfileView },
  { path: /^\/people\/(pb-[a-z2-7]{26})$/, title: "Profile", mount: mountPersonView },
  { path: /^\/listing\/([A-Za-z0-9_-]{8,64})$/, title: "Listing", mount: mountListingDetailView },
  { path: /^\/network$/, nav: { label: "Network", href: "#/network" }, title: "Network", mount: mountNetworkView },
  { path: /^\/identity$/, nav: { label: "Identity", href: "#/identity" }, title: "Identity", mount: mountIdentityView },
  // Deals and chat.
  { path: /^\/deals$/, nav: { label: "Deals", href: "#/deals" }, title: "Deals", mount: mountDealsView },
  { path: /^\/messages$/, nav: { label: "Messages", href: "#/messages" }, title: "Messages", mount: mountMessagesView },
  {
    path: /^\/messages\/(pb-[a-z2-7]{26})\/([A-Za-z0-9_-]{8,64})$/,
    title: "Conversation",
    mount: mountConversationView,
  },
  { path: /^\/saved(?:\/([A-Za-z0-9_-]{8,64}))?$/, title: "Saved searches", mount: mountSavedSearchesView },
  { path: /^\/offer\/([A-Za-z0-9_-]{8,64})$/, title: "Make an offer", mount: mountOfferView },
];
