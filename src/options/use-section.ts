import { useEffect, useState } from 'preact/hooks';

export const SECTIONS = ['connection', 'logging', 'privacy', 'about'] as const;
export type SectionId = (typeof SECTIONS)[number];

const fromHash = (hash: string): SectionId => {
  const id = hash.replace(/^#/, '');
  return (SECTIONS as readonly string[]).includes(id) ? (id as SectionId) : 'connection';
};

/**
 * The settings section shown, from the URL hash (`#connection`, `#logging`, `#privacy`, `#about`),
 * so other pages can link straight to one; an unknown or empty hash shows Connection.
 */
export function useSection(): SectionId {
  const [section, setSection] = useState<SectionId>(() => fromHash(location.hash));
  useEffect(() => {
    const onChange = () => setSection(fromHash(location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return section;
}
