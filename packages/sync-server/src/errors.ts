import { ErrorCode, type MismatchedDevices } from '@parley/protocol';

/** HTTP status for each relay error code (docs/relay-api.md, "HTTP routes"). */
const httpStatusByCode: Record<ErrorCode, number> = {
  [ErrorCode.UNSPECIFIED]: 500,
  [ErrorCode.MALFORMED]: 400,
  [ErrorCode.TOO_LARGE]: 413,
  [ErrorCode.UNAUTHENTICATED]: 401,
  [ErrorCode.FORBIDDEN]: 403,
  [ErrorCode.NOT_FOUND]: 404,
  [ErrorCode.USERNAME_TAKEN]: 409,
  [ErrorCode.MISMATCHED_DEVICES]: 409,
  [ErrorCode.CONFLICT]: 409,
  [ErrorCode.UNAVAILABLE]: 503,
  [ErrorCode.INTERNAL]: 500,
  [ErrorCode.RATE_LIMITED]: 429,
  [ErrorCode.QUOTA_EXCEEDED]: 413,
};

/** A failure the relay reports to the client with a stable code; anything else is INTERNAL. */
export class RelayError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Machine-readable detail for sends: MISMATCHED_DEVICES and unknown accounts. */
    readonly details: {
      mismatchedDevices?: MismatchedDevices[];
      unknownAccounts?: string[];
      /** With RATE_LIMITED: milliseconds until a retry can pass. */
      retryAfterMs?: number;
    } = {},
  ) {
    super(message);
    this.name = 'RelayError';
  }

  get httpStatus(): number {
    return httpStatusByCode[this.code];
  }

  /** The code as it appears in HTTP bodies: the enum name without its ERROR_CODE_ prefix. */
  get codeName(): string {
    return ErrorCode[this.code];
  }
}
