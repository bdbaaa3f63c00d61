import type { ComponentChildren } from 'preact';

/** A titled card that frames one group of settings; its heading names the group for screen readers. */
export function SectionCard({
  id,
  title,
  description,
  children,
  testId,
}: {
  id: string;
  title: string;
  description?: string;
  children: ComponentChildren;
  testId?: string;
}) {
  return (
    <section class="card" aria-labelledby={`${id}-title`} data-testid={testId}>
      <h3 id={`${id}-title`} class="card-title">
        {title}
      </h3>
      {description !== undefined && <p class="card-text">{description}</p>}
      {children}
    </section>
  );
}
