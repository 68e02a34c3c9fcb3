import { ErrorCode } from '@parley/protocol';
import { RelayError } from '../errors.js';

/** The refusal of a name whose skeleton (usernameSkeleton) an account already holds. */
export function usernameTaken(): RelayError {
  return new RelayError(
    ErrorCode.USERNAME_TAKEN,
    'username is taken, or too like one that is (separators and look-alike characters count as the same)',
  );
}
