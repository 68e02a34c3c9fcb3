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
import { ChatWindow } from '../timeline-window/chat-window.js';
import { conversationView, pageViews, type ViewContext } from './views.js';

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

/** Pages a chat's messages() holds at most: those around what is on screen (0820, "Scrolling"). */
export const WINDOW_PAGES = 3;

/** How long after a typing Content the list re-renders, once the longest indicator may have lapsed. */
const TYPING_RERENDER_MS = 6_500;

/** The facade's observable snapshots, invalidated when what they render changes. */
export class LiveViews {
  readonly self: Snapshot<SelfView | null>;
  readonly connection: Snapshot<ConnectionState>;
  readonly conversationList: Snapshot<readonly ConversationView[]>;
  private readonly messageSnapshots = new Map<string, Snapshot<readonly MessageView[]>>();
  /** Each shown chat's window on its timeline (timeline-window/). */
  private readonly windows = new Map<string, ChatWindow>();
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
        if (model.rowsLoaded) return this.windowOf(conversationId).views(model, this.context());
        // Shown, its rows are read (0821); meanwhile the first screen's page, if it had one.
        this.deps.loadRows(conversationId);
        return pageViews(model, this.context());
      });
      this.messageSnapshots.set(conversationId, snapshot);
    }
    return snapshot;
  }

  /** Moves the chat's window a page toward older messages (scrolled near its top). */
  showOlder(conversationId: string): void {
    const model = this.loaded(conversationId);
    if (model)
      this.windowOf(conversationId)
        .older(model)
        .catch((error: unknown) => this.deps.onError?.(error));
  }

  /** Moves the chat's window a page toward newer messages (scrolled near its bottom). */
  showNewer(conversationId: string): void {
    const model = this.loaded(conversationId);
    if (model) this.windowOf(conversationId).newer(model);
  }

  /** Moves the chat's window back to its newest page; false when it was there already. */
  showNewest(conversationId: string): boolean {
    const model = this.loaded(conversationId);
    return model ? this.windowOf(conversationId).newest(model) : false;
  }

  /** Moves the chat's window around `messageId` (ChatWindow.show); false when not held. */
  async showMessage(conversationId: string, messageId: string): Promise<boolean> {
    const model = this.loaded(conversationId);
    return model ? this.windowOf(conversationId).show(model, messageId) : false;
  }

  private loaded(conversationId: string): ConversationModel | undefined {
    const model = this.deps.conversations.get(conversationId);
    return model?.rowsLoaded ? model : undefined;
  }

  private windowOf(conversationId: string): ChatWindow {
    let window = this.windows.get(conversationId);
    if (!window) {
      const page = this.deps.timelinePage ?? Infinity;
      window = new ChatWindow({
        page,
        maxEntries: page * WINDOW_PAGES,
        readOlder: (model) => this.deps.conversations.readOlder(model),
        moved: () => this.messageSnapshots.get(conversationId)?.invalidate(),
        self: () => this.deps.device.account,
      });
      this.windows.set(conversationId, window);
    }
    return window;
  }

  conversationChanged(conversationId: string): void {
    this.windows.get(conversationId)?.changed();
    this.messageSnapshots.get(conversationId)?.invalidate();
    this.conversationList.invalidate();
  }

  /** Everything re-renders (the whole projection replaced the first screen's, 0820). */
  invalidateAll(): void {
    this.self.invalidate();
    this.conversationList.invalidate();
    for (const window of this.windows.values()) window.changed();
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
