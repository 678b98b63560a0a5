// What a deal does to the seller's listing, the seller's choice, kept in the store's meta:
// accepting an offer marks it reserved, completing a deal marks it sold, both on by default.

import type { DealSettings } from "../api.ts";
import type { Store } from "../store.ts";

const DEAL_SETTINGS_KEY = "deal-settings";

export const DEFAULT_DEAL_SETTINGS: DealSettings = { reserveOnAccept: true, sellOnComplete: true };

export class DealSettingsStore {
  private constructor(
    private readonly store: Store,
    private current: DealSettings,
  ) {}

  static async open(store: Store): Promise<DealSettingsStore> {
    const saved = await store.getMeta<Partial<DealSettings>>(DEAL_SETTINGS_KEY);
    return new DealSettingsStore(store, { ...DEFAULT_DEAL_SETTINGS, ...saved });
  }

  get(): DealSettings {
    return { ...this.current };
  }

  /** Takes the boolean fields given (anything else arrives from a tab unchecked) and saves. */
  async save(settings: Partial<DealSettings>): Promise<DealSettings> {
    const next = { ...this.current };
    for (const key of ["reserveOnAccept", "sellOnComplete"] as const)
      if (typeof settings[key] === "boolean") next[key] = settings[key];
    this.current = next;
    await this.store.setMeta(DEAL_SETTINGS_KEY, next);
    return this.get();
  }
}
