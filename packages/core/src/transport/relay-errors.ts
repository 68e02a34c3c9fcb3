export interface MismatchedDevices {
  accountId: string;
  missingDevices: number[];
  extraDevices: number[];
}

/** A failure reported by the relay, with its stable error code (docs/relay-api.md). */
export class RelayError extends Error {
  override readonly name = 'RelayError';
  /** With MISMATCHED_DEVICES: how each named account's device set differs. */
  readonly mismatchedDevices: MismatchedDevices[];
  /** With NOT_FOUND on a send: destination accounts that do not exist. */
  readonly unknownAccounts: string[];
  /** With RATE_LIMITED: milliseconds before a retry can pass (0 when the relay gave none). */
  readonly retryAfterMs: number;
  constructor(
    /** The relay's code without the ERROR_CODE_ prefix, e.g. "USERNAME_TAKEN"; "UNREACHABLE" when no answer came. */
    readonly code: string,
    /** HTTP status, or 0 for WebSocket and network failures. */
    readonly status: number,
    message: string,
    details: {
      mismatchedDevices?: MismatchedDevices[];
      unknownAccounts?: string[];
      retryAfterMs?: number;
    } = {},
  ) {
    super(message);
    this.mismatchedDevices = details.mismatchedDevices ?? [];
    this.unknownAccounts = details.unknownAccounts ?? [];
    this.retryAfterMs = details.retryAfterMs ?? 0;
  }
}

export function relayUnreachable(cause: unknown): RelayError {
  const error = new RelayError(
    'UNREACHABLE',
    0,
    `relay unreachable: ${String((cause as Error)?.message ?? cause)}`,
  );
  error.cause = cause;
  return error;
}
