import { useState } from 'react';

/** Asks once for the name others see beside your cursor; kept in this browser. */
export function NameDialog({ onDone, initial = '', onCancel }: { onDone: (name: string) => void; initial?: string; onCancel?: () => void }) {
  const [value, setValue] = useState(initial);
  const trimmed = value.trim();
  return (
    <div className="dialog-backdrop">
      <form
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="name-title"
        onSubmit={(e) => {
          e.preventDefault();
          if (trimmed) onDone(trimmed.slice(0, 64));
        }}
      >
        <h1 id="name-title">What should others call you?</h1>
        <p className="muted">People editing with you see this name beside your cursor. It stays in this browser.</p>
        <label htmlFor="name-input" className="visually-hidden">Your name</label>
        <input
          id="name-input"
          autoFocus
          maxLength={64}
          placeholder="Your name"
          value={value}
          onChange={(e) => setValue(e.target.value)}
        />
        <div className="dialog-actions">
          {onCancel && <button type="button" className="button" onClick={onCancel}>Cancel</button>}
          <button type="submit" className="button primary" disabled={!trimmed}>Continue</button>
        </div>
      </form>
    </div>
  );
}
