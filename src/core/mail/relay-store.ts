// What a relay keeps durably for others (the always-on peer: SQLite, src/node/sqlite-store.ts):
// sealed frames waiting for their recipient, and the authors whose mail reached its recipient
// through us (the "seen before" that keeps room for them when strangers fill the relay). Without
// one, a relay holds in memory only, as browsers do (relay.ts).

import type { PeerId } from "../crypto.ts";
import type { FrameOf } from "../wire.ts";

export type RelayFrame = FrameOf<"RELAY">;

/** One frame a relay holds, by recipient and copy key (`slot`). */
export interface HeldMail {
  slot: string;
  from: PeerId;
  to: PeerId;
  msgId: string;
  frame: RelayFrame;
  /** When it is dropped unanswered. */
  until: number;
  /** Passed on at least once; kept and passed on again at each HELLO until answered or expired. */
  sent: boolean;
}

export interface RelayStore {
  /** Every held frame, oldest first. */
  listHeld(): Promise<HeldMail[]>;
  /** Writes (or overwrites, by slot) one held frame; committed when it resolves. */
  putHeld(mail: HeldMail): Promise<void>;
  deleteHeld(slots: string[]): Promise<void>;
  /**
   * Authors whose mail reached its recipient through this relay, in the order they were added,
   * oldest first: the relay forgets the oldest first past KNOWN_AUTHORS_MAX, after a restart too.
   */
  listRelayAuthors(): Promise<PeerId[]>;
  /** Adds an author at the end; one already there keeps its place. */
  addRelayAuthor(author: PeerId): Promise<void>;
  /** Forgets these authors; ids not stored are skipped. */
  forgetRelayAuthors(authors: PeerId[]): Promise<void>;
}
