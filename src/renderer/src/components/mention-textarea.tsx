/**
 * A textarea with an @-picker: typing "@" and the start of a name lists the members whose name
 * matches; ArrowUp/ArrowDown choose, Enter or Tab puts "@Name " in the text, Escape closes the
 * list (and only the list). The ARIA 1.2 combobox pattern on the textarea itself
 * (aria-autocomplete="list", aria-activedescendant), so a screen reader announces the choice
 * while focus stays in the text. Mentions are matched by name when the comment is saved
 * (core/workspace/mentions.ts), so what this inserts is plain text a person could type.
 *
 * Written here rather than taken from a library: the picker is ~100 lines over a plain
 * textarea, and the React mention packages replace the textarea with a contenteditable overlay
 * that our forms, tests and Ctrl+Enter handling would all have to learn.
 */
import { type KeyboardEvent, type TextareaHTMLAttributes, useCallback, useId, useMemo, useRef, useState } from 'react';
import type * as Y from 'yjs';
import { listMembers } from '../../../core/workspace';
import { useDocValue } from '../session/hooks';
import { matchMembers, mentionQuery } from './mention-query';
import type { WorkspaceSession } from '../session/workspace-session';

interface Props extends Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'value' | 'onChange'> {
  session: WorkspaceSession;
  value: string;
  onValue: (value: string) => void;
  textareaRef?: React.RefObject<HTMLTextAreaElement | null>;
}

export function MentionTextarea({ session, value, onValue, textareaRef, onKeyDown, ...rest }: Props) {
  const members = useDocValue(session.doc, useCallback((doc: Y.Doc) => listMembers(doc), []));
  const own = useRef<HTMLTextAreaElement>(null);
  const ref = textareaRef ?? own;
  const [caret, setCaret] = useState<number | null>(null);
  const [active, setActive] = useState(0);
  const [dismissed, setDismissed] = useState<string | null>(null);
  const listId = useId();
  const others = useMemo(() => members.filter((m) => m.id !== session.connection.memberId), [members, session.connection.memberId]);
  const query = caret === null ? null : mentionQuery(value, caret);
  const key = query ? `${query.start}:${query.query}` : null;
  const options = query && key !== dismissed ? matchMembers(others, query.query) : [];
  const open = options.length > 0;
  const chosen = Math.min(active, options.length - 1);

  const pick = (name: string) => {
    if (!query) return;
    const next = `${value.slice(0, query.start)}@${name} ${value.slice(caret!)}`;
    const at = query.start + name.length + 2;
    onValue(next);
    setCaret(at);
    requestAnimationFrame(() => ref.current?.setSelectionRange(at, at));
  };
  const keyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (open) {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        setActive((chosen + (e.key === 'ArrowDown' ? 1 : options.length - 1)) % options.length);
        return;
      }
      if ((e.key === 'Enter' && !e.ctrlKey && !e.metaKey) || e.key === 'Tab') {
        e.preventDefault();
        pick(options[chosen]!.name);
        return;
      }
      if (e.key === 'Escape') {
        e.preventDefault();
        e.stopPropagation();
        setDismissed(key);
        return;
      }
    }
    onKeyDown?.(e);
  };
  const track = () => setCaret(ref.current?.selectionStart ?? null);

  return (
    <span className="mention-field">
      <textarea
        {...rest}
        ref={ref}
        value={value}
        role="combobox"
        aria-autocomplete="list"
        aria-expanded={open}
        aria-controls={open ? listId : undefined}
        aria-activedescendant={open ? `${listId}-${chosen}` : undefined}
        onChange={(e) => {
          onValue(e.target.value);
          setCaret(e.target.selectionStart);
          setActive(0);
        }}
        onKeyDown={keyDown}
        onKeyUp={(e) => e.key.startsWith('Arrow') && !open && track()}
        onClick={track}
        onBlur={() => setCaret(null)}
      />
      {open && (
        <ul id={listId} role="listbox" className="mention-options" aria-label="Members to mention">
          {options.map((m, i) => (
            <li
              key={m.id}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === chosen}
              // mousedown, not click: the textarea keeps focus (and its caret).
              onMouseDown={(e) => {
                e.preventDefault();
                pick(m.name);
              }}
            >
              @{m.name} <span className="muted small">{m.role}</span>
            </li>
          ))}
        </ul>
      )}
    </span>
  );
}
