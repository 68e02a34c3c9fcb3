import { useEffect, useMemo, useState } from 'react';
import { describeError } from '../errors/describe-error.js';
import { useMessenger, useObservable } from '../messenger/messenger-context.js';
import type { AttachmentPointer, TransferView } from '../messenger/types.js';

export interface AttachmentState {
  /** An object URL of the decrypted file once this device has it. */
  url?: string;
  /** The download in progress, if any. */
  transfer?: TransferView;
  error?: string;
  download(): void;
}

/**
 * One attachment's local state: its cached file (as an object URL), its download progress, and
 * a download started by `auto` or by calling `download()`.
 */
export function useAttachment(pointer: AttachmentPointer, auto: boolean): AttachmentState {
  const messenger = useMessenger();
  const transfers = useObservable(messenger.transfers);
  const transfer = useMemo(
    () => transfers.find((t) => t.id === pointer.blobId && t.direction === 'download'),
    [transfers, pointer.blobId],
  );
  const [bytes, setBytes] = useState<Uint8Array<ArrayBuffer>>();
  const [error, setError] = useState<string>();
  /** Taps on "Download" (a retry after a failure is one more). */
  const [taps, setTaps] = useState(0);

  useEffect(() => {
    let live = true;
    const load =
      taps > 0 || auto ? messenger.openAttachment(pointer) : messenger.cachedAttachment(pointer);
    load.then(
      (found) => live && found && setBytes(found),
      (cause: unknown) => live && setError(describeError(cause, 'download')),
    );
    return () => {
      live = false;
    };
  }, [messenger, pointer, taps, auto]);

  const url = useMemo(
    () =>
      bytes ? URL.createObjectURL(new Blob([bytes], { type: pointer.contentType })) : undefined,
    [bytes, pointer.contentType],
  );
  useEffect(
    () => () => {
      if (url) URL.revokeObjectURL(url);
    },
    [url],
  );

  return {
    ...(url ? { url } : {}),
    ...(transfer ? { transfer } : {}),
    ...(error ? { error } : {}),
    download: () => {
      setError(undefined);
      setTaps((n) => n + 1);
    },
  };
}
