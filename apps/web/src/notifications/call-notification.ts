import type { AwayInvite } from '@parley/core';
import { APP_ICON, chatUrl } from './notification-content.js';

/**
 * What an incoming call's notification says while the app is closed (push-worker.ts), and how
 * the app, opened from it, finds the invitation again (resume-away-call.ts). The invitation stays
 * in the notification's data, never in the URL: a link cannot make the app ring.
 */

export interface CallNotificationData {
  conversationId: string;
  callId: string;
  invite: AwayInvite;
  /** The chat, with `?call=` naming the notification the page takes the invitation from. */
  url: string;
}

export function callTag(callId: string): string {
  return `call-${callId}`;
}

/** The query parameter that names an incoming call's notification. */
export const CALL_PARAMETER = 'call';

export function incomingCallNotification(
  invite: AwayInvite,
  previews: boolean,
): { title: string; options: NotificationOptions & { data: CallNotificationData } } {
  const kind = callKind(invite);
  return {
    title: previews ? invite.title : 'Parley',
    options: {
      body:
        previews && invite.group
          ? `${invite.callerUsername} is calling the group: ${kind}`
          : `Incoming ${kind}`,
      tag: callTag(invite.callId),
      icon: APP_ICON,
      badge: APP_ICON,
      // A call waits for an answer: it stays until taken, declined elsewhere or given up.
      requireInteraction: true,
      data: {
        conversationId: invite.conversationId,
        callId: invite.callId,
        invite,
        url: `/?${CALL_PARAMETER}=${encodeURIComponent(invite.callId)}${chatUrl(invite.conversationId).slice(1)}`,
      },
    },
  };
}

export function missedCallNotification(
  invite: AwayInvite,
  previews: boolean,
): { title: string; options: NotificationOptions } {
  return {
    title: previews ? invite.title : 'Parley',
    options: {
      body: `Missed ${callKind(invite)}`,
      tag: callTag(invite.callId),
      icon: APP_ICON,
      badge: APP_ICON,
      data: {
        conversationId: invite.conversationId,
        count: 0,
        url: chatUrl(invite.conversationId),
      },
    },
  };
}

function callKind(invite: AwayInvite): string {
  return invite.media === 'video' ? 'video call' : 'voice call';
}
