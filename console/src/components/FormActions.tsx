interface FormActionsProps {
  busy: boolean;
  /** The submit button's label, and the one it shows while the action runs. */
  submit: string;
  busyLabel?: string;
  cancel?: string;
  onCancel: () => void;
}

/** A form's submit-and-cancel row; both buttons are disabled while the form's action runs. */
export function FormActions({ busy, submit, busyLabel = submit, cancel = 'Cancel', onCancel }: FormActionsProps) {
  return (
    <div className="actions">
      <button type="submit" className="primary" disabled={busy}>
        {busy ? busyLabel : submit}
      </button>
      <button type="button" onClick={onCancel} disabled={busy}>
        {cancel}
      </button>
    </div>
  );
}
