// The always-on peer (docs/architecture.md, "Hosts: tabs, hub, radio"): the same core as a browser
// hub, built by createPeer with the Node adapters: the SQLite store in the data directory, PeerJS
// over node-datachannel (node-link.ts), discovery and ICE settings from the community server. It is a
// peer with its own identity: it signs only its own profile, and the mail it holds is sealed to
// others.

import { chmodSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { generateIdentity } from "../core/crypto.ts";
import { DURABLE_RELAY_LIMITS } from "../core/mail/relay.ts";
import { createPeer, type Peer } from "../core/peer.ts";
import type { Clock } from "../core/ports.ts";
import { discoverPeers } from "../shared/discovery.ts";
import { systemClock } from "../shared/system.ts";
import type { PeerCliOptions } from "./cli-args.ts";
import { seedDemoBoard } from "./demo.ts";
import { describe, IceSettings } from "./ice.ts";
import { openNodeLink } from "./node-link.ts";
import { connectionLog, type LogSink, lineLogger, stdioSink, summaryLine } from "./ops-log.ts";
import { openSqliteStore } from "./sqlite-store.ts";
import { sqliteStorageEstimator } from "./storage-size.ts";
import { TrafficCounter } from "./traffic.ts";

export const STORE_FILE = "peer.sqlite";
const SUMMARY_INTERVAL_MS = 60_000;
const TRAFFIC_SAMPLE_MS = 5_000;
const ABOUT = "An always-on peer: it keeps this community's board while people are offline. It cannot read your mail.";

export interface AlwaysOnPeer {
  peer: Peer;
  /** Hangs up, leaves the signaling server and closes the store. */
  stop(): Promise<void>;
  /** The summary line's figures, now. */
  summary(): Promise<string>;
}

export async function startAlwaysOnPeer(
  options: PeerCliOptions,
  host: { sink?: LogSink; clock?: Clock } = {},
): Promise<AlwaysOnPeer> {
  const clock = host.clock ?? systemClock;
  const log = lineLogger(host.sink ?? stdioSink, () => clock.now());
  // The directory holds the private keys: its owner only, even when it existed already.
  mkdirSync(options.data, { recursive: true, mode: 0o700 });
  chmodSync(options.data, 0o700);
  const file = join(options.data, STORE_FILE);
  const store = await openSqliteStore(file);
  const storage = sqliteStorageEstimator(file, options.maxStorage);
  const identity = (await store.loadIdentity()) ?? (await store.initIdentity(await generateIdentity(clock.now())));
  if (options.demo > 0 && (await store.listListings()).length === 0) {
    const { listings, sellers } = await seedDemoBoard(store, options.demo, clock.now());
    log.info(`demo board: ${listings} sample listings from ${sellers} sample sellers`);
  }
  const ice = new IceSettings(options.server, clock, log);
  await ice.start();
  const radio = await openNodeLink({
    server: options.server,
    store,
    peerId: identity.peerId,
    ice: () => ice.current(),
  });
  const peer = await createPeer(
    {
      store,
      link: radio.link,
      clock,
      logger: log,
      discovery: () => discoverPeers(options.server.origin),
      storage: storage.estimate,
      relayStore: store.relay,
    },
    // Mail for people who are away is kept until their ACK or 30 days (DURABLE_RELAY_LIMITS).
    { maxConnections: options.maxConnections, relayLimits: DURABLE_RELAY_LIMITS },
  );
  const mine = await peer.api.myProfile();
  if (mine?.name !== options.name || mine.about !== ABOUT) {
    const saved = await peer.api.saveProfile({ name: options.name, about: ABOUT });
    if (!saved.ok) log.warn(`could not save this peer's profile: ${saved.message}`);
  }
  const logConnections = connectionLog(log.info);
  const unsubscribe = peer.subscribe((event) => {
    if (event.type === "status") logConnections(event.status);
    if (event.type === "notice") log.info(event.message);
  });
  const traffic = new TrafficCounter(peer.session);
  const summary = async () => {
    const { bytesIn, bytesOut } = traffic.totals();
    return summaryLine({
      peers: peer.session.connectedPeers().filter((p) => p.stage === "ready").length,
      listings: (await store.listListings()).length,
      profiles: (await store.listProfiles()).length,
      heldMail: peer.mailbox.relayStats().held,
      bytesIn,
      bytesOut,
      storageBytes: (await storage.estimate())?.usage ?? 0,
    });
  };
  const sampler = setInterval(() => traffic.sample(), TRAFFIC_SAMPLE_MS);
  const summaries = setInterval(() => {
    summary().then(log.info, (error: unknown) => log.error(`summary failed: ${describe(error)}`));
  }, SUMMARY_INTERVAL_MS);
  log.info(`peer ${identity.peerId} (${options.name}) starting, store ${file}, server ${options.server.href}`);
  radio.start();
  let stopping: Promise<void> | undefined;
  return {
    peer,
    summary,
    stop() {
      stopping ??= (async () => {
        clearInterval(sampler);
        clearInterval(summaries);
        unsubscribe();
        ice.stop();
        peer.dispose();
        radio.close();
        // Let the store finish what is in flight (a batch being written) before it closes.
        await new Promise((resolve) => setTimeout(resolve, 50));
        storage.close();
        store.close();
        log.info("stopped");
      })();
      return stopping;
    },
  };
}
