import { useMemo } from 'react';
import { useMessenger } from '../messenger/messenger-context.js';
import './groups.css';
import type { MessageView } from '../messenger/types.js';

/**
 * Under a group's latest own message: who has read it, and who has not yet (per member, from the
 * receipts core keeps per member). Polite live region, so screen readers hear it change.
 */
export function GroupReadState({
  conversationId,
  messages,
}: {
  conversationId: string;
  messages: readonly MessageView[];
}) {
  const messenger = useMessenger();
  const last = useMemo(
    () => [...messages].reverse().find((m) => m.kind === 'text' && m.outgoing),
    [messages],
  );
  if (!last) return null;
  const info = messenger.messageInfo(conversationId, last.id);
  const read = info.read.map((r) => r.username);
  const text =
    info.unread.length === 0 && read.length > 0
      ? 'Your last message: read by everyone'
      : read.length > 0
        ? `Your last message: read by ${read.join(', ')}`
        : info.delivered.length > 0
          ? `Your last message: delivered to ${info.delivered.length}`
          : '';
  return (
    <p className="group-read-state" aria-live="polite" data-testid="group-read-state">
      {text}
    </p>
  );
}
