import type { ConversationDoc, MessageEntry } from './conversation-doc.js';
import type { ConversationRow, DocUpdateRow, MessageRow } from '../store/database.js';
import type { SealedHistory } from '../history/sealed-history.js';

/** One conversation as this device holds it: document, projection rows and transient state. */
export interface ConversationModel {
  row: ConversationRow;
  /** The conversation's Yjs document, decoded from storage the first time it is read. */
  readonly doc: ConversationDoc;
  /** Whether `doc` was decoded yet (reading `doc` decodes it). */
  readonly docLoaded: boolean;
  /**
   * Whether `rows` holds every projection row of the conversation: they are read when it is
   * first used (Conversations.ensure), never all at start (docs/decisions/0821). Until then
   * `rows` holds at most the first screen's page and the chat list reads `row.summary`.
   */
  rowsLoaded: boolean;
  /** Older entries sealed out of `doc` into segments, as far as read (history/). */
  readonly history: SealedHistory;
  /**
   * The timeline shown: the sealed entries read so far, then the live document's, in timeline
   * order (0306). Read-only.
   */
  timeline(): readonly MessageEntry[];
  /** Projection rows by message id: the document's messages plus local system entries. */
  rows: Map<string, MessageRow>;
  /** Account id -> when its typing indicator expires (ms). */
  typing: Map<string, number>;
  /** The update log since the last snapshot: seqs of committed rows, and their bytes. */
  logSeqs: number[];
  logBytes: number;
  /** Rows staged and not seen committed yet (a commit gives each its seq). */
  staged: DocUpdateRow[];
  /** Size of the last stored snapshot. */
  snapshotBytes: number;
  compacting: boolean;
  /**
   * Content was removed from the document (a delete for everyone): compact at the next chance,
   * whatever the log's size, so the update rows that still hold it are deleted.
   */
  purge?: boolean;
}

/**
 * Whether a conversation row may be a group's, so its title needs its document: a row an own
 * device's update created says 'direct' without a peer until its document tells
 * (content-handler.ts). A direct chat with a peer has its id derived from the two accounts.
 */
export function mayBeGroupRow(row: ConversationRow): boolean {
  return row.kind === 'group' || row.peerAccountId === undefined;
}
