/** The one place the app names core's facade types. */
export type {
  ConnectionState,
  ConversationView,
  DeviceLink,
  GroupInfoView,
  GroupMemberView,
  MessageInfoView,
  MessageStatus,
  MessageView,
  Messenger,
  MessengerEvent,
  Observable,
  SafetyNumber,
  SelfView,
} from '@parley/core';
