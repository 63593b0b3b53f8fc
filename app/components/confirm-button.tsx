import { type ReactNode, useId, useRef } from "react";

interface ConfirmButtonProps {
  /** the button's own label, e.g. "Revoke" */
  children: ReactNode;
  /** the question, e.g. "Revoke the key “ci”?" */
  title: string;
  /** what happens if they go ahead */
  description?: string;
  /** the dialog's go-ahead button, e.g. "Revoke key" */
  confirmLabel: string;
  name?: string;
  value?: string;
  className?: string;
  disabled?: boolean;
}

/**
 * A submit button for a destructive action that asks first, in a native modal <dialog> (focus
 * kept inside, Escape cancels, focus back on the button after). Put it inside the <Form> it
 * submits: on "go ahead" the form is submitted with this button as submitter, so its name and
 * value reach the action. Without JavaScript it is a plain submit button.
 * @example <ConfirmButton title="Remove Mia?" confirmLabel="Remove">Remove</ConfirmButton>
 */
export function ConfirmButton({
  children,
  title,
  description,
  confirmLabel,
  name,
  value,
  className = "danger",
  disabled,
}: ConfirmButtonProps) {
  const trigger = useRef<HTMLButtonElement>(null);
  const dialog = useRef<HTMLDialogElement>(null);
  const id = useId();
  return (
    <>
      <button
        ref={trigger}
        type="submit"
        name={name}
        value={value}
        className={className}
        disabled={disabled}
        onClick={(event) => {
          if (!dialog.current?.showModal) return;
          event.preventDefault();
          dialog.current.showModal();
        }}
      >
        {children}
      </button>
      <dialog
        ref={dialog}
        className="confirm"
        aria-labelledby={`${id}-title`}
        aria-describedby={description ? `${id}-description` : undefined}
      >
        <h2 id={`${id}-title`}>{title}</h2>
        {description ? (
          <p id={`${id}-description`} className="muted">
            {description}
          </p>
        ) : null}
        <div className="row">
          <button type="button" className="secondary" onClick={() => dialog.current?.close()}>
            Cancel
          </button>
          <button
            type="button"
            className="danger"
            onClick={() => {
              dialog.current?.close();
              const button = trigger.current;
              button?.form?.requestSubmit(button);
            }}
          >
            {confirmLabel}
          </button>
        </div>
      </dialog>
    </>
  );
}
