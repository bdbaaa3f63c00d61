import { useEffect, useState } from 'preact/hooks';

/**
 * A settings field as the user edits it. The settings are read again whenever Chrome reports a policy
 * change or any section is saved; such a read updates the field only while the user has not changed
 * it, or when the administrator locks it. An edit not yet saved is never replaced (a read that
 * arrived between choosing "full" and pressing Save once saved "metadata"). `saved(sent)`, after a
 * save of `sent`, makes the field follow the settings again, unless the user changed it meanwhile.
 */
export function useEditableSetting<T extends string | boolean>(
  stored: T,
  locked: boolean,
): { value: T; set: (value: T) => void; saved: (sent: T) => void } {
  const [field, setField] = useState({ value: stored, edited: false });
  useEffect(() => {
    setField((current) => (current.edited && !locked ? current : { value: stored, edited: false }));
  }, [stored, locked]);
  return {
    value: field.value,
    set: (value) => setField({ value, edited: true }),
    saved: (sent) =>
      setField((current) => (current.value === sent ? { value: sent, edited: false } : current)),
  };
}
