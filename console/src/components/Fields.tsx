/** Input fields that appear in several forms, with their labels and constraints in one place. */

/** Latchkey's identity description rule (VSPC): 1–128 characters without < > =. */
const DESCRIPTION_PATTERN = '[^<>=]+';

interface FieldProps {
  id: string;
  value: string;
  onChange: (value: string) => void;
}

/** A six-digit one-time code; non-digits are dropped as they are typed. */
export function CodeField({ id, value, onChange, autoFocus }: FieldProps & { autoFocus?: boolean }) {
  return (
    <>
      <label htmlFor={id}>6-digit code</label>
      <input
        id={id}
        className="short"
        inputMode="numeric"
        autoComplete="one-time-code"
        pattern="\d{6}"
        maxLength={6}
        required
        autoFocus={autoFocus}
        value={value}
        onChange={(e) => onChange(e.target.value.replace(/\D/g, ''))}
      />
    </>
  );
}

/** An identity's description. */
export function DescriptionField({ id, value, onChange, placeholder }: FieldProps & { placeholder?: string }) {
  return (
    <>
      <label htmlFor={id}>Description</label>
      <input
        id={id}
        required
        maxLength={128}
        pattern={DESCRIPTION_PATTERN}
        title="1–128 characters, without < > ="
        placeholder={placeholder}
        value={value}
        onChange={(e) => onChange(e.target.value)}
      />
    </>
  );
}
