/**
 * What happened when a party processed an incoming message, in engine-neutral terms, so that a
 * case can demand the same outcome from either engine (libsignal's error codes, as
 * LibSignalErrorBase carries them in `code`).
 */
import type { SignalApi } from './engine.js';

export type ErrorKind =
  | 'duplicate'
  | 'untrusted-identity'
  | 'invalid-session'
  | 'invalid-sender-key-session'
  | 'invalid-registration-id'
  | 'verification-failed'
  | 'invalid-protocol-address'
  /** libsignal's Generic code: bad MAC, bad encoding, bad signature, limits exceeded... */
  | 'invalid'
  /** Not a libsignal-style error at all (TypeError, RangeError...): a crash on bad input. */
  | 'crash';

export type Outcome<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly kind: ErrorKind; readonly message: string };

export function errorKind(api: SignalApi, error: unknown): ErrorKind {
  const code = (error as { code?: unknown } | null)?.code;
  if (!(error instanceof Error) || typeof code !== 'number') return 'crash';
  const codes = api.ErrorCode;
  switch (code) {
    case codes.DuplicatedMessage:
      return 'duplicate';
    case codes.UntrustedIdentity:
      return 'untrusted-identity';
    case codes.InvalidSession:
      return 'invalid-session';
    case codes.InvalidSenderKeySession:
      return 'invalid-sender-key-session';
    case codes.InvalidRegistrationId:
      return 'invalid-registration-id';
    case codes.VerificationFailed:
      return 'verification-failed';
    case codes.InvalidProtocolAddress:
      return 'invalid-protocol-address';
    case codes.Generic:
      return 'invalid';
    default:
      return 'crash';
  }
}

/** Runs `action` and reports its value or the kind of libsignal error it threw. */
export async function outcomeOf<T>(api: SignalApi, action: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await action() };
  } catch (error) {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return { ok: false, kind: errorKind(api, error), message };
  }
}

/** A short, stable description for assertion messages and differential comparisons. */
export function describeOutcome(outcome: Outcome<unknown>): string {
  return outcome.ok ? 'ok' : outcome.kind;
}
