export type {
  AwayInvite,
  AwayRinger,
  CallMedia,
  CallNetwork,
  CallOutcome,
  CallParticipantView,
  CallPeers,
  CallPhase,
  CallRecord,
  CallsApi,
  CallView,
  PeerLink,
  PeerLinkHandlers,
  PeerSignal,
} from './types.js';
export { MAX_CALL_PARTICIPANTS, RING_TIMEOUT_MS, INVITE_MAX_AGE_MS } from './limits.js';
export { callEntryText, formatCallDuration } from './call-entry.js';
