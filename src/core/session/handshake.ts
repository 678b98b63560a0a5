// HELLO (docs/architecture.md, "Identity and trust" and "Frames"): a mutual challenge-response.
// Each side sends its id, public key and a fresh nonce; each answers with a signature over the
// other's nonce. A peer is trusted only when its key hashes to the id it registered at the
// signaling server and its signature verifies.

import { type Identity, keyMatchesPeerId, type PeerId, sign, verify } from "../crypto.ts";
import { base64urlEncode } from "../encoding.ts";
import { type AgreementCard, checkAgreementCard } from "../mail/seal.ts";
import { frame, type HelloChallengeFrame, type HelloProofFrame } from "../wire.ts";
import type { PeerSession } from "./peer-session.ts";

/** The text signed in a proof; binds both ids so a proof cannot be replayed to another peer. */
function proofText(signer: PeerId, verifier: PeerId, verifierNonce: string): string {
  return `peerboard-hello-v1\n${signer}\n${verifier}\n${verifierNonce}`;
}

/**
 * Our nonce also says what this version reads that older ones do not: the nonce is the one HELLO
 * field an older peer takes as it comes (its own are always 43 characters), and every frame
 * schema is strict, so a new field would be refused. Today the one feature is receipts whose
 * status is sealed (mail/ack.ts).
 */
const SEALED_RECEIPTS_MARK = "_r2";

/**
 * A second feature, coded set reconciliation (sync/coded-sync.ts), is said at the nonce's start,
 * where an older peer's check (the length and the end) does not look: the nonce keeps its 46
 * characters and its end. Eight characters, so an older peer's random nonce starts so once in 2^48.
 */
const CODED_SYNC_MARK = "RIBLTv1_";

export function newNonce(): string {
  const random = base64urlEncode(crypto.getRandomValues(new Uint8Array(32))).slice(CODED_SYNC_MARK.length);
  return CODED_SYNC_MARK + random + SEALED_RECEIPTS_MARK;
}

/** Whether a peer whose HELLO carried `nonce` reads receipts with a sealed status. */
export function readsSealedReceipts(nonce: string | undefined): boolean {
  return nonce?.length === 43 + SEALED_RECEIPTS_MARK.length && nonce.endsWith(SEALED_RECEIPTS_MARK);
}

/** Whether a peer whose HELLO carried `nonce` reconciles with coded symbols (SYNC_CODED). */
export function readsCodedSync(nonce: string | undefined): boolean {
  return readsSealedReceipts(nonce) && nonce?.startsWith(CODED_SYNC_MARK) === true;
}

export function challengeFrame(me: Identity, nonce: string, name?: string, card?: AgreementCard): HelloChallengeFrame {
  return frame<"HELLO">({
    type: "HELLO",
    step: "challenge",
    peerId: me.peerId,
    publicKey: me.publicKey,
    nonce,
    ...(name ? { name } : {}),
    ...(card ?? {}),
  }) as HelloChallengeFrame;
}

export type HelloFailure = "id-mismatch" | "key-mismatch" | "bad-signature";

/**
 * Checks the other side's challenge: the id it claims must be the one the link says it is, and
 * its key must hash to that id. Returns a failure, or undefined when the challenge is acceptable.
 */
export async function checkChallenge(
  linkPeer: PeerId,
  challenge: HelloChallengeFrame,
): Promise<HelloFailure | undefined> {
  if (challenge.peerId !== linkPeer) return "id-mismatch";
  if (!(await keyMatchesPeerId(challenge.publicKey, linkPeer))) return "key-mismatch";
  return undefined;
}

export async function proofFrame(me: Identity, them: PeerId, theirNonce: string): Promise<HelloProofFrame> {
  const signature = await sign(me.signing.privateKey, proofText(me.peerId, them, theirNonce));
  return frame<"HELLO">({ type: "HELLO", step: "proof", signature }) as HelloProofFrame;
}

/** Whether `proof` is `them` signing our nonce with the key from their challenge. */
export function checkProof(
  me: Identity,
  them: PeerId,
  theirKey: string,
  myNonce: string,
  proof: HelloProofFrame,
): Promise<boolean> {
  return verify(theirKey, proof.signature, proofText(them, me.peerId, myNonce));
}

/**
 * The proof step of a session not yet verified: true when it proves the key of their challenge,
 * "early" for a proof that does not, just after our session with this peer started again (the
 * answer to our previous nonce, still on its way over the old channel, before or after their new
 * challenge: not an attack, and not a reason to drop the new session), false otherwise. The
 * session then says its challenge again (repeatChallenge); a peer that never proves our new nonce
 * still meets the HELLO timeout.
 */
export async function acceptProof(
  me: Identity,
  session: Pick<PeerSession, "peer" | "theirKey" | "myNonce">,
  proof: HelloProofFrame,
  recentlyClosed: boolean,
): Promise<boolean | "early"> {
  const proved =
    session.theirKey !== undefined && (await checkProof(me, session.peer, session.theirKey, session.myNonce, proof));
  return proved || (recentlyClosed ? "early" : false);
}

/**
 * Our current challenge once more, for a session that just got an "early" proof: that proof
 * answered our previous nonce, so our current challenge may have been lost with the old channel
 * (sent on it as the channel was replaced), and without it the peer can never prove this session:
 * it would wait out the HELLO timeout, then be dropped and dialled again. The peer answers it
 * like any rechallenge, and only a proof of `myNonce` is accepted, as before. Once a session, so
 * stale proofs buy a peer one small frame; undefined after that.
 */
export function repeatChallenge(
  me: Identity,
  session: Pick<PeerSession, "myNonce" | "challengeRepeated">,
  card: AgreementCard,
): HelloChallengeFrame | undefined {
  if (session.challengeRepeated) return undefined;
  session.challengeRepeated = true;
  return challengeFrame(me, session.myNonce, undefined, card);
}

/**
 * A new challenge, with a new nonce and the same key, on a session that already had one: the
 * other side started its session again (its radio took a new channel for us) while ours went on.
 * It can only finish if we answer its nonce and say ours again; returns those two frames, or none
 * for the same nonce twice or another key. Records the nonce as answered.
 */
export async function answerRechallenge(
  me: Identity,
  session: { peer: PeerId; myNonce: string; theirKey?: string; theirNonce?: string },
  hello: HelloChallengeFrame,
  card: AgreementCard,
): Promise<(HelloChallengeFrame | HelloProofFrame)[]> {
  if (hello.publicKey !== session.theirKey || hello.nonce === session.theirNonce) return [];
  session.theirNonce = hello.nonce;
  return [challengeFrame(me, session.myNonce, undefined, card), await proofFrame(me, session.peer, hello.nonce)];
}

/**
 * Answers the other side's challenge on `session`: the first one is checked and what it proves is
 * recorded on the session (key, nonce, name, a signed ECDH key that verifies); a later one is a
 * rechallenge. Returns the frames to send, or why the challenge was refused.
 */
export async function answerChallenge(
  me: Identity,
  session: PeerSession,
  hello: HelloChallengeFrame,
  card: Promise<AgreementCard>,
): Promise<HelloFailure | (HelloChallengeFrame | HelloProofFrame)[]> {
  if (session.theirKey) return answerRechallenge(me, session, hello, await card);
  const failure = await checkChallenge(session.peer, hello);
  if (failure) return failure;
  session.theirKey = hello.publicKey;
  session.theirNonce = hello.nonce;
  if (hello.name) session.theirName = hello.name;
  if (hello.agreementKey && hello.agreementSignature) {
    const theirCard = { agreementKey: hello.agreementKey, agreementSignature: hello.agreementSignature };
    // A card that does not verify is left out (no encrypted messages), not punished: the
    // identity itself is proven by the proof step.
    if (await checkAgreementCard(session.peer, hello.publicKey, theirCard)) session.theirCard = theirCard;
  }
  return [await proofFrame(me, session.peer, hello.nonce)];
}
