import { useEffect, useRef } from 'react';
import { MOD } from './setupQuill';

const ROWS: [string, string][] = [
  ['Bold / italic / underline', `${MOD}+B / I / U`],
  ['Strikethrough', `${MOD}+Shift+X`],
  ['Inline code', `${MOD}+E`],
  ['Link', `${MOD}+K`],
  ['Heading 1, 2, 3 / normal text', `${MOD}+Alt+1, 2, 3 / 0`],
  ['Numbered / bulleted / check list', `${MOD}+Shift+7 / 8 / 9`],
  ['Indent / outdent', 'Tab / Shift+Tab'],
  ['Quote / code block', `${MOD}+Shift+Q / ${MOD}+Alt+C`],
  ['Clear formatting', `${MOD}+\\`],
  ['Undo / redo (your own changes)', `${MOD}+Z / ${MOD}+Shift+Z`],
];

/** The editor's keyboard shortcuts, in a dialog that Escape closes. */
export function Shortcuts({ onClose }: { onClose: () => void }) {
  const close = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    close.current?.focus();
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);
  return (
    <div className="dialog-backdrop" onClick={onClose}>
      <div className="dialog" role="dialog" aria-modal="true" aria-labelledby="shortcuts-title" onClick={(e) => e.stopPropagation()}>
        <h1 id="shortcuts-title">Keyboard shortcuts</h1>
        <table className="shortcuts">
          <tbody>
            {ROWS.map(([what, keys]) => (
              <tr key={what}>
                <td>{what}</td>
                <td><kbd>{keys}</kbd></td>
              </tr>
            ))}
          </tbody>
        </table>
        <div className="dialog-actions">
          <button ref={close} className="button primary" onClick={onClose}>Close</button>
        </div>
      </div>
    </div>
  );
}
