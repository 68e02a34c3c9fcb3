import { useSyncExternalStore } from 'react';
import { ParleyError } from '@parley/core';
import { MediaAccessError } from './media-errors.js';

/** The last call failure, in words, until dismissed (shown by the call screen). */
let current: string | null = null;
const listeners = new Set<() => void>();

export function reportCallError(error: unknown): void {
  current = callErrorText(error);
  for (const listener of [...listeners]) listener();
}

export function dismissCallError(): void {
  current = null;
  for (const listener of [...listeners]) listener();
}

export function useCallError(): string | null {
  return useSyncExternalStore(
    (onChange) => {
      listeners.add(onChange);
      return () => listeners.delete(onChange);
    },
    () => current,
  );
}

function callErrorText(error: unknown): string {
  if (error instanceof MediaAccessError) return error.message;
  if (error instanceof ParleyError) {
    switch (error.code) {
      case 'CALL_IN_PROGRESS':
        return 'You are already in a call. Hang up first.';
      case 'CALL_TOO_LARGE':
        return error.message.replace(/^./, (c) => c.toUpperCase()) + '.';
      case 'CALLS_UNSUPPORTED':
        return 'Calls work in the Parley tab that opened first. Switch to that tab to call.';
      default:
        return `The call could not start: ${error.message}.`;
    }
  }
  return `The call could not start: ${error instanceof Error ? error.message : String(error)}.`;
}
