import { useCallback, useEffect, useRef } from 'react';
import { useMessenger } from '../messenger/messenger-context.js';

/** Typing stops counting after this long without a keystroke. */
const TYPING_IDLE_MS = 4_000;
/** A 'still typing' signal is repeated at most this often while the person keeps typing. */
const TYPING_REPEAT_MS = 3_000;

/** Tells core when the person starts and stops typing in a chat, without a signal per keystroke. */
export function useTypingSignal(conversationId: string) {
  const messenger = useMessenger();
  const lastSent = useRef(0);
  const idleTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const stop = useCallback(() => {
    clearTimeout(idleTimer.current);
    if (lastSent.current !== 0) messenger.setTyping(conversationId, false);
    lastSent.current = 0;
  }, [messenger, conversationId]);

  const typed = useCallback(
    (text: string) => {
      if (text.trim() === '') return stop();
      const now = Date.now();
      if (now - lastSent.current > TYPING_REPEAT_MS) {
        messenger.setTyping(conversationId, true);
        lastSent.current = now;
      }
      clearTimeout(idleTimer.current);
      idleTimer.current = setTimeout(stop, TYPING_IDLE_MS);
    },
    [messenger, conversationId, stop],
  );

  useEffect(() => stop, [stop]);
  return { typed, stop };
}
