/** The sender-key failures that carry a distribution id, shaped as the native bridge shapes them. */
import { protocolError, type LibSignalErrorBase } from '../error.js';

/** InvalidSenderKeySession (code 8), with `distribution_id` set like native's extra property. */
export function invalidSenderKeySession(
  operation: string,
  distributionId: string,
): LibSignalErrorBase {
  return protocolError(
    'InvalidSenderKeySession',
    operation,
    `invalid sender key session with distribution ID ${distributionId}`,
    { distribution_id: distributionId },
  );
}

/** NoSenderKeyState (Generic): no record, or no state for the message's chain id. */
export function noSenderKeyState(operation: string, distributionId: string): LibSignalErrorBase {
  return protocolError(
    'NoSenderKeyState',
    operation,
    `missing sender key state for distribution ID ${distributionId}`,
  );
}
