import type { FormEvent, ReactNode } from 'react';
import { useModalDialog } from './use-modal-dialog.js';

interface FormDialogProps {
  /** Prefix of the ids inside: `${id}-title`, `${id}-warning`, `${id}-error` (for describedby). */
  id: string;
  title: string;
  /** An irreversible action's dialog: an alert dialog whose warning is its description. */
  warning?: ReactNode;
  /** What went wrong, in words, or null. */
  error: string | null;
  submitLabel: string;
  /** The submit button's label while the action runs, e.g. "Signing out…". */
  busyLabel: string;
  busy: boolean;
  /** False until the person has done what the dialog asks first. */
  ready?: boolean;
  onSubmit: () => void;
  /**
   * A second, milder answer beside the main one (e.g. "Delete for me" beside "Delete for
   * everyone"); the actions then stack, one per row, on every screen.
   */
  alternative?: { label: string; onClick: () => void };
  onClose: () => void;
  children?: ReactNode;
}

/**
 * A modal dialog around one form: title, fields, what went wrong, Cancel and one action (or two,
 * with `alternative`).
 */
export function FormDialog(props: FormDialogProps) {
  const { id, title, warning, error, busy, ready = true, alternative, children } = props;
  const dialogRef = useModalDialog();

  function submit(event: FormEvent) {
    event.preventDefault();
    if (ready && !busy) props.onSubmit();
  }

  return (
    <dialog
      ref={dialogRef}
      className={warning ? 'dialog account-dialog' : 'dialog'}
      role={warning ? 'alertdialog' : undefined}
      aria-labelledby={`${id}-title`}
      aria-describedby={warning ? `${id}-warning` : undefined}
      onClose={props.onClose}
    >
      <form onSubmit={submit} noValidate>
        <h2 id={`${id}-title`}>{title}</h2>
        {warning && (
          <div id={`${id}-warning`} className="account-dialog__warning">
            {warning}
          </div>
        )}
        {children}
        {error && (
          <p id={`${id}-error`} className="field-error" role="alert">
            {error}
          </p>
        )}
        <div className={alternative ? 'dialog__actions dialog__actions--stack' : 'dialog__actions'}>
          <button type="button" className="button" onClick={() => dialogRef.current?.close()}>
            Cancel
          </button>
          {alternative && (
            <button
              type="button"
              className="button"
              disabled={busy}
              onClick={() => alternative.onClick()}
            >
              {alternative.label}
            </button>
          )}
          <button
            type="submit"
            className={warning ? 'button button--danger' : 'button button--primary'}
            disabled={!ready || busy}
          >
            {busy ? props.busyLabel : props.submitLabel}
          </button>
        </div>
      </form>
    </dialog>
  );
}
