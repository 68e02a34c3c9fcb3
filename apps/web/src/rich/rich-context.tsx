import {
  createContext,
  lazy,
  Suspense,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from 'react';
import { navigate } from '../app/route.js';
import { useMessenger } from '../messenger/messenger-context.js';
import type { MessageView } from '../messenger/types.js';

const ForwardDialog = lazy(() => import('./ForwardDialog.js'));
const DeleteDialog = lazy(() => import('./DeleteDialog.js'));
const MessageInfoDialog = lazy(() => import('./MessageInfoDialog.js'));

const FLASH_MS = 4_000;

/** What the composer is doing besides writing a new message. */
export type ComposerMode = { kind: 'reply' | 'edit'; message: MessageView } | null;

type Dialog = { kind: 'forward' | 'delete' | 'info'; message: MessageView } | null;

interface RichActions {
  conversationId: string;
  mode: ComposerMode;
  setMode(mode: ComposerMode): void;
  openDialog(kind: 'forward' | 'delete' | 'info', message: MessageView): void;
  /** Scrolls the timeline to a message and flashes it (a quote's "jump to the original"). */
  jumpTo(messageId: string): void;
  /** The timeline registers how it scrolls (MessageList). */
  setJumper(jump: ((messageId: string) => boolean) | null): void;
  /** The message a jump landed on, highlighted for a moment. */
  flashId: string | null;
  /** A polite announcement for screen readers ("Copied", "Message deleted"). */
  announce(text: string): void;
}

const RichContext = createContext<RichActions | null>(null);

/** Per open chat: the composer's mode, the message dialogs, and jumping to a quoted message. */
export function RichProvider({
  conversationId,
  children,
}: {
  conversationId: string;
  children: ReactNode;
}) {
  const [mode, setMode] = useState<ComposerMode>(null);
  const [dialog, setDialog] = useState<Dialog>(null);
  const [flashId, setFlashId] = useState<string | null>(null);
  const [announcement, setAnnouncement] = useState('');
  const jumper = useRef<((messageId: string) => boolean) | null>(null);

  const messenger = useMessenger();
  // Within the loaded page: scroll there. Older than it: open the chat at the message as a search
  // result does, which loads that part of the history and mounts the timeline around it (0820).
  const jumpTo = useCallback(
    (messageId: string) => {
      if (jumper.current?.(messageId)) return setFlashId(messageId);
      void messenger.showMessage(conversationId, messageId).then((held) => {
        if (held) navigate({ name: 'chat', conversationId, messageId });
        else setAnnouncement('The original message is not in this chat any more');
      });
    },
    [messenger, conversationId],
  );

  // The highlight of a jump fades once its pulse is over (search.css: two 1.2 s pulses).
  useEffect(() => {
    if (flashId === null) return;
    const timer = setTimeout(() => setFlashId(null), FLASH_MS);
    return () => clearTimeout(timer);
  }, [flashId]);

  const value = useMemo<RichActions>(
    () => ({
      conversationId,
      mode,
      setMode,
      openDialog: (kind, message) => setDialog({ kind, message }),
      jumpTo,
      setJumper: (jump) => {
        jumper.current = jump;
      },
      flashId,
      announce: setAnnouncement,
    }),
    [conversationId, mode, jumpTo, flashId],
  );

  const close = () => setDialog(null);
  return (
    <RichContext.Provider value={value}>
      {children}
      <p className="visually-hidden" role="status" data-testid="rich-announcement">
        {announcement}
      </p>
      <Suspense fallback={null}>
        {dialog?.kind === 'forward' && (
          <ForwardDialog conversationId={conversationId} message={dialog.message} onClose={close} />
        )}
        {dialog?.kind === 'delete' && (
          <DeleteDialog conversationId={conversationId} message={dialog.message} onClose={close} />
        )}
        {dialog?.kind === 'info' && (
          <MessageInfoDialog
            conversationId={conversationId}
            message={dialog.message}
            onClose={close}
          />
        )}
      </Suspense>
    </RichContext.Provider>
  );
}

/** The open chat's rich actions; null outside a RichProvider (e.g. a bubble in a test harness). */
export function useRichActions(): RichActions | null {
  return useContext(RichContext);
}
