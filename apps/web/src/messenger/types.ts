/** The one place the app names core's facade types. */
export type {
  ConnectionState,
  ConversationView,
  DeviceLink,
  MessageStatus,
  MessageView,
  Messenger,
  MessengerEvent,
  Observable,
  SafetyNumber,
  SearchOptions,
  SearchResultChat,
  SearchResultGroup,
  SearchResultMessage,
  SearchResults,
  HighlightRange,
  SelfView,
} from '@parley/core';
