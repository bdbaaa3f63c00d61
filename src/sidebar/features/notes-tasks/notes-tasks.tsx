import { useState } from 'preact/hooks';
import { findProhibitedData, redactProhibitedData } from '../../../shared/prohibited-data';
import { formatDate } from '../../../ui/format';
import { t } from '../../../ui/i18n';
import { ActionStatus, useAction } from '../../../ui/use-action';
import { actionIds } from '../../action-ids';
import { RecordSelect } from '../../components/record-select';
import { prohibitedLabel } from '../../prohibited-label';
import { ask } from '../../sidebar-api';
import { refOfKey, threadRecords } from '../../thread-records';
import { useSidebarStore } from '../../use-sidebar-store';

/** `yyyy-mm-dd` from a date input → unix seconds at local noon (stable across time zones). */
const dueFromInput = (value: string): number | null => {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  return m ? Math.floor(new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), 12).getTime() / 1000) : null;
};

/**
 * Notes and tasks on the thread's records. Notes pass the prohibited-data guard as you type (the
 * worker checks again): what kind was found is shown, and "Remove it" redacts it in one click.
 */
export function NotesTasks() {
  const account = useSidebarStore((s) => s.thread?.account ?? null);
  const threadId = useSidebarStore((s) => s.thread?.thread?.threadId ?? null);
  const cards = useSidebarStore((s) => s.cards?.contacts ?? null);
  const extras = useSidebarStore((s) => s.extras?.extras ?? null);
  const [recordKey, setRecordKey] = useState('');
  const [note, setNote] = useState('');
  const [taskName, setTaskName] = useState('');
  const [due, setDue] = useState('');
  const [high, setHigh] = useState(false);
  const { message, error, run } = useAction();
  const [toggled, setToggled] = useState<Record<number, boolean>>({});
  const [acknowledged, setAcknowledged] = useState(false);

  if (!account || !cards || !extras) return null;
  const choices = threadRecords(cards, extras);
  if (choices.length === 0) return null;
  const record = refOfKey(choices, recordKey) ?? choices[0]?.ref ?? null;
  const mode = extras.settings.prohibitedDataMode;
  const findings = mode === 'off' ? [] : findProhibitedData(note);

  const saveNote = async (event: Event) => {
    event.preventDefault();
    if (!record || note.trim() === '') return;
    // What the user typed and chose; the record defaults to the thread's first.
    const typed = { account, threadId, recordKey, text: note.trim() };
    const saving = actionIds.pin('note', typed, { account, record, text: note.trim() });
    const answer = await run(
      () =>
        ask('addNote', {
          ...saving.body,
          actionId: saving.id,
          ...(acknowledged ? { acknowledgeProhibited: true } : {}),
        }),
      t('noteSaved'),
    );
    if (answer?.ok && actionIds.done('note', saving.id)) {
      setNote('');
      setAcknowledged(false);
    }
  };
  const saveTask = async (event: Event) => {
    event.preventDefault();
    if (taskName.trim() === '') return;
    const typed = { account, threadId, recordKey, taskName: taskName.trim(), due, high };
    const saving = actionIds.pin('task', typed, {
      account,
      name: taskName.trim(),
      related: record,
      dueDate: dueFromInput(due),
      priority: high ? ('High' as const) : ('None' as const),
    });
    const answer = await run(
      () => ask('createTask', { ...saving.body, actionId: saving.id }),
      t('taskAdded'),
    );
    if (answer?.ok && actionIds.done('task', saving.id)) {
      setTaskName('');
      setDue('');
      setHigh(false);
    }
  };
  const toggle = (taskId: number, completed: boolean) => {
    // Shown at once; the worker's next view confirms it (the write itself waits in the outbox).
    setToggled((current) => ({ ...current, [taskId]: completed }));
    void run(
      () => ask('setTaskStatus', { account, taskId, status: completed ? 'Completed' : 'Open' }),
      completed ? t('taskCompleted') : t('taskReopened'),
    ).then((answer) => {
      if (answer?.ok) return;
      setToggled(({ [taskId]: _dropped, ...rest }) => rest);
    });
  };

  return (
    <section class="notes-tasks" aria-labelledby="notes-title" data-testid="notes-tasks">
      <h2 id="notes-title">{t('notesAndTasks')}</h2>
      <RecordSelect
        label={t('onRecord')}
        choices={choices}
        value={recordKey}
        onChange={setRecordKey}
        testId="note-record"
      />
      <form onSubmit={saveNote} class="stack">
        <label>
          {t('note')}
          <textarea
            value={note}
            maxLength={20_000}
            rows={3}
            onInput={(e) => {
              setNote((e.target as HTMLTextAreaElement).value);
              setAcknowledged(false);
            }}
            data-testid="note-text"
          />
        </label>
        {findings.length > 0 && (
          <div role="alert" class="guard" data-testid="note-guard">
            <p>
              {t(
                mode === 'block' ? 'noteGuardBlock' : 'noteGuardWarn',
                [...new Set(findings.map((f) => prohibitedLabel(f.kind)))].join(', '),
              )}
            </p>
            <button
              type="button"
              class="primary"
              onClick={() => setNote(redactProhibitedData(note, findings))}
              data-testid="note-redact"
            >
              {t('removeIt')}
            </button>
            {mode === 'warn' && (
              <label class="checkbox">
                <input
                  type="checkbox"
                  checked={acknowledged}
                  onChange={(e) => setAcknowledged((e.target as HTMLInputElement).checked)}
                />
                {t('sendAnyway')}
              </label>
            )}
          </div>
        )}
        <button
          type="submit"
          disabled={note.trim() === '' || (findings.length > 0 && (mode === 'block' || !acknowledged))}
          data-testid="note-save"
        >
          {t('addNote')}
        </button>
      </form>
      <form onSubmit={saveTask} class="stack">
        <label>
          {t('newTask')}
          <input
            value={taskName}
            maxLength={500}
            onInput={(e) => setTaskName((e.target as HTMLInputElement).value)}
            data-testid="task-name"
          />
        </label>
        <div class="inline-form">
          <label>
            {t('due')}
            <input
              type="date"
              value={due}
              onInput={(e) => setDue((e.target as HTMLInputElement).value)}
              data-testid="task-due"
            />
          </label>
          <label class="checkbox">
            <input
              type="checkbox"
              checked={high}
              onChange={(e) => setHigh((e.target as HTMLInputElement).checked)}
            />
            {t('highPriority')}
          </label>
        </div>
        <button type="submit" disabled={taskName.trim() === ''} data-testid="task-save">
          {t('addTask')}
        </button>
      </form>
      {extras.tasks.length > 0 && (
        <ul class="tasks" aria-label={t('tasksLabel')}>
          {extras.tasks.map((task) => (
            <li key={task.id} data-testid="task">
              <label class="checkbox">
                <input
                  type="checkbox"
                  checked={toggled[task.id] ?? task.status === 'Completed'}
                  disabled={task.id < 0}
                  onChange={(e) => toggle(task.id, (e.target as HTMLInputElement).checked)}
                  data-testid="task-done"
                />
                <span class={task.status === 'Completed' ? 'done' : ''} title={task.name}>
                  {task.name}
                </span>
              </label>
              <span class="muted small">
                {task.priority === 'High' && <span class="chip">{t('priorityHigh')}</span>}{' '}
                {task.dueDate !== null && t('dueOn', formatDate(task.dueDate))}
                {task.pending && t('saving')}
              </span>
            </li>
          ))}
        </ul>
      )}
      <ActionStatus message={message} error={error} />
    </section>
  );
}
