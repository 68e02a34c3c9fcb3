/** The one place the app names core's facade types. */
export type {
  ConnectionState,
  ConversationView,
  MessageStatus,
  MessageView,
  Messenger,
  MessengerEvent,
  Observable,
  SafetyNumber,
  SelfView,
} from '../../../../packages/core/src/messenger/api.js';
