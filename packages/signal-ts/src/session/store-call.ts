/**
 * Store callbacks are application code: whatever they throw reaches the caller as a libsignal
 * error, as the native bridge reports it ("error in method call 'x': ..."), so both engines fail
 * the same way (code Generic) when, say, a prekey is missing from the store.
 */
import { LibSignalErrorBase, protocolError } from '../error.js';

export async function callStore<T>(
  operation: string,
  method: string,
  call: () => Promise<T>,
): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof LibSignalErrorBase) throw error;
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : 'unknown error';
    throw protocolError('InvalidState', operation, `error in method call '${method}': ${reason}`);
  }
}
