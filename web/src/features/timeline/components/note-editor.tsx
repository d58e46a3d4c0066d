import { forwardRef, useImperativeHandle, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { EditorContent, useEditor } from '@tiptap/react';
import StarterKit from '@tiptap/starter-kit';
import Mention from '@tiptap/extension-mention';
import Placeholder from '@tiptap/extension-placeholder';
import type { SuggestionKeyDownProps, SuggestionProps } from '@tiptap/suggestion';
import type { TMemberView } from '../api/timeline-api';

/**
 * The rich-text note editor: TipTap (ProseMirror) with bold, italic, lists,
 * links and @mentions of tenant members. This module is the only one that
 * imports TipTap, and the timeline loads it lazily, so the record page's
 * first screen does not carry the editor.
 */
export interface NoteEditorHandle {
  /** The editor's HTML (the server sanitises it); '' when there is no text. */
  getHtml(): string;
  clear(): void;
  focus(): void;
}

interface MentionState {
  readonly items: TMemberView[];
  readonly index: number;
  readonly rect: DOMRect | null;
  readonly command: SuggestionProps<TMemberView>['command'];
}

const MAX_SUGGESTIONS = 8;

export const NoteEditor = forwardRef<NoteEditorHandle, {
  members: readonly TMemberView[];
  initialHtml?: string;
  label: string;
  onSubmit?: () => void;
  testId?: string;
}>(function NoteEditor({ members, initialHtml = '', label, onSubmit, testId }, ref) {
  const { t } = useTranslation();
  const [mention, setMention] = useState<MentionState | null>(null);
  // The suggestion plugin is configured once; it reads the latest members and state through refs.
  const membersRef = useRef(members);
  membersRef.current = members;
  const mentionRef = useRef(mention);
  mentionRef.current = mention;
  const submitRef = useRef(onSubmit);
  submitRef.current = onSubmit;

  const editor = useEditor({
    immediatelyRender: true,
    content: initialHtml,
    editorProps: {
      attributes: { class: 'tl-editor-input', role: 'textbox', 'aria-multiline': 'true', 'aria-label': label, ...(testId ? { 'data-testid': testId } : {}) },
      handleKeyDown: (_view, event) => {
        // Ctrl/Cmd+Enter saves, as in most comment boxes.
        if (event.key === 'Enter' && (event.ctrlKey || event.metaKey) && !mentionRef.current) {
          submitRef.current?.();
          return true;
        }
        return false;
      },
    },
    extensions: [
      StarterKit.configure({ heading: { levels: [2, 3] }, link: { openOnClick: false, autolink: true, protocols: ['http', 'https', 'mailto'] } }),
      Placeholder.configure({ placeholder: t('timeline.notePlaceholder') }),
      Mention.configure({
        HTMLAttributes: { class: 'mention' },
        renderText: ({ node }) => `@${String(node.attrs.label ?? node.attrs.id)}`,
        suggestion: {
          char: '@',
          items: ({ query }) => {
            const needle = query.toLocaleLowerCase();
            return membersRef.current
              .filter((member) => `${member.name ?? ''} ${member.email ?? ''}`.toLocaleLowerCase().includes(needle))
              .slice(0, MAX_SUGGESTIONS);
          },
          command: ({ editor: current, range, props }) => {
            current.chain().focus().insertContentAt(range, [{ type: 'mention', attrs: props }, { type: 'text', text: ' ' }]).run();
          },
          render: () => ({
            onStart: (props: SuggestionProps<TMemberView>) => setMention({ items: props.items, index: 0, rect: props.clientRect?.() ?? null, command: props.command }),
            onUpdate: (props: SuggestionProps<TMemberView>) =>
              setMention((current) => ({ items: props.items, index: Math.min(current?.index ?? 0, Math.max(0, props.items.length - 1)), rect: props.clientRect?.() ?? null, command: props.command })),
            onKeyDown: ({ event }: SuggestionKeyDownProps) => {
              const state = mentionRef.current;
              if (!state) return false;
              if (event.key === 'Escape') {
                setMention(null);
                return true;
              }
              if (state.items.length === 0) return false;
              if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
                const step = event.key === 'ArrowDown' ? 1 : -1;
                setMention({ ...state, index: (state.index + step + state.items.length) % state.items.length });
                return true;
              }
              if (event.key === 'Enter' || event.key === 'Tab') {
                const member = state.items[state.index];
                if (member) state.command({ id: member.uid, label: member.name ?? member.email ?? member.uid } as unknown as TMemberView);
                return true;
              }
              return false;
            },
            onExit: () => setMention(null),
          }),
        },
      }),
    ],
  });

  useImperativeHandle(ref, () => ({
    getHtml: () => (editor && !editor.isEmpty ? editor.getHTML() : ''),
    clear: () => editor?.commands.clearContent(true),
    focus: () => editor?.commands.focus(),
  }), [editor]);

  const listId = `${testId ?? 'note'}-mentions`;
  return (
    <div className="tl-editor">
      <div className="tl-toolbar" role="toolbar" aria-label={t('timeline.formatting')}>
        <button type="button" className={`btn btn-ghost btn-sm${editor?.isActive('bold') ? ' active' : ''}`} aria-pressed={editor?.isActive('bold') ?? false} onClick={() => editor?.chain().focus().toggleBold().run()}>
          <strong aria-hidden="true">{t('timeline.boldShort')}</strong>
          <span className="sr-only">{t('timeline.bold')}</span>
        </button>
        <button type="button" className={`btn btn-ghost btn-sm${editor?.isActive('italic') ? ' active' : ''}`} aria-pressed={editor?.isActive('italic') ?? false} onClick={() => editor?.chain().focus().toggleItalic().run()}>
          <em aria-hidden="true">{t('timeline.italicShort')}</em>
          <span className="sr-only">{t('timeline.italic')}</span>
        </button>
        <button type="button" className={`btn btn-ghost btn-sm${editor?.isActive('bulletList') ? ' active' : ''}`} aria-pressed={editor?.isActive('bulletList') ?? false} onClick={() => editor?.chain().focus().toggleBulletList().run()}>
          {t('timeline.bulletList')}
        </button>
        <button type="button" className="btn btn-ghost btn-sm" onClick={() => editor?.chain().focus().insertContent('@').run()} data-testid={testId ? `${testId}-mention` : undefined}>
          {t('timeline.mentionButton')}
        </button>
      </div>
      <EditorContent editor={editor} />
      {mention ? (
        <ul
          id={listId}
          className="tl-mentions"
          role="listbox"
          aria-label={t('timeline.mentionPicker')}
          data-testid="mention-list"
          style={mention.rect ? { top: mention.rect.bottom + 4, left: Math.max(8, Math.min(mention.rect.left, window.innerWidth - 268)) } : undefined}
        >
          {mention.items.length === 0 ? <li className="muted small">{t('timeline.noMemberFound')}</li> : null}
          {mention.items.map((member, index) => (
            <li
              key={member.uid}
              role="option"
              aria-selected={index === mention.index}
              className={index === mention.index ? 'active' : ''}
              data-testid="mention-option"
              // mousedown, not click: the editor must not lose its selection first.
              onMouseDown={(event) => {
                event.preventDefault();
                mention.command({ id: member.uid, label: member.name ?? member.email ?? member.uid } as unknown as TMemberView);
              }}
            >
              <span>{member.name ?? member.uid}</span>
              {member.email && member.email !== member.name ? <span className="muted small">{member.email}</span> : null}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
});
