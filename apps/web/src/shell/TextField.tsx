import type { InputHTMLAttributes, ReactNode } from 'react';

type InputProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'value' | 'onChange'>;

interface TextFieldProps extends InputProps {
  id: string;
  label: ReactNode;
  value: string;
  onChange: (value: string) => void;
  /** Shown inside the field before the text and not read out, e.g. "@" before a username. */
  prefix?: string;
  /** Usernames and the like: no capitals, autocorrect, spelling marks or autofill. */
  verbatim?: boolean;
  invalid?: boolean;
}

const verbatimInput = {
  autoCapitalize: 'none',
  autoCorrect: 'off',
  spellCheck: false,
  autoComplete: 'off',
} as const;

/** A form row: a label above a one-line text input (styles/base.css). */
export function TextField(props: TextFieldProps) {
  const { id, label, value, onChange, prefix, verbatim, invalid, ...rest } = props;
  const input = (
    <input
      id={id}
      className={prefix ? undefined : 'input'}
      value={value}
      onChange={(event) => onChange(event.target.value)}
      aria-invalid={invalid ? true : undefined}
      {...(verbatim ? verbatimInput : {})}
      {...rest}
    />
  );
  return (
    <>
      <label htmlFor={id} className="field-label">
        {label}
      </label>
      {prefix ? (
        <div className={invalid ? 'input-with-prefix input--invalid' : 'input-with-prefix'}>
          <span aria-hidden="true">{prefix}</span>
          {input}
        </div>
      ) : (
        input
      )}
    </>
  );
}
