import type { Messenger } from '@parley/core';
import { navigate } from '../app/route.js';
import { CALL_PARAMETER, callTag, type CallNotificationData } from './call-notification.js';

/**
 * The app was opened (or focused) from an incoming call's notification: the invitation the
 * service worker's core received is in that notification's data; this page's core rings it if it
 * is still live (core checks the chat's members and the invitation's age).
 */
export async function resumeAwayCall(messenger: Messenger, callId: string): Promise<void> {
  const registration = await navigator.serviceWorker?.getRegistration('/');
  const [shown] = (await registration?.getNotifications({ tag: callTag(callId) })) ?? [];
  const data = shown?.data as Partial<CallNotificationData> | undefined;
  shown?.close();
  if (!data?.invite) return;
  navigate({ name: 'chat', conversationId: data.invite.conversationId });
  messenger.calls?.resume(data.invite);
}

/** The call named in the address by a notification's URL, taken out of the address. */
export function takeCallFromAddress(): string | null {
  const url = new URL(location.href);
  const callId = url.searchParams.get(CALL_PARAMETER);
  if (!callId) return null;
  url.searchParams.delete(CALL_PARAMETER);
  history.replaceState(history.state, '', url);
  return callId;
}
