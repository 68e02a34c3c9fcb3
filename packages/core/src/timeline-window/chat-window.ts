import type { MessageEntry } from '../conversations/conversation-doc.js';
import type { ConversationModel } from '../conversations/conversations.js';
import type { MessageView } from '../facade/api.js';
import { localRowsOf, sliceViews, type LocalRows, type ViewContext } from '../facade/views.js';
import { compareTimeline } from '../conversations/timeline-order.js';
import { WindowRange } from './window-range.js';

export interface ChatWindowDeps {
  /** Entries per page; Infinity keeps the whole timeline shown (no paging). */
  page: number;
  /** The most entries the window holds (a few pages). */
  maxEntries: number;
  /** Reads the next older sealed segment into the model's timeline; false when none is left. */
  readOlder(model: ConversationModel): Promise<boolean>;
  /** The window moved: its snapshot must be computed again. */
  moved(): void;
  /** This device, whose own new message brings the window back to the newest. */
  self(): { accountId: string; deviceId: number } | undefined;
}

/**
 * One shown chat's window on its timeline (docs/decisions/0820, "Scrolling"): a bounded slice
 * (WindowRange) that the person moves a page at a time toward older or newer messages, with the
 * views of the entries in it kept until the chat changes, so moving builds the new page's views
 * only. The chat's messages() snapshot is `views()`.
 */
export class ChatWindow {
  private readonly range: WindowRange;
  /** Entry views built since the chat last changed, by entry id (sliceViews). */
  private reuse = new Map<string, MessageView | null>();
  private locals: LocalRows | undefined;
  /** The newest entry when the window left the live end: only what comes after may bring it back. */
  private leftLiveAfter: MessageEntry | undefined;
  /** A segment read for older() in progress. */
  private reading: Promise<void> | undefined;

  constructor(private readonly deps: ChatWindowDeps) {
    this.range = new WindowRange(deps.page, deps.maxEntries);
  }

  views(model: ConversationModel, context: ViewContext): MessageView[] {
    const timeline = model.timeline();
    if (this.ownMessageArrived(timeline)) this.range.toNewest(timeline);
    const { from, to, live } = this.range.bounds(timeline);
    this.leftLiveAfter = live ? undefined : (this.leftLiveAfter ?? timeline.at(-1));
    this.locals ??= localRowsOf(model);
    const previous = this.reuse;
    this.reuse = new Map();
    // Views of entries still shown carry over; those of dropped pages go.
    for (let index = from; index < to; index++) {
      const id = timeline[index]!.id;
      const view = previous.get(id);
      if (view !== undefined) this.reuse.set(id, view);
    }
    return sliceViews(model, context, { timeline, from, to, live }, this.locals, this.reuse);
  }

  /** The chat changed (a message, a receipt, a name): every view is built anew. */
  changed(): void {
    this.reuse.clear();
    this.locals = undefined;
  }

  /**
   * A page older; past the oldest entry in memory, the next sealed segment is read first. Asked
   * again while that read runs, it waits for the same page rather than adding another.
   */
  older(model: ConversationModel): Promise<void> {
    if (this.range.older(model.timeline())) {
      this.deps.moved();
      return Promise.resolve();
    }
    this.reading ??= this.deps
      .readOlder(model)
      .then((read) => {
        if (read && this.range.older(model.timeline())) this.deps.moved();
      })
      .finally(() => {
        this.reading = undefined;
      });
    return this.reading;
  }

  newer(model: ConversationModel): void {
    if (this.range.newer(model.timeline())) this.deps.moved();
  }

  /** Back to the newest page (the jump button); false when the window was there already. */
  newest(model: ConversationModel): boolean {
    const timeline = model.timeline();
    if (this.range.bounds(timeline).live) return false;
    this.range.toNewest(timeline);
    this.deps.moved();
    return true;
  }

  /**
   * Shows `messageId` (a search result, a quote's original): the window moves around it unless
   * it shows it already. Sealed segments are read back until it is in memory (it has a row),
   * and one more when it is near their start, for the half page shown before it. False when
   * the chat does not hold it.
   */
  async show(model: ConversationModel, messageId: string): Promise<boolean> {
    let index = lastIndexOf(model.timeline(), messageId);
    while (index < 0 && model.rows.has(messageId) && (await this.deps.readOlder(model)))
      index = lastIndexOf(model.timeline(), messageId);
    if (index < 0) return false;
    while (index < this.deps.page / 2 && (await this.deps.readOlder(model)))
      index = lastIndexOf(model.timeline(), messageId);
    const timeline = model.timeline();
    if (!this.range.holds(timeline, index)) {
      this.range.around(timeline, index);
      this.deps.moved();
    }
    return true;
  }

  /**
   * Whether this device sent a message since the window left the live end: as in Signal and
   * WhatsApp, sending from older history shows the message sent, at the newest. Others' messages
   * (and this account's from its other devices) leave the window where the person reads.
   */
  private ownMessageArrived(timeline: readonly MessageEntry[]): boolean {
    const since = this.leftLiveAfter;
    const newest = timeline.at(-1);
    const self = this.deps.self();
    if (!since || !newest || !self || compareTimeline(newest, since) <= 0) return false;
    return newest.senderId === self.accountId && newest.senderDeviceId === self.deviceId;
  }
}

function lastIndexOf(timeline: readonly MessageEntry[], messageId: string): number {
  let index = timeline.length - 1;
  while (index >= 0 && timeline[index]!.id !== messageId) index--;
  return index;
}
