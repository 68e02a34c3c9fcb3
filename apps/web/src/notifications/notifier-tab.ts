/**
 * Which of the device's open tabs shows in-page notifications (toasts, the tone, or a system
 * notification while hidden). Every tab receives every message event (the owner from its core,
 * followers through it, docs/decisions/0710), so without a rule each tab would toast. The rule:
 * the tab the person used last (opened, focused, shown or clicked) notifies; when it goes away
 * without a successor, the owner tab does. Tabs tell each other on a BroadcastChannel.
 */

type NotifierSignal = { type: 'active'; tab: string } | { type: 'gone'; tab: string };

export interface NotifierTab {
  /** Whether this tab should show notifications now. */
  isNotifier(): boolean;
  /** This tab was just used: it becomes the one that notifies. */
  claim(): void;
  /** This tab is going away: the owner tab takes over unless another tab is used. */
  leave(): void;
  close(): void;
}

/**
 * `channelName` is shared by the device's tabs; `isOwner` tells whether this tab owns the
 * device (it notifies when no used tab is known, e.g. after the last used one closed).
 */
export function createNotifierTab(channelName: string, isOwner: () => boolean): NotifierTab {
  const tab = crypto.randomUUID();
  const channel = new BroadcastChannel(channelName);
  let active: string | null = null;
  channel.onmessage = (event: MessageEvent<NotifierSignal>) => {
    const signal = event.data;
    if (signal?.type === 'active') active = signal.tab;
    else if (signal?.type === 'gone' && signal.tab === active) active = null;
  };
  const say = (signal: NotifierSignal) => channel.postMessage(signal);
  return {
    isNotifier: () => active === tab || (active === null && isOwner()),
    claim() {
      if (active === tab) return;
      active = tab;
      say({ type: 'active', tab });
    },
    leave() {
      if (active === tab) say({ type: 'gone', tab });
      active = null;
    },
    close: () => channel.close(),
  };
}

/** Wires `notifier` to the page: opening, focusing, showing or using this tab claims it. */
export function trackUse(notifier: NotifierTab, win: Window = window): () => void {
  const claim = () => notifier.claim();
  const onVisibility = () => {
    if (win.document.visibilityState === 'visible') claim();
  };
  const leave = () => notifier.leave();
  if (win.document.visibilityState === 'visible') claim();
  win.addEventListener('focus', claim);
  win.addEventListener('pointerdown', claim, true);
  win.addEventListener('keydown', claim, true);
  win.document.addEventListener('visibilitychange', onVisibility);
  win.addEventListener('pagehide', leave);
  return () => {
    win.removeEventListener('focus', claim);
    win.removeEventListener('pointerdown', claim, true);
    win.removeEventListener('keydown', claim, true);
    win.document.removeEventListener('visibilitychange', onVisibility);
    win.removeEventListener('pagehide', leave);
    leave();
    notifier.close();
  };
}
