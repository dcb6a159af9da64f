import Quill from 'quill';
import QuillCursors from 'quill-cursors/core';
import { cleanPasted, safeLink, SAFE_SCHEMES } from './safeLink';

// Registered once for the page: other people's cursors, and links filtered to safe schemes
// (Quill runs Link.sanitize for every link it renders: typed, pasted, or received from others).
Quill.register('modules/cursors', QuillCursors);
const Link = Quill.import('formats/link') as any;
Link.PROTOCOL_WHITELIST = SAFE_SCHEMES;
Link.sanitize = (url: string) => safeLink(url);

// Comment anchors: the "comment" format, valued with a thread's id, rendered as a data-comment
// attribute (the page highlights the anchors of open threads, and a click on one shows its thread).
const Parchment = Quill.import('parchment') as any;
Quill.register(new Parchment.Attributor('comment', 'data-comment', { scope: Parchment.Scope.INLINE }), true);

const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);
export const MOD = isMac ? '⌘' : 'Ctrl';

const TOOLBAR = [
  [{ header: [1, 2, 3, false] }],
  ['bold', 'italic', 'underline', 'strike', 'code'],
  ['link'],
  [{ list: 'bullet' }, { list: 'ordered' }, { list: 'check' }],
  [{ indent: '-1' }, { indent: '+1' }],
  ['blockquote', 'code-block'],
  ['clean'],
  ['undo', 'redo'],
];

/** Button labels for screen readers and tooltips, with their shortcuts. */
const LABELS: [string, string][] = [
  ['.ql-bold', `Bold (${MOD}+B)`],
  ['.ql-italic', `Italic (${MOD}+I)`],
  ['.ql-underline', `Underline (${MOD}+U)`],
  ['.ql-strike', `Strikethrough (${MOD}+Shift+X)`],
  ['.ql-code', `Inline code (${MOD}+E)`],
  ['.ql-link', `Link (${MOD}+K)`],
  ['.ql-list[value="bullet"]', `Bulleted list (${MOD}+Shift+8)`],
  ['.ql-list[value="ordered"]', `Numbered list (${MOD}+Shift+7)`],
  ['.ql-list[value="check"]', `Checklist (${MOD}+Shift+9)`],
  ['.ql-indent[value="-1"]', 'Decrease indent (Shift+Tab)'],
  ['.ql-indent[value="+1"]', 'Increase indent (Tab)'],
  ['.ql-blockquote', `Quote (${MOD}+Shift+Q)`],
  ['.ql-code-block', `Code block (${MOD}+Alt+C)`],
  ['.ql-clean', `Clear formatting (${MOD}+\\)`],
  ['.ql-undo', `Undo (${MOD}+Z)`],
  ['.ql-redo', `Redo (${MOD}+Shift+Z)`],
];

const ICONS: Record<string, string> = {
  undo: '<svg viewBox="0 0 18 18" aria-hidden="true"><path class="ql-stroke" d="M5 7h6a3.5 3.5 0 0 1 0 7H8"/><path class="ql-stroke" d="M7.5 4.5 5 7l2.5 2.5"/></svg>',
  redo: '<svg viewBox="0 0 18 18" aria-hidden="true"><path class="ql-stroke" d="M13 7H7a3.5 3.5 0 0 0 0 7h3"/><path class="ql-stroke" d="M10.5 4.5 13 7l-2.5 2.5"/></svg>',
};

/** A Quill editor in `host` with Quire's toolbar, shortcuts, history and cursors. */
export function createQuill(host: HTMLElement): Quill {
  const container = document.createElement('div');
  host.appendChild(container);
  const quill: Quill = new Quill(container, {
    theme: 'snow',
    placeholder: 'Start writing…',
    modules: {
      toolbar: {
        container: TOOLBAR,
        handlers: {
          undo: () => (quill.getModule('history') as any).undo(),
          redo: () => (quill.getModule('history') as any).redo(),
        },
      },
      // Undo takes back only this person's changes, transformed by everyone else's since.
      history: { userOnly: true, delay: 800, maxStack: 500 },
      cursors: { transformOnTextChange: true, hideDelayMs: 2500, hideSpeedMs: 300 },
      keyboard: { bindings: shortcuts() },
    },
  });
  // Pasted HTML: unsafe links and media are taken out before the paste becomes an op.
  quill.clipboard.addMatcher(Node.ELEMENT_NODE, (_node, delta) => cleanPasted(delta as any));
  const toolbar = (quill.getModule('toolbar') as any).container as HTMLElement;
  toolbar.setAttribute('role', 'toolbar');
  toolbar.setAttribute('aria-label', 'Formatting');
  for (const [selector, label] of LABELS) {
    toolbar.querySelectorAll<HTMLElement>(selector).forEach((b) => {
      b.setAttribute('aria-label', label);
      b.setAttribute('title', label);
    });
  }
  for (const [name, svg] of Object.entries(ICONS)) {
    const b = toolbar.querySelector<HTMLElement>('.ql-' + name);
    if (b) b.innerHTML = svg;
  }
  const picker = toolbar.querySelector<HTMLElement>('.ql-header .ql-picker-label');
  picker?.setAttribute('aria-label', `Text style: headings 1–3 (${MOD}+Alt+1…3) or normal (${MOD}+Alt+0)`);
  const editor = quill.root;
  editor.setAttribute('role', 'textbox');
  editor.setAttribute('aria-multiline', 'true');
  editor.setAttribute('aria-label', 'Document text');
  return quill;
}

/** Shortcuts beyond Quill's own (bold, italic, underline, undo, redo, indent with Tab). */
function shortcuts(): Record<string, unknown> {
  const toggle = (format: string, value: unknown = true) =>
    function (this: { quill: Quill }, _range: { index: number; length: number }, context: { format: Record<string, unknown> }) {
      this.quill.format(format, context.format[format] === value ? false : value, 'user');
      return false;
    };
  const b: Record<string, unknown> = {
    strike: { key: 'X', shortKey: true, shiftKey: true, handler: toggle('strike') },
    code: { key: 'E', shortKey: true, handler: toggle('code') },
    bullet: { key: '8', shortKey: true, shiftKey: true, handler: toggle('list', 'bullet') },
    ordered: { key: '7', shortKey: true, shiftKey: true, handler: toggle('list', 'ordered') },
    check: { key: '9', shortKey: true, shiftKey: true, handler: toggle('list', 'unchecked') },
    quote: { key: 'Q', shortKey: true, shiftKey: true, handler: toggle('blockquote') },
    codeBlock: { key: 'C', shortKey: true, altKey: true, handler: toggle('code-block') },
    clean: {
      key: '\\',
      shortKey: true,
      handler(this: { quill: Quill }, range: { index: number; length: number }) {
        this.quill.removeFormat(range.index, range.length, 'user');
        return false;
      },
    },
    link: {
      key: 'K',
      shortKey: true,
      handler(this: { quill: Quill }) {
        const button = (this.quill.getModule('toolbar') as any).container.querySelector('.ql-link') as HTMLElement | null;
        button?.click(); // the same link editor as the toolbar's
        return false;
      },
    },
  };
  for (const level of [0, 1, 2, 3]) {
    b['heading' + level] = {
      key: String(level),
      shortKey: true,
      altKey: true,
      handler(this: { quill: Quill }) {
        this.quill.format('header', level === 0 ? false : level, 'user');
        return false;
      },
    };
  }
  return b;
}
