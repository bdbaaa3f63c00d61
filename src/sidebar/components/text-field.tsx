/** A labelled text input bound to a string: the sidebar's forms are made of these. */
export function TextField(props: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  maxLength?: number;
  inputMode?: 'text' | 'tel' | 'email';
  testId?: string;
}) {
  return (
    <label>
      {props.label}
      <input
        value={props.value}
        onInput={(e) => props.onChange((e.target as HTMLInputElement).value)}
        maxLength={props.maxLength ?? 500}
        inputMode={props.inputMode ?? 'text'}
        data-testid={props.testId}
      />
    </label>
  );
}
