/**
 * The rows every settings page is built from: a label, a description the control names in
 * aria-describedby, and, when an admin policy decides the value, the control disabled in place with
 * a visible "Set by your administrator" note (also named by aria-describedby).
 */
import type { ComponentChildren } from 'preact';
import { LockedBadge } from './locked-badge';

interface RowBase {
  /** The control's id; the description and the lock note derive theirs from it. */
  id: string;
  label: string;
  description?: string;
  /** Set by the admin policy: the control is disabled and says so. */
  locked?: boolean;
  /** The setting's name (`data-setting`), so a test or a reader can find the row of a setting. */
  setting?: string;
  testId?: string;
}

const describedBy = ({ id, description, locked }: RowBase): string | undefined =>
  [description === undefined ? null : `${id}-desc`, locked ? `${id}-lock` : null]
    .filter((v): v is string => v !== null)
    .join(' ') || undefined;

function RowText({ id, description, locked }: RowBase) {
  return (
    <>
      {description !== undefined && (
        <p class="row-desc" id={`${id}-desc`}>
          {description}
        </p>
      )}
      {locked && <LockedBadge id={`${id}-lock`} />}
    </>
  );
}

function Row(props: RowBase & { kind: string; children: ComponentChildren }) {
  return (
    <div
      class={`row row-${props.kind}`}
      data-setting={props.setting}
      data-locked={props.locked ? 'true' : undefined}
    >
      {props.children}
    </div>
  );
}

/** A switch (a checkbox with role="switch") with its label beside it, never above it. */
export function SwitchRow(props: RowBase & { checked: boolean; onChange: (checked: boolean) => void }) {
  return (
    <Row {...props} kind="switch">
      <input
        type="checkbox"
        role="switch"
        aria-checked={props.checked}
        class="switch"
        id={props.id}
        checked={props.checked}
        disabled={props.locked}
        aria-describedby={describedBy(props)}
        onChange={(e) => props.onChange((e.target as HTMLInputElement).checked)}
        data-testid={props.testId}
      />
      <div class="row-text">
        <label for={props.id} class="row-label">
          {props.label}
        </label>
        <RowText {...props} />
      </div>
    </Row>
  );
}

export interface SelectOption {
  value: string;
  label: string;
}

export function SelectRow(
  props: RowBase & { value: string; options: readonly SelectOption[]; onChange: (value: string) => void },
) {
  return (
    <Row {...props} kind="field">
      <label for={props.id} class="row-label">
        {props.label}
      </label>
      <RowText {...props} />
      <select
        id={props.id}
        value={props.value}
        disabled={props.locked}
        aria-describedby={describedBy(props)}
        onChange={(e) => props.onChange((e.target as HTMLSelectElement).value)}
        data-testid={props.testId}
      >
        {props.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </Row>
  );
}

export function TextFieldRow(
  props: RowBase & {
    value: string;
    onInput: (value: string) => void;
    type?: 'text' | 'email' | 'password' | 'url';
    inputMode?: 'numeric' | 'email' | 'url';
    autoComplete?: string;
  },
) {
  return (
    <Row {...props} kind="field">
      <label for={props.id} class="row-label">
        {props.label}
      </label>
      <RowText {...props} />
      <input
        id={props.id}
        type={props.type ?? 'text'}
        inputMode={props.inputMode}
        autoComplete={props.autoComplete}
        value={props.value}
        disabled={props.locked}
        aria-describedby={describedBy(props)}
        onInput={(e) => props.onInput((e.target as HTMLInputElement).value)}
        data-testid={props.testId}
      />
    </Row>
  );
}

/** A value only an admin can set (no control for the user): shown with its lock note. */
export function ReadOnlyRow(props: RowBase & { value: string }) {
  return (
    <Row {...props} kind="readonly" locked>
      <span class="row-label" id={`${props.id}-label`}>
        {props.label}
      </span>
      <output id={props.id} class="row-value" aria-labelledby={`${props.id}-label`}>
        {props.value}
      </output>
      <RowText {...props} locked />
    </Row>
  );
}
