// What views show of an author, and the names the board asks for before the peer has started:
// apart from profile.ts and profiles.ts, whose signing, sealing and frames would otherwise come
// into the hub's first script and the tab's board chunk with them (bench/RESULTS.md, "hubstage").

import type { AuthorSummary } from "../api.ts";
import type { PeerId } from "../crypto.ts";
import type { Store } from "../store.ts";
import type { Profile } from "./profile.ts";

/** What views show of an author (HubApi.profileNames). */
export function authorSummary(profile: Profile): { name: string; avatar?: string } {
  return profile.avatar ? { name: profile.name, avatar: profile.avatar.hash } : { name: profile.name };
}

/** Display names (and avatar hashes) by peer id from the store alone (the board asks before the peer has started). */
export async function profileNames(store: Store): Promise<Record<PeerId, AuthorSummary>> {
  return Object.fromEntries(
    (await store.listProfiles()).filter((p) => p.name).map((p) => [p.peerId, authorSummary(p)]),
  );
}
