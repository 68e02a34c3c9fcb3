import type { ConversationModel } from '../conversations/conversations.js';
import { isMessageRequest } from '../requests/request-state.js';

/** What finding contacts needs of conversations and groups. */
export interface ContactSource {
  conversations(): Iterable<ConversationModel>;
  conversation(conversationId: string): ConversationModel | undefined;
  /** A group's members other than this account; undefined when the conversation is no group. */
  groupPeers(model: ConversationModel): readonly string[] | undefined;
  acceptedRequests(): readonly string[];
}

/**
 * Who may have this account's profile key (decision 0345), as Signal decides it: the peer of a
 * direct chat this account started, wrote in or accepted (not a stranger whose request waits),
 * and the members of its groups. A deleted account is no one's contact.
 */
export function contactsIn(source: ContactSource, model: ConversationModel): string[] {
  if (isMessageRequest(model, source.acceptedRequests())) return [];
  if (model.row.kind === 'direct' && model.row.peerAccountId)
    return model.row.peerGone ? [] : [model.row.peerAccountId];
  return [...(source.groupPeers(model) ?? [])];
}

export function allContacts(source: ContactSource): string[] {
  const contacts = new Set<string>();
  for (const model of source.conversations())
    for (const accountId of contactsIn(source, model)) contacts.add(accountId);
  return [...contacts];
}
