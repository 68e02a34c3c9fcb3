import { useEffect, useRef, useState, type CSSProperties, type KeyboardEvent } from 'react';
import { describeError } from '../errors/describe-error.js';
import { useMessenger } from '../messenger/messenger-context.js';
import type { MessageView } from '../messenger/types.js';
import { Icon, type IconName } from '../shell/Icon.js';
import { useRichActions } from './rich-context.js';
import { canEdit, QUICK_REACTIONS } from './message-rules.js';

interface Item {
  label: string;
  icon: IconName;
  run(): void;
}

/**
 * The "⋯" button beside a bubble and its menu: a quick-reaction bar, then reply, edit, forward,
 * copy, info and delete. Reached by Tab (the button), hover, right click or a long press (the
 * bubble's context menu); arrow keys move inside, Escape closes and returns focus.
 */
export function MessageActions({
  message,
  open,
  onOpenChange,
}: {
  message: MessageView;
  open: boolean;
  onOpenChange(open: boolean): void;
}) {
  const messenger = useMessenger();
  const rich = useRichActions();
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);
  const [position, setPosition] = useState<CSSProperties>({});

  useEffect(() => {
    if (!open) return;
    // Fixed to the viewport, above the button in the lower half of the screen: never clipped by
    // the scroller.
    const rect = button.current?.getBoundingClientRect();
    if (rect) {
      const below = rect.top < window.innerHeight / 2;
      const horizontal = message.outgoing
        ? { right: Math.max(8, window.innerWidth - rect.right) }
        : { left: Math.max(8, rect.left) };
      setPosition(
        below
          ? { top: rect.bottom + 4, ...horizontal }
          : { bottom: window.innerHeight - rect.top + 4, ...horizontal },
      );
    }
    menu.current?.querySelector<HTMLElement>('[role^="menuitem"]')?.focus();
  }, [open, message.outgoing]);

  if (!rich) return null;
  const actions = rich;

  function close(returnFocus = true) {
    onOpenChange(false);
    if (returnFocus) button.current?.focus();
  }

  function act(run: () => Promise<unknown> | void) {
    close(false);
    Promise.resolve(run()).catch((cause: unknown) =>
      actions.announce(describeError(cause, 'message-action')),
    );
  }

  const mine = new Set(message.reactions?.filter((r) => r.mine).map((r) => r.emoji));
  const items: Item[] = message.deleted
    ? [{ label: 'Delete for me', icon: 'trash', run: () => actions.openDialog('delete', message) }]
    : [
        { label: 'Reply', icon: 'reply', run: () => actions.setMode({ kind: 'reply', message }) },
        ...(canEdit(message, Date.now())
          ? [
              {
                label: 'Edit',
                icon: 'edit' as const,
                run: () => actions.setMode({ kind: 'edit', message }),
              },
            ]
          : []),
        { label: 'Forward', icon: 'forward', run: () => actions.openDialog('forward', message) },
        ...(message.body !== ''
          ? [
              {
                label: 'Copy text',
                icon: 'copy' as const,
                run: async () => {
                  await navigator.clipboard.writeText(message.body);
                  actions.announce('Copied');
                },
              },
            ]
          : []),
        { label: 'Info', icon: 'info', run: () => actions.openDialog('info', message) },
        { label: 'Delete…', icon: 'trash', run: () => actions.openDialog('delete', message) },
      ];

  function onKeyDown(event: KeyboardEvent) {
    const all = [...(menu.current?.querySelectorAll<HTMLElement>('[role^="menuitem"]') ?? [])];
    const index = all.indexOf(document.activeElement as HTMLElement);
    const reactionCount = message.deleted ? 0 : QUICK_REACTIONS.length;
    if (event.key === 'Escape') close();
    else if (event.key === 'ArrowDown')
      all[index < reactionCount ? reactionCount : (index + 1) % all.length]?.focus();
    else if (event.key === 'ArrowUp') all[index <= reactionCount ? 0 : index - 1]?.focus();
    else if (event.key === 'ArrowRight' && index < reactionCount - 1) all[index + 1]?.focus();
    else if (event.key === 'ArrowLeft' && index > 0 && index < reactionCount)
      all[index - 1]?.focus();
    else if (event.key === 'Home') all[0]?.focus();
    else if (event.key === 'End') all.at(-1)?.focus();
    else return;
    event.preventDefault();
  }

  return (
    <div className="message-actions">
      <button
        ref={button}
        type="button"
        className="message-actions__button"
        aria-label="Message actions"
        aria-haspopup="menu"
        aria-expanded={open}
        onClick={() => onOpenChange(!open)}
      >
        <Icon name="more" size={18} />
      </button>
      {open && (
        <div
          ref={menu}
          className="message-actions__menu"
          role="menu"
          aria-label="Message actions"
          style={position}
          onKeyDown={onKeyDown}
          onBlur={(event) => {
            if (!event.currentTarget.contains(event.relatedTarget as Node | null)) close(false);
          }}
        >
          {!message.deleted && (
            <div className="reaction-bar" role="group" aria-label="React">
              {QUICK_REACTIONS.map((emoji) => (
                <button
                  key={emoji}
                  type="button"
                  role="menuitemcheckbox"
                  aria-checked={mine.has(emoji)}
                  aria-label={`React with ${emoji}`}
                  className="reaction-bar__emoji"
                  onClick={() =>
                    act(() =>
                      messenger.react(
                        actions.conversationId,
                        message.id,
                        mine.has(emoji) ? null : emoji,
                      ),
                    )
                  }
                >
                  {emoji}
                </button>
              ))}
            </div>
          )}
          {items.map((item) => (
            <button
              key={item.label}
              type="button"
              role="menuitem"
              className="message-actions__item"
              onClick={() => act(item.run)}
            >
              <Icon name={item.icon} size={18} />
              {item.label}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
