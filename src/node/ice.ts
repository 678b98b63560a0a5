// The community's ICE (STUN/TURN) settings for the Node peer, read and checked as the browser hub
// reads them (src/shared/ice.ts), fetched again on the peer's clock a minute before its TURN
// credentials expire.

import type { Clock, Logger, TimerId } from "../core/ports.ts";
import { fetchIceSettings } from "../shared/ice.ts";
import type { IceConfig } from "./webrtc.ts";

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
    const settings = await fetchIceSettings(this.server.href);
    this.config = { iceServers: settings.iceServers, iceTransportPolicy: settings.iceTransportPolicy };
    return settings.expiresAt;
  }
}

export function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
