import { digest } from 'lib0/hash/sha256';
import type { ConversationModel } from '../conversations/conversations.js';
import { foldRichOps, type FoldResult, type RichState } from './rich-fold.js';
import { parseRichOp, type RichOp, type VerifyFn } from './rich-op.js';

const NO_STATE: ReadonlyMap<string, RichState> = new Map();

/** A document's last fold, and what reconcile last saw of it. */
interface FoldCache {
  /** Bumped by every document update: the fold is stale. */
  version: number;
  /** Bumped by every change of the side maps (rich ops written or removed). */
  opsVersion: number;
  folded?: FoldResult;
  /** The opsVersion, and the ops still waiting for their message, when reconcile last ran. */
  reconciled?: { opsVersion: number; waiting: number };
}

/**
 * The fold of each conversation's rich ops (rich-fold.ts), kept until its document changes, with
 * signature checks cached: views and reconcile read it after every change.
 */
export class RichFolds {
  private readonly caches = new WeakMap<ConversationModel, FoldCache>();
  /** Successful checks by (author, signed bytes, signature): refolds verify only new ops. */
  private readonly verified = new Map<string, boolean>();

  constructor(private readonly verify: VerifyFn) {}

  /** The folded state by message id (empty when the document holds no op). */
  stateOf(model: ConversationModel): ReadonlyMap<string, RichState> {
    return this.fold(model)?.byMessage ?? NO_STATE;
  }

  /**
   * The fold when reconcile has something to do: an op changed, or a message some op waited for
   * may have arrived. A plain message costs no fold (the fold reads the whole timeline).
   */
  changedSinceReconcile(model: ConversationModel): FoldResult | undefined {
    const cache = this.cacheOf(model);
    const last = cache.reconciled;
    if (last && last.opsVersion === cache.opsVersion && last.waiting === 0) return undefined;
    const folded = this.fold(model);
    cache.reconciled = { opsVersion: cache.opsVersion, waiting: folded?.waiting ?? 0 };
    return folded;
  }

  private cacheOf(model: ConversationModel): FoldCache {
    let cache = this.caches.get(model);
    if (!cache) {
      const created: FoldCache = { version: 0, opsVersion: 0 };
      model.doc.doc.on('update', () => {
        created.version++;
        delete created.folded;
      });
      for (const map of [model.doc.reactions, model.doc.edits, model.doc.deletions])
        map.observe(() => created.opsVersion++);
      this.caches.set(model, (cache = created));
    }
    return cache;
  }

  private fold(model: ConversationModel): FoldResult | undefined {
    const cache = this.cacheOf(model);
    if (cache.folded) return cache.folded;
    const values = model.doc.richOpValues();
    if (values.length === 0) return undefined;
    const ops = values.map(parseRichOp).filter((op): op is RichOp => op !== undefined);
    const entries = new Map(model.timeline().map((message) => [message.id, message]));
    cache.folded = foldRichOps(
      model.row.id,
      ops,
      (id) => {
        const message = entries.get(id);
        if (message) return message.kind === 'text' ? message : undefined;
        // A tombstone's entry left the document (redact), a sealed one is in a segment not read
        // (history/): their projection rows say who wrote them, and when.
        const row = model.rows.get(id);
        return row?.kind === 'text'
          ? { id, senderId: row.senderId, sentAt: row.sentAt }
          : undefined;
      },
      this.cachedVerify,
    );
    return cache.folded;
  }

  private readonly cachedVerify: VerifyFn = (accountId, message, signature) => {
    const key = `${accountId}\0${toHex(digest(message))}\0${toHex(signature)}`;
    let ok = this.verified.get(key);
    if (ok === undefined) {
      ok = this.verify(accountId, message, signature);
      // An unknown key may become known later (a session with a new member): retry then.
      if (ok) this.verified.set(key, ok);
    }
    return ok;
  };
}

function toHex(bytes: Uint8Array): string {
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return hex;
}
