/**
 * The engine's one closed set of errors, shaped like libsignal-client 0.103's `LibSignalErrorBase`.
 *
 * Callers of either engine check `err.code === ErrorCode.X` (or `LibSignalErrorBase.is(err, X)`)
 * and get the same answer: `ErrorCode` carries libsignal's numeric values, and each failure maps to
 * the code the native bridge gives it (rust/bridge/shared/types/src/node/error.rs). Like native,
 * most protocol failures (bad MAC, bad protobuf, bad key, forged signature) are `Generic`; the finer
 * reason is kept in `kind` (libsignal's `SignalProtocolError` variant name), which native lacks, so
 * portable callers must not depend on it.
 *
 * Messages never contain key material: only lengths, ids, type bytes and addresses.
 */

/**
 * The peer an error names, by the shape errors use: address.ts's ProtocolAddress is one. Declared
 * here so that errors need nothing from address.ts, which itself throws these errors.
 */
export interface ErrorAddress {
  name(): string;
  deviceId(): number;
  toString(): string;
}

/** libsignal-client's ErrorCode values for the protocol subset (Errors.d.ts, same numbers). */
export enum ErrorCode {
  Generic = 0,
  DuplicatedMessage = 1,
  SealedSenderSelfSend = 2,
  UntrustedIdentity = 3,
  InvalidRegistrationId = 4,
  InvalidProtocolAddress = 5,
  VerificationFailed = 6,
  InvalidSession = 7,
  InvalidSenderKeySession = 8,
}

/** Why an operation failed: the names of libsignal's `SignalProtocolError` variants we can raise. */
export type ProtocolErrorKind =
  | 'InvalidArgument'
  | 'InvalidState'
  | 'InvalidProtobufEncoding'
  | 'CiphertextMessageTooShort'
  | 'LegacyCiphertextVersion'
  | 'UnrecognizedCiphertextVersion'
  | 'UnrecognizedMessageVersion'
  | 'FingerprintVersionMismatch'
  | 'FingerprintParsingError'
  | 'NoKeyTypeIdentifier'
  | 'BadKeyType'
  | 'BadKeyLength'
  | 'SignatureValidationFailed'
  | 'UntrustedIdentity'
  | 'InvalidPreKeyId'
  | 'InvalidSignedPreKeyId'
  | 'InvalidKyberPreKeyId'
  | 'NoSenderKeyState'
  | 'InvalidProtocolAddress'
  | 'SessionNotFound'
  | 'InvalidSessionStructure'
  | 'InvalidSenderKeySession'
  | 'InvalidRegistrationId'
  | 'DuplicatedMessage'
  | 'InvalidMessage'
  | 'InvalidKeyAgreement'
  | 'SealedSenderSelfSend'
  | 'BadKEMKeyType'
  | 'WrongKEMKeyType'
  | 'BadKEMKeyLength'
  | 'BadKEMCiphertextLength';

/** The code each kind carries, as the native bridge assigns it; unlisted kinds are Generic. */
const CODE_OF_KIND: Partial<Record<ProtocolErrorKind, ErrorCode>> = {
  DuplicatedMessage: ErrorCode.DuplicatedMessage,
  SealedSenderSelfSend: ErrorCode.SealedSenderSelfSend,
  UntrustedIdentity: ErrorCode.UntrustedIdentity,
  InvalidRegistrationId: ErrorCode.InvalidRegistrationId,
  InvalidProtocolAddress: ErrorCode.InvalidProtocolAddress,
  InvalidSessionStructure: ErrorCode.InvalidSession,
  InvalidSenderKeySession: ErrorCode.InvalidSenderKeySession,
};

export class LibSignalErrorBase extends Error {
  readonly code: ErrorCode;
  readonly operation: string;
  /** Finer reason than `code` (signal-ts only; native has no equivalent). */
  readonly kind: ProtocolErrorKind | undefined;
  readonly _addr?: string | ErrorAddress;

  /** Same parameters as libsignal's constructor; `name` is an ErrorCode key. */
  constructor(
    message: string,
    name: keyof typeof ErrorCode | undefined,
    operation: string,
    extraProps?: Record<string, unknown>,
  ) {
    super(message);
    if (name !== undefined && name in ErrorCode) {
      this.name = name;
      this.code = ErrorCode[name];
    } else {
      this.name = 'LibSignalError';
      this.code = ErrorCode.Generic;
    }
    this.operation = operation;
    this.kind = undefined;
    if (extraProps !== undefined) Object.assign(this, extraProps);
  }

  /** The peer concerned: a name for UntrustedIdentity, an address for InvalidRegistrationId. */
  get addr(): ErrorAddress | string {
    if (
      (this.code === ErrorCode.UntrustedIdentity ||
        this.code === ErrorCode.InvalidRegistrationId) &&
      this._addr !== undefined
    ) {
      return this._addr;
    }
    throw new TypeError(`cannot get address from this error (${this.toString()})`);
  }

  override toString(): string {
    return `${this.name} - ${this.operation}: ${this.message}`;
  }

  is<E extends ErrorCode>(code: E): this is LibSignalErrorBase & { code: E } {
    return this.code === code;
  }

  static is<E extends ErrorCode>(
    error: unknown,
    code: E,
  ): error is LibSignalErrorBase & { code: E } {
    return error instanceof LibSignalErrorBase && error.is(code);
  }
}

/**
 * Builds the error for one failure (internal: every module of the engine throws through this).
 * `detail` is appended to the message; it must never contain key material.
 */
export function protocolError(
  kind: ProtocolErrorKind,
  operation: string,
  detail: string,
  extraProps?: Record<string, unknown>,
): LibSignalErrorBase {
  const code = CODE_OF_KIND[kind] ?? ErrorCode.Generic;
  const name = code === ErrorCode.Generic ? undefined : (ErrorCode[code] as keyof typeof ErrorCode);
  return new LibSignalErrorBase(detail, name, operation, { ...extraProps, kind });
}

/** UntrustedIdentity for `address`, with `addr` set to its name as native does. */
export function untrustedIdentityError(
  operation: string,
  address: ErrorAddress,
): LibSignalErrorBase {
  return protocolError(
    'UntrustedIdentity',
    operation,
    `untrusted identity for address ${address.toString()}`,
    {
      _addr: address.name(),
    },
  );
}
