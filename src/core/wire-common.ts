// The pieces every frame schema is made of (wire.ts): the header each frame starts with, and the
// strings ids and keys are written as.

import * as v from "valibot";
import { PEER_ID_PATTERN } from "./crypto.ts";

export const PROTOCOL_VERSION = 1;
export const PeerIdSchema = v.pipe(v.string(), v.regex(PEER_ID_PATTERN));
export const Base64url = (max: number) => v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]*$/), v.maxLength(max));
const FrameId = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,64}$/));

export const header = <T extends string>(type: T) => ({
  v: v.literal(PROTOCOL_VERSION),
  type: v.literal(type),
  id: FrameId,
});
