import { useId, type ReactNode } from 'react';
import type { UserAction } from '../errors/describe-error.js';
import { FormDialog } from './FormDialog.js';
import { useSubmission } from './use-submission.js';

interface ConfirmDialogProps {
  title: string;
  /** What is lost, read out with the title (the alert dialog's description). */
  warning: ReactNode;
  confirmLabel: string;
  /** The button's label while `confirm` runs, e.g. "Signing out…". */
  busyLabel: string;
  /** Names the action in an error sentence (describeError). */
  action: UserAction;
  confirm: () => Promise<void>;
  /** False until the person has done what the dialog asks first (e.g. typed their username). */
  ready?: boolean;
  /** What the dialog asks before confirming; given whether the action runs and an error reset. */
  children?: (state: { busy: boolean; clearError: () => void }) => ReactNode;
  onClose: () => void;
}

/** An irreversible action's confirmation: an alert dialog with a warning and a danger button. */
export function ConfirmDialog(props: ConfirmDialogProps) {
  const { busy, error, run, report } = useSubmission(props.action);
  const id = useId();
  return (
    <FormDialog
      id={id}
      title={props.title}
      warning={props.warning}
      error={error}
      submitLabel={props.confirmLabel}
      busyLabel={props.busyLabel}
      busy={busy}
      {...(props.ready === undefined ? {} : { ready: props.ready })}
      onSubmit={() => void run(props.confirm)}
      onClose={props.onClose}
    >
      {props.children?.({ busy, clearError: () => report(null) })}
    </FormDialog>
  );
}
