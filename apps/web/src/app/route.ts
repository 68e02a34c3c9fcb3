/**
 * Which screen is open lives in the URL hash (#/chat/<id>, #/settings), so the browser's back
 * button, reloads and deep links behave as people expect. This is UI state, not message state.
 */
import { useSyncExternalStore } from 'react';

export type Route =
  | { name: 'chats' }
  /** `messageId`: a search result opened; the timeline scrolls to it and highlights it. */
  | { name: 'chat'; conversationId: string; messageId?: string }
  | { name: 'settings' };

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '');
  const chat = /^\/chat\/([^/]+)(?:\/message\/([^/]+))?$/.exec(path);
  if (chat) {
    const conversationId = decodeURIComponent(chat[1]!);
    return chat[2]
      ? { name: 'chat', conversationId, messageId: decodeURIComponent(chat[2]) }
      : { name: 'chat', conversationId };
  }
  if (path === '/settings') return { name: 'settings' };
  return { name: 'chats' };
}

export function hrefFor(route: Route): string {
  switch (route.name) {
    case 'chats':
      return '#/';
    case 'chat':
      return route.messageId
        ? `#/chat/${encodeURIComponent(route.conversationId)}/message/${encodeURIComponent(route.messageId)}`
        : `#/chat/${encodeURIComponent(route.conversationId)}`;
    case 'settings':
      return '#/settings';
  }
}

export function navigate(route: Route): void {
  location.hash = hrefFor(route);
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
}

export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, () => location.hash);
  // parseRoute is cheap and returns a fresh object; consumers compare fields, not identity.
  return parseRoute(hash);
}
