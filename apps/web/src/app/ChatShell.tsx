import { Suspense, useEffect, useRef, useState } from 'react';
import { useTheme } from '../appearance/use-theme.js';
import { ChatList } from '../chats/ChatList.js';
import type { SelfView } from '../messenger/types.js';
import { Avatar } from '../shell/Avatar.js';
import { ConnectionBanner } from '../shell/ConnectionBanner.js';
import { HistoryProgress } from '../linking/HistoryProgress.js';
import { Icon } from '../shell/Icon.js';
import { InstallPrompt } from '../shell/InstallPrompt.js';
import { Notices } from '../shell/Notices.js';
import { useOwnProfile } from '../profile/use-own-profile.js';
import { SearchField } from '../search/SearchField.js';
import { useUnreadBadge } from '../unread/use-unread-badge.js';
import { ChunkErrorBoundary } from './ChunkErrorBoundary.js';
import { preloadable } from './preloadable.js';
import { hrefFor, useRoute } from './route.js';
import { CallHost, callScreen } from '../calls/CallHost.js';

// Not needed for the first paint of the chat list: split off to keep start-up small, and fetched
// while the browser is idle after first paint so opening a screen rarely waits for the network.
const conversationView = preloadable(() => import('../conversation/ConversationView.js'));
const settingsScreen = preloadable(() => import('../settings/SettingsScreen.js'));
const newChatDialog = preloadable(() => import('../chats/NewChatDialog.js'));
const ConversationView = conversationView.Component;
const SettingsScreen = settingsScreen.Component;
const NewChatDialog = newChatDialog.Component;
const newGroupDialog = preloadable(() => import('../groups/NewGroupDialog.js'));
const NewGroupDialog = newGroupDialog.Component;
const searchPanel = preloadable(() => import('../search/SearchPanel.js'));
const SearchPanel = searchPanel.Component;
// Shown only once the person has sent a message and not decided about notifications yet.
const notificationPrompt = preloadable<object>(() =>
  import('../notifications/NotificationPrompt.js').then((module) => ({
    default: module.NotificationPrompt,
  })),
);
const NotificationPrompt = notificationPrompt.Component;
// Toasts and the service worker's requests: fetched as the shell mounts, after first paint.
const PageNotifications = preloadable<{ openConversationId?: string }>(() =>
  import('../notifications/PageNotifications.js').then((module) => ({
    default: module.PageNotifications,
  })),
).Component;

const idleLoaded = [
  conversationView,
  newChatDialog,
  settingsScreen,
  searchPanel,
  notificationPrompt,
  callScreen,
];

function preloadScreens(): void {
  for (const screen of idleLoaded) {
    // A failed prefetch is retried when the screen is opened, which reports the failure.
    screen.preload().catch(() => undefined);
  }
}

/** Two panes on wide screens (chats beside the open chat), one pane at a time on narrow ones. */
export function ChatShell({ self }: { self: SelfView }) {
  const route = useRoute();
  const profile = useOwnProfile();
  const [newChatOpen, setNewChatOpen] = useState(false);
  const [newGroupOpen, setNewGroupOpen] = useState(false);
  const detailOpen = route.name !== 'chats';
  const openConversationId = route.name === 'chat' ? route.conversationId : undefined;
  const [query, setQuery] = useState('');
  const searchField = useRef<HTMLInputElement>(null);
  useTheme();
  useUnreadBadge();

  useEffect(() => {
    if ('requestIdleCallback' in window) {
      const handle = requestIdleCallback(preloadScreens, { timeout: 2_000 });
      return () => cancelIdleCallback(handle);
    }
    const timer = setTimeout(preloadScreens, 1_000);
    return () => clearTimeout(timer);
  }, []);

  return (
    <div className={`shell ${detailOpen ? 'shell--detail-open' : ''}`}>
      <aside className="sidebar" aria-label="Chats">
        <header className="sidebar__header">
          <a
            className="sidebar__me"
            href={hrefFor({ name: 'settings' })}
            aria-label={`Settings and profile of ${self.username}`}
          >
            <Avatar name={profile?.name || self.username} size={36} src={profile?.avatar} />
          </a>
          <h1 className="sidebar__title">Chats</h1>
          <button
            type="button"
            className="icon-button"
            aria-label="New group"
            onClick={() => setNewGroupOpen(true)}
          >
            <Icon name="group" />
          </button>
          <button
            type="button"
            className="icon-button"
            aria-label="New chat"
            onClick={() => setNewChatOpen(true)}
          >
            <Icon name="compose" />
          </button>
        </header>
        <SearchField
          query={query}
          onQueryChange={setQuery}
          fieldRef={searchField}
          resultsId="search-results"
        />
        <ConnectionBanner />
        <HistoryProgress />
        <InstallPrompt />
        <Suspense fallback={null}>
          <NotificationPrompt />
        </Suspense>
        {query.trim() !== '' ? (
          <ChunkErrorBoundary>
            {/* Typed before the idle preload finished: the panel's empty, busy frame meanwhile. */}
            <Suspense fallback={<div id="search-results" className="search-results" aria-busy />}>
              <SearchPanel
                id="search-results"
                query={query}
                fieldRef={searchField}
                {...(route.name === 'chat' && route.messageId
                  ? { openMessageId: route.messageId }
                  : {})}
              />
            </Suspense>
          </ChunkErrorBoundary>
        ) : (
          <ChatList
            openConversationId={openConversationId}
            onNewChat={() => setNewChatOpen(true)}
          />
        )}
      </aside>
      <main className="detail" aria-label={route.name === 'settings' ? 'Settings' : 'Conversation'}>
        <Suspense
          fallback={
            <div className="detail__loading" role="status">
              Loading…
            </div>
          }
        >
          {route.name === 'chat' && (
            <ConversationView
              key={route.conversationId}
              conversationId={route.conversationId}
              {...(route.messageId ? { focusMessageId: route.messageId } : {})}
            />
          )}
          {route.name === 'settings' && <SettingsScreen self={self} />}
          {route.name === 'chats' && <EmptyDetail />}
        </Suspense>
      </main>
      <Notices />
      <CallHost />
      <ChunkErrorBoundary>
        <Suspense fallback={null}>
          <PageNotifications {...(openConversationId ? { openConversationId } : {})} />
        </Suspense>
      </ChunkErrorBoundary>
      {newGroupOpen && (
        <ChunkErrorBoundary>
          <Suspense fallback={null}>
            <NewGroupDialog onClose={() => setNewGroupOpen(false)} />
          </Suspense>
        </ChunkErrorBoundary>
      )}
      {newChatOpen && (
        <ChunkErrorBoundary>
          <Suspense fallback={null}>
            <NewChatDialog onClose={() => setNewChatOpen(false)} />
          </Suspense>
        </ChunkErrorBoundary>
      )}
    </div>
  );
}

function EmptyDetail() {
  return (
    <div className="empty-detail">
      <Icon name="lock" size={40} />
      <h2>Parley</h2>
      <p>
        Pick a chat, or start a new one. Messages are end-to-end encrypted: only you and the people
        you talk with can read them.
      </p>
    </div>
  );
}
