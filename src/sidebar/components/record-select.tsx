import type { RecordChoice } from '../thread-records';

/** A labelled choice of one of the thread's records (link to…, note on…). */
export function RecordSelect(props: {
  label: string;
  choices: readonly RecordChoice[];
  value: string;
  onChange: (key: string) => void;
  testId: string;
}) {
  return (
    <label>
      {props.label}
      <select
        value={props.value || props.choices[0]?.key}
        onChange={(e) => props.onChange((e.target as HTMLSelectElement).value)}
        data-testid={props.testId}
      >
        {props.choices.map((c) => (
          <option key={c.key} value={c.key}>
            {c.label}
          </option>
        ))}
      </select>
    </label>
  );
}
