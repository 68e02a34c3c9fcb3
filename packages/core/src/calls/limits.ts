/** Every limit of calls, named once (docs/decisions/0900-calls.md). */

/** A mesh sends every participant's media to every other: four is what a laptop uplink carries. */
export const MAX_CALL_PARTICIPANTS = 4;
/** How long an outgoing call rings before it counts as unanswered. */
export const RING_TIMEOUT_MS = 45_000;
/**
 * An invitation older than this (by its sender's created_at) rings nothing: it arrived late (the
 * device was offline) and becomes a missed-call entry.
 */
export const INVITE_MAX_AGE_MS = 60_000;
/**
 * The relay keeps a call signal this long for a device that is away (SendRequest.ttl_seconds),
 * as long as a late invitation may still ring; later it is never delivered.
 */
export const CALL_SIGNAL_TTL_SECONDS = INVITE_MAX_AGE_MS / 1000;
/** Chromium's SDP for audio+video with a handful of codecs is about 6 KB. */
export const MAX_SDP_LENGTH = 64 * 1024;
export const MAX_CANDIDATE_LENGTH = 1024;
/** ICE candidates kept for a peer whose offer has not arrived yet. */
export const MAX_PENDING_CANDIDATES = 64;
