import { create, toBinary } from '@bufbuild/protobuf';
import {
  CallDescription_Type,
  CallSignalSchema,
  ContentSchema,
  type CallSignal,
} from '@parley/protocol';
import { MAX_CALL_PARTICIPANTS, MAX_CANDIDATE_LENGTH, MAX_SDP_LENGTH } from './limits.js';

/**
 * Call signalling as Content (packages/protocol content.proto, CallSignal): the builders and
 * the checks every received signal passes before the call logic sees it.
 */

/** What a signal says, as the call logic reads it. */
export type SignalKind =
  | { case: 'invite'; video: boolean; participants: string[] }
  | { case: 'join' }
  | { case: 'description'; type: 'offer' | 'answer'; sdp: string }
  | { case: 'iceCandidate'; candidate: string; sdpMid: string; sdpMLineIndex: number }
  | { case: 'ringing' }
  | { case: 'busy' }
  | { case: 'decline' }
  | { case: 'hangup' }
  /** The caller gave up unanswered; kept in mailboxes, unlike the others (CallMissed). */
  | { case: 'missed'; video: boolean };

export interface OutgoingSignal {
  callId: string;
  conversationId: string;
  /** `accountId.deviceId` of the one device meant, or undefined for every recipient device. */
  toDevice?: string;
  kind: SignalKind;
}

export interface ReceivedSignal extends OutgoingSignal {
  /** The sender's clock when it was created (Content.created_at). */
  createdAt: number;
}

const CALL_ID = /^[0-9a-f-]{8,64}$/;

export function callSignalContent(signal: OutgoingSignal): Uint8Array<ArrayBuffer> {
  const value = create(CallSignalSchema, {
    callId: signal.callId,
    conversationId: signal.conversationId,
    toDevice: signal.toDevice ?? '',
    kind: wireKind(signal.kind),
  });
  return toBinary(
    ContentSchema,
    create(ContentSchema, {
      body: { case: 'callSignal', value },
      createdAt: BigInt(Date.now()),
    }),
  ) as Uint8Array<ArrayBuffer>;
}

function wireKind(kind: SignalKind): CallSignal['kind'] {
  const empty = <T extends string>(typeName: T) => ({ $typeName: typeName });
  switch (kind.case) {
    case 'invite':
      return {
        case: 'invite',
        value: {
          $typeName: 'parley.content.v1.CallInvite',
          video: kind.video,
          participants: kind.participants,
        },
      };
    case 'description':
      return {
        case: 'description',
        value: {
          $typeName: 'parley.content.v1.CallDescription',
          type: kind.type === 'offer' ? CallDescription_Type.OFFER : CallDescription_Type.ANSWER,
          sdp: kind.sdp,
        },
      };
    case 'iceCandidate':
      return {
        case: 'iceCandidate',
        value: {
          $typeName: 'parley.content.v1.CallIceCandidate',
          candidate: kind.candidate,
          sdpMid: kind.sdpMid,
          sdpMLineIndex: kind.sdpMLineIndex,
        },
      };
    case 'join':
      return { case: 'join', value: empty('parley.content.v1.CallJoin') };
    case 'ringing':
      return { case: 'ringing', value: empty('parley.content.v1.CallRinging') };
    case 'busy':
      return { case: 'busy', value: empty('parley.content.v1.CallBusy') };
    case 'decline':
      return { case: 'decline', value: empty('parley.content.v1.CallDecline') };
    case 'hangup':
      return { case: 'hangup', value: empty('parley.content.v1.CallHangup') };
    case 'missed':
      return {
        case: 'missed',
        value: { $typeName: 'parley.content.v1.CallMissed', video: kind.video },
      };
  }
}

/** The signal as the call logic reads it, or a reason to drop it (a bug or a hostile peer). */
export function readSignal(signal: CallSignal, createdAt: number): ReceivedSignal | string {
  if (!CALL_ID.test(signal.callId)) return 'malformed call id';
  const base = {
    callId: signal.callId,
    conversationId: signal.conversationId,
    ...(signal.toDevice ? { toDevice: signal.toDevice } : {}),
    createdAt,
  };
  const kind = signal.kind;
  switch (kind.case) {
    case 'invite':
      if (kind.value.participants.length > MAX_CALL_PARTICIPANTS - 1)
        return 'too many participants';
      return {
        ...base,
        kind: { case: 'invite', video: kind.value.video, participants: kind.value.participants },
      };
    case 'description': {
      const type =
        kind.value.type === CallDescription_Type.OFFER
          ? 'offer'
          : kind.value.type === CallDescription_Type.ANSWER
            ? 'answer'
            : undefined;
      if (!type) return 'description without type';
      if (kind.value.sdp.length > MAX_SDP_LENGTH) return 'SDP too long';
      return { ...base, kind: { case: 'description', type, sdp: kind.value.sdp } };
    }
    case 'iceCandidate':
      if (kind.value.candidate.length > MAX_CANDIDATE_LENGTH) return 'ICE candidate too long';
      return {
        ...base,
        kind: {
          case: 'iceCandidate',
          candidate: kind.value.candidate,
          sdpMid: kind.value.sdpMid,
          sdpMLineIndex: kind.value.sdpMLineIndex,
        },
      };
    case 'join':
    case 'ringing':
    case 'busy':
    case 'decline':
    case 'hangup':
      return { ...base, kind: { case: kind.case } };
    case 'missed':
      return { ...base, kind: { case: 'missed', video: kind.value.video } };
    default:
      return 'unknown call signal';
  }
}
