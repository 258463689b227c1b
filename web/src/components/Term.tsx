import { type ReactNode, useEffect, useId, useRef, useState } from 'react';
import { type GlossaryTerm, glossaryDefinition } from './glossary.ts';

/**
 * A statistical term with its glossary definition one click away: the term is a button (dotted underline) that
 * opens a small popover; Escape, a second click or a click elsewhere closes it. The definition is only in the page
 * while open, so the surrounding text reads the same to tests and screen readers.
 */
export function Term({ term, children }: { term: GlossaryTerm; children?: ReactNode }) {
  const [open, setOpen] = useState(false);
  const id = useId();
  const ref = useRef<HTMLSpanElement>(null);
  useEffect(() => {
    if (!open) return;
    const onPointer = (e: PointerEvent) => {
      if (!ref.current?.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') setOpen(false);
    };
    document.addEventListener('pointerdown', onPointer);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('pointerdown', onPointer);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);
  return (
    <span className="term" ref={ref}>
      <button
        type="button"
        className="term-button"
        aria-expanded={open}
        aria-controls={open ? id : undefined}
        title="What does this mean?"
        onClick={() => setOpen((o) => !o)}
      >
        {children ?? term}
      </button>
      {open ? (
        <span id={id} className="term-popover" data-testid="glossary-popover">
          {glossaryDefinition(term)}
        </span>
      ) : null}
    </span>
  );
}
