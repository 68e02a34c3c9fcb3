/**
 * Every limit of group membership, named once. The fold treats an op that exceeds a limit as
 * malformed (ignored by every device), and `signOp` refuses to sign one.
 */

/** Members a group may hold at once, creator included. Adds beyond it are ignored. */
export const MAX_GROUP_MEMBERS = 1024;

/** Longest account id accepted in an op (relay account ids are far shorter). */
export const MAX_ACCOUNT_ID_LENGTH = 128;

/** Device ids are libsignal's ProtocolAddress device ids. */
export const MIN_DEVICE_ID = 1;
export const MAX_DEVICE_ID = 127;

/** Longest group title, in UTF-16 code units (WhatsApp allows 100 characters; we allow a bit more). */
export const MAX_TITLE_LENGTH = 128;

/** Longest serialized avatar reference (an attachment pointer: blob id, key, digest). */
export const MAX_AVATAR_REF_LENGTH = 2048;

/** Longest disappearing-messages timer: one year. 0 means off. */
export const MAX_DISAPPEARING_SECONDS = 365 * 24 * 60 * 60;

/**
 * Causal parents one op may name. The author names the heads of the log it had folded; when there
 * are more, it names the ones with the highest clocks (so the clock rule still holds).
 */
export const MAX_OP_PARENTS = 32;

/**
 * Highest logical clock. The clock of an op is derived from its parents (1 + their maximum), so
 * nobody can jump it; this bound only keeps clocks exact in a JavaScript number.
 */
export const MAX_CLOCK = 2 ** 32;

/** Length in bytes of an op id (hex-encoded: twice as many characters) and of a group id's hash. */
export const OP_ID_BYTES = 16;
export const GROUP_ID_BYTES = 16;

/** Length in bytes of an XEdDSA signature. */
export const SIGNATURE_BYTES = 64;
