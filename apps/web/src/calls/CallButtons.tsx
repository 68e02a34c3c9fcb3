import { MAX_CALL_PARTICIPANTS, type CallMedia } from '@parley/core';
import type { ConversationView } from '../messenger/types.js';
import { Icon } from '../shell/Icon.js';
import { reportCallError } from './call-error.js';
import { useCall } from './use-call.js';

/** Voice and video call buttons of a chat's header. */
export function CallButtons({ conversation }: { conversation: ConversationView }) {
  const { calls, call } = useCall();
  if (!calls || conversation.request || conversation.peerDeleted) return null;
  const tooLarge =
    conversation.kind === 'group' && (conversation.memberCount ?? 0) > MAX_CALL_PARTICIPANTS;
  const busy = call !== null;
  const start = (media: CallMedia) => {
    calls.start(conversation.id, media).catch(reportCallError);
  };
  const title = tooLarge
    ? `Group calls take at most ${MAX_CALL_PARTICIPANTS} people`
    : busy
      ? 'You are in a call'
      : undefined;
  return (
    <>
      <button
        type="button"
        className="icon-button"
        aria-label={`Voice call with ${conversation.title}`}
        title={title}
        disabled={tooLarge || busy}
        onClick={() => start('audio')}
      >
        <Icon name="phone" />
      </button>
      <button
        type="button"
        className="icon-button"
        aria-label={`Video call with ${conversation.title}`}
        title={title}
        disabled={tooLarge || busy}
        onClick={() => start('video')}
      >
        <Icon name="video" />
      </button>
    </>
  );
}
