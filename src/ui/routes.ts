// The app's views, by hash route. The first route is the fallback for unknown paths.

import { mountBoardView } from "./board-view.ts";
import { mountDealsView } from "./deals-view.ts";
import { mountConversationView, mountMessagesView } from "./messages-view.ts";
import { mountOfferView } from "./offer-view.ts";
import type { Route } from "./shell.ts";

export const routes: Route[] = [
  { path: /^\/$/, nav: { label: "Board", href: "#/" }, title: "Board", mount: mountBoardView },
  // Issue 5: deals and chat.
  { path: /^\/deals$/, nav: { label: "Deals", href: "#/deals" }, title: "Deals", mount: mountDealsView },
  { path: /^\/messages$/, nav: { label: "Messages", href: "#/messages" }, title: "Messages", mount: mountMessagesView },
  {
    path: /^\/messages\/(pb-[a-z2-7]{26})\/([A-Za-z0-9_-]{8,64})$/,
    title: "Conversation",
    mount: mountConversationView,
  },
  { path: /^\/offer\/([A-Za-z0-9_-]{8,64})$/, title: "Make an offer", mount: mountOfferView },
];
