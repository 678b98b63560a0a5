// The app's views, by hash route. The first route is the fallback for unknown paths.

import { mountBoardView } from "./board-view.ts";
import { mountListingDetailView } from "./listing-detail-view.ts";
import { mountMyListingsView } from "./my-listings-view.ts";
import { mountProfileView } from "./profile-view.ts";
import { mountSearchView } from "./search-view.ts";
import type { Route } from "./shell.ts";

export const routes: Route[] = [
  { path: /^\/$/, nav: { label: "Board", href: "#/" }, title: "Board", mount: mountBoardView },
  { path: /^\/search$/, nav: { label: "Search", href: "#/search" }, title: "Search", mount: mountSearchView },
  { path: /^\/mine$/, nav: { label: "My listings", href: "#/mine" }, title: "My listings", mount: mountMyListingsView },
  { path: /^\/profile$/, nav: { label: "Profile", href: "#/profile" }, title: "Profile", mount: mountProfileView },
  { path: /^\/listing\/([A-Za-z0-9_-]{8,64})$/, title: "Listing", mount: mountListingDetailView },
];
