import type { Messenger, MessengerEvent } from '../facade/api.js';

/**
 * The facade over a message port (docs/decisions/0800): the desktop backend runs core, the
 * renderer holds a RemoteMessenger that forwards every verb. Each Messenger member is one of:
 * - `observable`: a property Observable, mirrored (snapshots pushed on every change);
 * - `observable-call`: a method returning an Observable (messages(id)), mirrored per arguments;
 * - `call`: an async verb, answered with its result or error;
 * - `query`: a synchronous read; answered from a mirror the backend refreshes after every change;
 * - `notify`: a synchronous verb without a result (sent, not answered);
 * - `events`: the event stream (on).
 * A verb added to Messenger costs one line here: the `satisfies` clause fails to compile until it
 * is classified.
 */
export type MemberKind = 'observable' | 'observable-call' | 'call' | 'query' | 'notify' | 'events';

export const MESSENGER_MEMBERS = {
  self: 'observable',
  connection: 'observable',
  conversationList: 'observable',
  accountSettings: 'observable',
  profiles: 'observable',
  setProfile: 'call',
  transfers: 'observable',
  register: 'call',
  provisioning: 'observable',
  linkHistory: 'observable',
  startLinking: 'call',
  inspectDeviceLink: 'call',
  approveDeviceLink: 'call',
  listDevices: 'call',
  renameDevice: 'call',
  unlinkDevice: 'call',
  openDirectConversation: 'call',
  createGroup: 'call',
  addGroupMembers: 'call',
  removeGroupMember: 'call',
  leaveGroup: 'call',
  setGroupRole: 'call',
  renameGroup: 'call',
  changeGroupSetting: 'call',
  groupInfo: 'query',
  messageInfo: 'query',
  sendText: 'call',
  sendAttachment: 'call',
  react: 'call',
  editMessage: 'call',
  deleteForEveryone: 'call',
  deleteForMe: 'call',
  forwardMessage: 'call',
  messageHistory: 'query',
  openAttachment: 'call',
  cachedAttachment: 'call',
  cancelTransfer: 'notify',
  deleteAttachmentMedia: 'call',
  markRead: 'call',
  setDisappearingTimer: 'call',
  openViewOnce: 'call',
  setTyping: 'notify',
  conversations: 'observable-call',
  messages: 'observable-call',
  showOlderMessages: 'notify',
  showMessage: 'call',
  showNewerMessages: 'notify',
  showNewestMessages: 'call',
  search: 'call',
  safetyNumber: 'call',
  markVerified: 'call',
  acceptIdentityChange: 'call',
  updateAccountSettings: 'call',
  acceptMessageRequest: 'call',
  deleteMessageRequest: 'call',
  blockMessageRequest: 'call',
  signOut: 'call',
  deleteAccount: 'call',
  on: 'events',
  settled: 'call',
  pushPublicKey: 'call',
  setPushSubscription: 'call',
  caughtUp: 'call',
  sent: 'call',
  close: 'call',
  // `calls` is absent: a call's media (camera, microphone, peer connections) lives in the page
  // that shows it and cannot cross a process or tab boundary (docs/decisions/0900-calls.md).
} as const satisfies Record<Exclude<keyof Messenger, 'calls'>, MemberKind>;

export type MemberName = keyof typeof MESSENGER_MEMBERS;

/**
 * Calls a RemoteMessenger repeats at a new backend when the one it asked went away before
 * answering (reconnect; the web app's tabs hand the device over when the owner tab closes,
 * docs/decisions/0710). Each is a read or a verb whose repeat changes nothing more: the sends
 * carry a message id the remote side chose (withIdempotencyKey), markRead and the settings are
 * set-to-a-value. Every other pending call fails with BACKEND_CHANGED: it may or may not have
 * happened (a group created twice, or a username registered twice, is worse than asking).
 */
export const RETRY_SAFE_CALLS: ReadonlySet<MemberName> = new Set<MemberName>([
  'inspectDeviceLink',
  'listDevices',
  'renameDevice',
  'openDirectConversation',
  'sendText',
  'sendAttachment',
  'openAttachment',
  'cachedAttachment',
  'deleteAttachmentMedia',
  'markRead',
  'setDisappearingTimer',
  'react',
  'editMessage',
  'deleteForMe',
  'search',
  'safetyNumber',
  'markVerified',
  'updateAccountSettings',
  'setProfile',
  'settled',
  'sent',
]);

/** The code of a call that failed because its backend went away before answering. */
export const BACKEND_CHANGED = 'BACKEND_CHANGED';

/**
 * `args` with the idempotency key the call needs to be retry-safe: sendText and sendAttachment
 * get a message id chosen here (a UUID), unless the caller chose one.
 */
export function withIdempotencyKey(name: string, args: unknown[]): unknown[] {
  const at = OPTIONS_ARGUMENT[name];
  if (at === undefined) return args;
  const options = args[at] as { messageId?: string } | undefined;
  if (options?.messageId) return args;
  const keyed = [...args];
  while (keyed.length < at) keyed.push(undefined);
  keyed[at] = { ...options, messageId: crypto.randomUUID() };
  return keyed;
}

/** Where the SendOptions argument of each sending verb is. */
const OPTIONS_ARGUMENT: Record<string, number> = { sendText: 2, sendAttachment: 3 };

/** What an observable-call mirror shows before the backend's first snapshot arrives. */
export const EMPTY_LIST: readonly never[] = Object.freeze([]);

/** Renderer -> backend. `id` pairs a call with its answer, or names a mirror. */
export type RendererMessage =
  | { type: 'call'; id: number; name: string; args: unknown[] }
  | { type: 'notify'; name: string; args: unknown[] }
  | { type: 'watch'; id: number; name: string; args: unknown[] }
  | { type: 'unwatch'; id: number };

/** Backend -> renderer. */
export type BackendMessage =
  | { type: 'result'; id: number; value: unknown }
  | { type: 'failure'; id: number; error: RemoteError }
  | { type: 'snapshot'; id: number; value: unknown }
  | { type: 'event'; event: MessengerEvent };

/** An error as it crosses the port: enough for the UI's describeError (name, code, message). */
export interface RemoteError {
  name: string;
  message: string;
  code?: string;
}

/**
 * One end of a message channel carrying structured-cloneable values: a MessagePort in the
 * renderer, Electron's MessagePortMain in the utility process, or a test's stand-in.
 */
export interface RemotePort<In, Out> {
  postMessage(message: Out): void;
  /** Starts delivery; `listener` gets every message in order. */
  listen(listener: (message: In) => void): void;
}

export function isMember(name: unknown): name is MemberName {
  return typeof name === 'string' && Object.hasOwn(MESSENGER_MEMBERS, name);
}
