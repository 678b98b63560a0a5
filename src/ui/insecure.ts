// Shown instead of the app where the browser withholds what Peerboard is built on: WebCrypto
// (signatures, encryption), service workers and persistent storage exist only in a secure
// context, so over plain http at any address but this machine's the app cannot start.

import { h } from "./dom.ts";

export function showNeedsHttps(root: HTMLElement): void {
  const https = new URL(location.href);
  https.protocol = "https:";
  const link = h("a", { href: https.href, textContent: https.href });
  root.replaceChildren(
    h(
      "main",
      { className: "needs-https" },
      h("h1", { textContent: "Peerboard needs HTTPS at this address" }),
      // Said out loud too: a screen reader would otherwise land on a page with no app.
      h("p", {
        role: "alert",
        textContent:
          "Your browser only allows the signing, encryption and offline storage Peerboard is built on " +
          "over a secure connection, and this page was opened over plain http.",
      }),
      h(
        "p",
        {},
        "Try ",
        link,
        " instead. If that does not work, ask whoever runs this community to serve it over HTTPS.",
      ),
    ),
  );
}
