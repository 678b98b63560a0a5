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
import { mountPostView } from "./post-view.ts";
import { mountProfileView } from "./profile-view.ts";
import { mountSavedSearchesView } from "./saved-searches-view.ts";
import { mountSearchView } from "./search-view.ts";
import type { Route } from "./shell.ts";

export const routes: Route[] = [
  { path: /^\/$/, nav: { label: "Board", href: "#/", icon: "board" }, title: "Board", mount: mountBoardView },
  {
    path: /^\/search$/,
    nav: { label: "Search", href: "#/search", icon: "search" },
    title: "Search",
    mount: mountSearchView,
  },
  {
    path: /^\/post$/,
    nav: { label: "Post", href: "#/post", icon: "post" },
    title: "Post a listing",
    mount: mountPostView,
  },
  // Deals and chat.
  { path: /^\/deals$/, nav: { label: "Deals", href: "#/deals", icon: "deals" }, title: "Deals", mount: mountDealsView },
  {
    path: /^\/messages$/,
    nav: { label: "Messages", href: "#/messages", icon: "messages" },
    title: "Messages",
    mount: mountMessagesView,
  },
  {
    path: /^\/messages\/(pb-[a-z2-7]{26})\/([A-Za-z0-9_-]{8,64})$/,
    tab: "#/messages",
    title: "Conversation",
    mount: mountConversationView,
  },
  { path: /^\/offer\/([A-Za-z0-9_-]{8,64})$/, tab: "#/deals", title: "Make an offer", mount: mountOfferView },
  {
    path: /^\/profile$/,
    nav: { label: "Profile", href: "#/profile", icon: "profile" },
    title: "Profile",
    mount: mountProfileView,
  },
  // Under Profile: the user's own listings, the network and the identity file.
  { path: /^\/mine$/, tab: "#/profile", title: "My listings", mount: mountMyListingsView },
  { path: /^\/network$/, tab: "#/profile", title: "Network", mount: mountNetworkView },
  { path: /^\/identity$/, tab: "#/profile", title: "Identity", mount: mountIdentityView },
  { path: /^\/people\/(pb-[a-z2-7]{26})$/, title: "Profile", mount: mountPersonView },
  { path: /^\/listing\/([A-Za-z0-9_-]{8,64})$/, tab: "#/", title: "Listing", mount: mountListingDetailView },
  {
    path: /^\/saved(?:\/([A-Za-z0-9_-]{8,64}))?$/,
    tab: "#/search",
    title: "Saved searches",
    mount: mountSavedSearchesView,
  },
];
