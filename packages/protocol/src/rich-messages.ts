/**
 * Rules of rich messages (edits, deletes, reactions) shared by every client. The relay never sees
 * these messages: each receiving device enforces the rules itself (packages/core/src/rich/), so a
 * sender's modified client cannot break them for anyone else.
 */
/** How long after sending its author may edit a message (Signal: 24 h). Later edits are ignored. */
export const EDIT_WINDOW_MS = 24 * 60 * 60 * 1000;
/** How long after sending its author may delete a message for everyone. Later deletes are ignored. */
export const DELETE_FOR_EVERYONE_WINDOW_MS = 24 * 60 * 60 * 1000;
/** Most edits of one message that count (Signal: 10); later ones are ignored. */
export const MAX_EDITS_PER_MESSAGE = 10;
/** Longest reaction (one emoji, possibly a ZWJ sequence), in UTF-16 code units. */
export const MAX_REACTION_LENGTH = 32;
/** Most message ids in one HideMessages ("delete for me"). */
export const MAX_HIDE_MESSAGE_IDS = 500;
