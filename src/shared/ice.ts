// The community's ICE settings (STUN/TURN) as the server hands them out at GET /ice.json
// (server/ice.js), validated like anything else that arrives over the network. The browser hub and
// the Node peer both read them, and fetch them again before TURN credentials expire.

import * as v from "valibot";

const IceServerSchema = v.object({
  urls: v.union([
    v.pipe(v.string(), v.maxLength(512)),
    v.pipe(v.array(v.pipe(v.string(), v.maxLength(512))), v.maxLength(16)),
  ]),
  username: v.optional(v.pipe(v.string(), v.maxLength(512))),
  credential: v.optional(v.pipe(v.string(), v.maxLength(512))),
});

export const IceSettingsSchema = v.object({
  iceServers: v.pipe(v.array(IceServerSchema), v.maxLength(16)),
  iceTransportPolicy: v.picklist(["all", "relay"]),
  /** When TURN credentials stop working (ms since the epoch), or null when they do not expire. */
  expiresAt: v.nullable(v.pipe(v.number(), v.safeInteger())),
});
export type IceSettings = v.InferOutput<typeof IceSettingsSchema>;

/** Nothing configured: no STUN or TURN, so nothing leaves the machine or LAN. */
export const NO_ICE: IceSettings = { iceServers: [], iceTransportPolicy: "all", expiresAt: null };

/** Fetched again this long before credentials expire. */
const RENEW_BEFORE_MS = 10 * 60_000;
/** After a failed fetch (offline, server restarting), tried again after this long. */
const RETRY_MS = 60_000;

export async function fetchIceSettings(origin: string, fetcher: typeof fetch = fetch): Promise<IceSettings> {
  const response = await fetcher(new URL("/ice.json", origin), {
    cache: "no-store",
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok) throw new Error(`ICE settings answered ${response.status}`);
  const parsed = v.safeParse(IceSettingsSchema, await response.json());
  if (!parsed.success) throw new Error(`ICE settings are malformed: ${parsed.issues[0]?.message ?? "unknown"}`);
  return parsed.output;
}

/** When to fetch again: before expiry, or soon after a failure; undefined when never needed. */
export function nextIceFetch(settings: IceSettings | undefined, now: number): number | undefined {
  if (!settings) return RETRY_MS;
  if (settings.expiresAt === null) return undefined;
  return Math.max(RETRY_MS, settings.expiresAt - RENEW_BEFORE_MS - now);
}

/**
 * Keeps the settings current: calls `changed` with each new version. Returns the first settings
 * (or `fallback` when the server cannot be reached) and a stop function.
 */
export async function watchIceSettings(
  origin: string,
  changed: (settings: IceSettings) => void,
  fallback: IceSettings = NO_ICE,
  fetcher: typeof fetch = fetch,
): Promise<{ first: IceSettings; stop: () => void }> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const load = async (): Promise<IceSettings | undefined> => {
    try {
      return await fetchIceSettings(origin, fetcher);
    } catch (error) {
      console.warn("Peerboard: could not read the community's ICE settings", error);
      return undefined;
    }
  };
  const schedule = (settings: IceSettings | undefined) => {
    const delay = nextIceFetch(settings, Date.now());
    if (delay === undefined || stopped) return;
    timer = setTimeout(async () => {
      const next = await load();
      if (next && !stopped) changed(next);
      schedule(next);
    }, delay);
  };
  const first = await load();
  schedule(first);
  return {
    first: first ?? fallback,
    stop: () => {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
