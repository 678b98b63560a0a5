// The "Network" view: connected peers with their state, misbehaviour score and traffic, peers
// that could not be reached and why, banned ids, and the limits in force. Refreshes while shown.

import type { NetworkReport } from "../shared/api.ts";
import { h } from "./dom.ts";
import { connectForm } from "./peers-panel.ts";
import type { ViewContext } from "./shell.ts";

const REFRESH_MS = 2_000;

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

function peersTable(report: NetworkReport): HTMLElement {
  if (!report.peers.length) return h("p", { className: "empty", textContent: "No peers connected." });
  const header = ["Peer", "State", "Score", "Frames in", "Bytes in", "Bytes out"];
  return h(
    "table",
    { className: "network-table" },
    h("caption", { textContent: "Connected peers" }),
    h("thead", {}, h("tr", {}, ...header.map((title) => h("th", { scope: "col", textContent: title })))),
    h(
      "tbody",
      {},
      ...report.peers.map((p) =>
        h(
          "tr",
          {},
          h("th", { scope: "row", className: "peer-id", textContent: p.name ? `${p.name} (${p.id})` : p.id }),
          h("td", { textContent: p.stage === "ready" ? "Connected" : "Checking identity…" }),
          h("td", { textContent: String(p.score) }),
          h("td", { textContent: String(p.framesIn) }),
          h("td", { textContent: formatBytes(p.bytesIn) }),
          h("td", { textContent: formatBytes(p.bytesOut) }),
        ),
      ),
    ),
  );
}

/** Why a peer could not be reached, in words that point at the fix. */
export function unreachableText(failure: NetworkReport["unreachable"][number], name?: string): string {
  const who = name ? `${name} (${failure.peer})` : failure.peer;
  return failure.reason === "no-route"
    ? `No route to ${who}: this community may need a TURN server.`
    : `${who} is not online at the signaling server.`;
}

/** Mail and receipts we carry for others: end-to-end encrypted or signed, so only counted. */
export function relaySummary(relay: NonNullable<NetworkReport["relay"]>): string {
  return `Held for peers who are away: ${relay.held}. Passed on: ${relay.forwarded}. Refused: ${relay.refused}.`;
}

function limitsList(report: NetworkReport): HTMLElement {
  const l = report.limits;
  const rows: [string, string][] = [
    ["Connections kept", `up to ${l.maxPeers}`],
    ["Largest frame", formatBytes(l.maxFrameBytes)],
    ["Frames per peer", `${l.framesPerSecond} per second (bursts of ${l.burstFrames})`],
    ["Bytes per peer", `${formatBytes(l.bytesPerSecond)} per second (bursts of ${formatBytes(l.burstBytes)})`],
    ["Disconnect at score", String(l.disconnectScore)],
    ["Ban", `score ${l.banScore} within ${Math.round(l.banMs / 60_000)} minutes bans an id for as long`],
  ];
  return h(
    "dl",
    { className: "limits" },
    ...rows.flatMap(([term, value]) => [h("dt", { textContent: term }), h("dd", { textContent: value })]),
  );
}

export async function mountNetworkView(outlet: HTMLElement, context: ViewContext): Promise<() => void> {
  const peers = h("div");
  const unreachable = h("div");
  const banned = h("div");
  const blocked = h("div");
  const relayed = h("p");
  const limits = h("div");
  outlet.replaceChildren(
    h(
      "section",
      { className: "network-view", "aria-label": "Network" },
      h("h2", { textContent: "Network" }),
      connectForm(context.hub),
      peers,
      h("h3", { textContent: "Could not connect" }),
      unreachable,
      h("h3", { textContent: "Banned peers" }),
      banned,
      h("h3", { textContent: "Blocked users" }),
      blocked,
      h("h3", { textContent: "Relayed mail" }),
      h("p", {
        className: "meta",
        textContent: "Deal steps, chat and receipts this hub carries between others. It cannot read them.",
      }),
      relayed,
      h("h3", { textContent: "Limits" }),
      limits,
    ),
  );
  const render = async () => {
    const report = await context.hub.network();
    peers.replaceChildren(peersTable(report));
    const names = await context.hub.profileNames();
    unreachable.replaceChildren(
      report.unreachable.length
        ? h(
            "ul",
            { className: "unreachable" },
            ...report.unreachable.map((failure) =>
              h("li", { textContent: unreachableText(failure, names[failure.peer]?.name) }),
            ),
          )
        : h("p", { className: "empty", textContent: "No connection has failed." }),
    );
    banned.replaceChildren(
      report.banned.length
        ? h(
            "ul",
            {},
            ...report.banned.map((b) =>
              h("li", { textContent: `${b.peer} until ${new Date(b.until).toLocaleTimeString()}` }),
            ),
          )
        : h("p", { className: "empty", textContent: "Nobody is banned." }),
    );
    relayed.textContent = report.relay ? relaySummary(report.relay) : "This hub does not relay mail.";
    limits.replaceChildren(limitsList(report));
  };
  // Not on the refresh timer: rebuilding the list would take focus away from its buttons.
  const renderBlocked = async () => {
    const blockedIds = await context.hub.blockedPeers();
    blocked.replaceChildren(
      blockedIds.length
        ? h(
            "ul",
            { className: "blocked-list" },
            ...blockedIds.map((peer) => {
              const unblock = h("button", {
                type: "button",
                className: "secondary",
                textContent: "Unblock",
                "aria-label": `Unblock ${peer}`,
              });
              unblock.addEventListener("click", async () => {
                unblock.disabled = true;
                await context.hub.unblock(peer);
                await renderBlocked();
              });
              return h("li", {}, h("span", { className: "peer-id", textContent: peer }), " ", unblock);
            }),
          )
        : h("p", { className: "empty", textContent: "You have not blocked anyone." }),
    );
  };
  await Promise.all([render(), renderBlocked()]);
  const timer = setInterval(() => void render(), REFRESH_MS);
  context.onEvent((event) => {
    if (event.type === "status") void render();
  });
  return () => clearInterval(timer);
}
