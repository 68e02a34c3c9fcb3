import { useState } from 'react';
import { describeError, type UserAction } from '../errors/describe-error.js';

/**
 * A dialog's one action: busy while it runs, and what went wrong in words. After success it
 * stays busy: the dialog is about to close or the app to leave the screen, and re-enabling the
 * button meanwhile would invite a second submit.
 */
export function useSubmission(action: UserAction) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function run(task: () => Promise<void>): Promise<void> {
    setBusy(true);
    setError(null);
    try {
      await task();
    } catch (cause) {
      setError(describeError(cause, action));
      setBusy(false);
    }
  }

  /** A problem found before anything was sent (e.g. an invalid username), or none. */
  const report = (problem: string | null) => setError(problem);
  return { busy, error, run, report };
}
