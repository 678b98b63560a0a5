// The community's ICE (STUN/TURN) settings for the Node peer, from GET <server>/ice.json (the
// contract is in server/ice.js), fetched again a minute before its TURN credentials expire.

import * as v from "valibot";
import type { Clock, Logger, TimerId } from "../core/ports.ts";
import type { IceConfig } from "./webrtc.ts";

const IceResponse = v.object({
  iceServers: v.array(
    v.object({
      urls: v.union([v.string(), v.array(v.string())]),
      username: v.optional(v.string()),
      credential: v.optional(v.string()),
    }),
  ),
  iceTransportPolicy: v.picklist(["all", "relay"]),
  expiresAt: v.nullable(v.number()),
});

/** Fetch again this long before the credentials expire. */
const REFRESH_MARGIN_MS = 60_000;
/** After a failed fetch, try again this soon (the server may be restarting). */
const RETRY_MS = 15_000;

export class IceSettings {
  private config: IceConfig = { iceServers: [], iceTransportPolicy: "all" };
  private timer: TimerId | undefined;
  private stopped = false;

  constructor(
    private readonly server: URL,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  current(): IceConfig {
    return this.config;
  }

  /**
   * Fetches the settings now and keeps them fresh. When the server cannot be reached, the peer
   * starts without STUN/TURN (fine on a LAN) and tries again soon.
   */
  async start(): Promise<void> {
    try {
      this.schedule(await this.fetch());
    } catch (error) {
      this.log.warn(`could not fetch the ICE settings, trying again in ${RETRY_MS / 1000} s: ${describe(error)}`);
      this.schedule(this.clock.now() + REFRESH_MARGIN_MS + RETRY_MS);
    }
  }

  stop(): void {
    this.stopped = true;
    this.clock.clearTimeout(this.timer);
  }

  private schedule(expiresAt: number | null): void {
    if (this.stopped || expiresAt === null) return;
    const delay = Math.max(RETRY_MS, expiresAt - REFRESH_MARGIN_MS - this.clock.now());
    this.timer = this.clock.setTimeout(() => {
      this.fetch().then(
        (next) => this.schedule(next),
        (error: unknown) => {
          this.log.warn(`could not refresh the ICE settings: ${describe(error)}`);
          this.schedule(this.clock.now() + REFRESH_MARGIN_MS + RETRY_MS);
        },
      );
    }, delay);
  }

  private async fetch(): Promise<number | null> {
    const response = await fetch(new URL("ice.json", this.server), { signal: AbortSignal.timeout(10_000) });
    if (!response.ok) throw new Error(`${response.url} answered ${response.status}`);
    const parsed = v.parse(IceResponse, await response.json());
    this.config = {
      iceServers: parsed.iceServers.map(({ urls, username, credential }) => ({
        urls,
        ...(username !== undefined ? { username } : {}),
        ...(credential !== undefined ? { credential } : {}),
      })),
      iceTransportPolicy: parsed.iceTransportPolicy,
    };
    return parsed.expiresAt;
  }
}

export function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
