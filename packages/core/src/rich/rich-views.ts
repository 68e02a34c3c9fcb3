import type { ConversationModel } from '../conversations/conversations.js';
import type { QuoteView, ReactionView } from '../facade/api.js';
import type { ViewContext } from '../facade/views.js';
import type { RichState } from './rich-fold.js';

/** The longest quote a reply carries in its view (the bubble shows two lines). */
const QUOTE_LENGTH = 200;

/** The quoted message as it is now: edited text, or why there is none (deleted, missing). */
export function quoteView(
  messageId: string,
  model: ConversationModel,
  context: ViewContext,
): QuoteView {
  const row = model.rows.get(messageId);
  if (!row || row.hidden || row.kind !== 'text')
    return { messageId, senderUsername: '', senderName: '', body: '', missing: true };
  const senderUsername = context.usernameOf(row.senderId, model);
  const senderName = context.nameOf(row.senderId, model);
  if (row.deleted) return { messageId, senderUsername, senderName, body: '', deleted: true };
  const kind = row.attachments?.[0]?.kind;
  return {
    messageId,
    senderUsername,
    senderName,
    body: row.body.slice(0, QUOTE_LENGTH),
    ...(kind ? { attachmentKind: kind } : {}),
  };
}

/** Reactions grouped by emoji: most reacted first, then the earliest. */
export function reactionViews(
  state: RichState | undefined,
  model: ConversationModel,
  context: ViewContext,
): ReactionView[] {
  if (!state || state.reactions.size === 0) return [];
  const byEmoji = new Map<string, { view: ReactionView; first: number }>();
  for (const [accountId, { emoji, at }] of state.reactions) {
    let group = byEmoji.get(emoji);
    if (!group)
      byEmoji.set(
        emoji,
        (group = { view: { emoji, count: 0, usernames: [], mine: false }, first: at }),
      );
    group.view.count++;
    group.view.usernames.push(context.usernameOf(accountId, model));
    if (accountId === context.selfAccountId) group.view.mine = true;
    group.first = Math.min(group.first, at);
  }
  return [...byEmoji.values()]
    .sort((a, b) => b.view.count - a.view.count || a.first - b.first)
    .map(({ view }) => ({ ...view, usernames: view.usernames.sort() }));
}
