// A reconciliation message (reconcile.ts) as the SYNC frame that carries it.

import { type Frame, type FrameOf, frame } from "../wire.ts";
import type { Bound, SyncKey, SyncMessage, SyncRange } from "./reconcile.ts";
import type { SetName } from "./record-set.ts";

export function syncFrame(set: SetName, message: SyncMessage): Frame {
  const body: Omit<FrameOf<"SYNC">, "v" | "id"> = {
    type: "SYNC",
    set,
    from: bound(message.from),
    ranges: message.ranges.map(range),
    ...(message.have ? { have: message.have.map(bound) } : {}),
  };
  return frame(body);
}

const bound = (b: Bound | SyncKey): [number, string] => [b[0], b[1]];

function range(r: SyncRange): FrameOf<"SYNC">["ranges"][number] {
  if ("fp" in r) return { b: bound(r.b), fp: r.fp };
  if ("ids" in r) return { b: bound(r.b), ids: r.ids.map(bound) };
  return { b: bound(r.b) };
}
