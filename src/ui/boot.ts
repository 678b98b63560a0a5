// The page's entry: what must not wait for the app's code. The hub's SharedWorker starts at once
// (hub-worker.ts), the theme applies before the first paint, the install offer listens from the
// start (the browser may offer at once); then the app itself loads (main.ts). The style sheets
// are imported here so they stay in index.html, ahead of the first paint.

import { startHubEarly } from "./hub-worker.ts";
import { offerInstall } from "./install.ts";
import { applyTheme } from "./theme.ts";
import "./theme.css";
import "./base.css";
import "./listings.css";
import "./deals-chat.css";
import "./network.css";
import "./cards.css";
import "./shell.css";

applyTheme();
const installSlot = document.getElementById("install");
if (installSlot) offerInstall(installSlot);
// Without a secure context main.ts says why and starts nothing; without SharedWorker it runs the
// hub in a dedicated Worker (hub-fallback.ts).
if (isSecureContext && typeof SharedWorker === "function") startHubEarly();
await import("./main.ts");
