import type { Contacts } from '../account/contacts.js';
import type { LocalDevice } from '../account/local-device.js';
import type { ConversationModel, Conversations } from '../conversations/conversations.js';
import type {
  ConnectionState,
  ConversationView,
  MessageView,
  Observable,
  SelfView,
} from './api.js';
import { Snapshot } from './observable.js';
import type { MessageEntry } from '../conversations/conversation-doc.js';
import { orderKey } from '../conversations/timeline-order.js';
import { conversationView, firstFrom, messageViews, pageViews, type ViewContext } from './views.js';

export interface LiveViewsDeps {
  device: LocalDevice;
  conversations: Conversations;
  contacts: Contacts;
  connectionState(): ConnectionState;
  /** See ViewContext.group. */
  group?: ViewContext['group'];
  membershipLine?: ViewContext['membershipLine'];
  placeholders?: ViewContext['placeholders'];
  disappearingSeconds?: ViewContext['disappearingSeconds'];
  rich?: ViewContext['rich'];
  /** Message requests accepted on any device of the account (account-settings/). */
  acceptedRequests?(): readonly string[];
  contactNames?(): Readonly<Record<string, string>>;
  profileOf?: ViewContext['profileOf'];
  /** A segment read for a scroll failed (reported as the messenger's errors are). */
  onError?(error: unknown): void;
  /** Entries per timeline page (0820); by default a chat's messages() holds all of it. */
  timelinePage?: number;
  /** Starts reading a chat's rows (Conversations.ensure); it re-renders when they are read. */
  loadRows(conversationId: string): void;
}

/** Timeline entries a chat's messages() holds at first and adds per showOlder, in apps (0820). */
export const TIMELINE_PAGE = 200;

/** How long after a typing Content the list re-renders, once the longest indicator may have lapsed. */
const TYPING_RERENDER_MS = 6_500;

/** The facade's observable snapshots, invalidated when what they render changes. */
export class LiveViews {
  readonly self: Snapshot<SelfView | null>;
  readonly connection: Snapshot<ConnectionState>;
  readonly conversationList: Snapshot<readonly ConversationView[]>;
  private readonly messageSnapshots = new Map<string, Snapshot<readonly MessageView[]>>();
  /** The order key each shown chat's timeline starts at (floorOf). */
  private readonly windows = new Map<string, number>();
  private readonly typingTimers = new Set<ReturnType<typeof setTimeout>>();

  constructor(private readonly deps: LiveViewsDeps) {
    this.self = new Snapshot(() => selfView(deps.device));
    this.connection = new Snapshot(() => deps.connectionState());
    this.conversationList = new Snapshot(() => {
      const context = this.context();
      return deps.conversations
        .all()
        .map((model) => conversationView(model, context))
        .sort((a, b) => b.updatedAt - a.updatedAt);
    });
  }

  messages(conversationId: string): Observable<readonly MessageView[]> {
    let snapshot = this.messageSnapshots.get(conversationId);
    if (!snapshot) {
      snapshot = new Snapshot(() => {
        const model = this.deps.conversations.get(conversationId);
        if (!model) return [];
        if (model.rowsLoaded)
          return messageViews(
            model,
            this.context(),
            this.floorOf(conversationId, model.timeline()),
          );
        // Shown, its rows are read (0821); meanwhile the first screen's page, if it had one.
        this.deps.loadRows(conversationId);
        return pageViews(model, this.context());
      });
      this.messageSnapshots.set(conversationId, snapshot);
    }
    return snapshot;
  }

  /**
   * Widens the chat's timeline by a page. Past the oldest entry in memory, the next sealed
   * segment is read first (history/), and the page ends where the entries shown began.
   */
  showOlder(conversationId: string): void {
    const model = this.deps.conversations.get(conversationId);
    if (!model?.rowsLoaded) return;
    const timeline = model.timeline();
    const from = firstFrom(timeline, this.floorOf(conversationId, timeline));
    if (from > 0) return this.widen(conversationId, keyAt(timeline, from - this.page));
    const first = timeline[0];
    this.deps.conversations.readOlder(model).then(
      (read) => {
        if (!read) return;
        const widened = model.timeline();
        const at = first ? widened.indexOf(first) : widened.length;
        this.widen(conversationId, keyAt(widened, at - this.page));
      },
      (error: unknown) => this.deps.onError?.(error),
    );
  }

  /**
   * Widens the chat's timeline down to `messageId`, with half a page of context before it,
   * reading sealed segments back to it when it has a row but is not in memory (a search hit in
   * older history); false when the chat does not hold it.
   */
  async showMessage(conversationId: string, messageId: string): Promise<boolean> {
    const model = this.deps.conversations.get(conversationId);
    if (!model?.rowsLoaded) return false;
    let index = lastIndexOf(model.timeline(), messageId);
    while (
      index < 0 &&
      model.rows.has(messageId) &&
      (await this.deps.conversations.readOlder(model))
    )
      index = lastIndexOf(model.timeline(), messageId);
    if (index < 0) return false;
    // Half a page of context before it, from the segment before when it is near the start.
    const context = this.page / 2;
    while (
      index < context &&
      context < Infinity &&
      (await this.deps.conversations.readOlder(model))
    )
      index = lastIndexOf(model.timeline(), messageId);
    const timeline = model.timeline();
    const floor = keyAt(timeline, index - this.page / 2);
    if (floor < this.floorOf(conversationId, timeline)) this.widen(conversationId, floor);
    return true;
  }

  /**
   * The order key the chat's timeline starts at: the newest page's first entry's when first
   * shown, then kept, so a new message does not push the oldest shown out from under the reader.
   */
  private floorOf(conversationId: string, timeline: readonly MessageEntry[]): number {
    let floor = this.windows.get(conversationId);
    if (floor === undefined) {
      floor = keyAt(timeline, timeline.length - this.page);
      this.windows.set(conversationId, floor);
    }
    return floor;
  }

  private get page(): number {
    return this.deps.timelinePage ?? Infinity;
  }

  private widen(conversationId: string, floor: number): void {
    this.windows.set(conversationId, floor);
    this.messageSnapshots.get(conversationId)?.invalidate();
  }

  conversationChanged(conversationId: string): void {
    this.messageSnapshots.get(conversationId)?.invalidate();
    this.conversationList.invalidate();
  }

  /** Everything re-renders (the whole projection replaced the first screen's, 0820). */
  invalidateAll(): void {
    this.self.invalidate();
    this.conversationList.invalidate();
    for (const snapshot of this.messageSnapshots.values()) snapshot.invalidate();
  }

  /** Typing indicators expire by time: re-render the list once the longest one may have lapsed. */
  typingChanged(): void {
    this.conversationList.invalidate();
    const timer = setTimeout(() => {
      this.typingTimers.delete(timer);
      this.conversationList.invalidate();
    }, TYPING_RERENDER_MS);
    this.typingTimers.add(timer);
  }

  close(): void {
    for (const timer of this.typingTimers) clearTimeout(timer);
  }

  /** A member's username ("You" is the caller's business). */
  usernameOf(accountId: string, model: ConversationModel): string {
    return this.context().usernameOf(accountId, model);
  }

  /** A member as shown: the name the user gave, else their profile's, else the username. */
  nameOf(accountId: string, model: ConversationModel): string {
    return this.context().nameOf(accountId, model);
  }

  private context(): ViewContext {
    const self = this.deps.device.account;
    const usernameOf = (accountId: string, model: ConversationModel): string =>
      (accountId === self?.accountId ? self.username : undefined) ??
      this.deps.contacts.usernameOf(accountId) ??
      model.doc.memberList().find(([id]) => id === accountId)?.[1].username ??
      accountId;
    const contactNames = this.deps.contactNames?.();
    return {
      selfAccountId: self?.accountId ?? '',
      now: Date.now(),
      ...(this.deps.group ? { group: this.deps.group } : {}),
      ...(this.deps.membershipLine ? { membershipLine: this.deps.membershipLine } : {}),
      ...(this.deps.placeholders ? { placeholders: this.deps.placeholders } : {}),
      ...(this.deps.disappearingSeconds
        ? { disappearingSeconds: this.deps.disappearingSeconds }
        : {}),
      ...(this.deps.rich ? { rich: this.deps.rich } : {}),
      ...(this.deps.acceptedRequests ? { acceptedRequests: this.deps.acceptedRequests() } : {}),
      ...(contactNames ? { contactNames } : {}),
      ...(this.deps.profileOf ? { profileOf: this.deps.profileOf } : {}),
      usernameOf,
      nameOf: (accountId, model) =>
        contactNames?.[accountId] ||
        this.deps.profileOf?.(accountId)?.name ||
        usernameOf(accountId, model),
    };
  }
}

export function selfView(device: LocalDevice): SelfView | null {
  const account = device.account;
  return account
    ? { accountId: account.accountId, username: account.username, deviceId: account.deviceId }
    : null;
}

function lastIndexOf(timeline: readonly MessageEntry[], messageId: string): number {
  let index = timeline.length - 1;
  while (index >= 0 && timeline[index]!.id !== messageId) index--;
  return index;
}

/** The order key of the entry at `index`; before the first entry, everything. */
function keyAt(timeline: readonly MessageEntry[], index: number): number {
  return index <= 0 ? -Infinity : orderKey(timeline[index]!);
}
