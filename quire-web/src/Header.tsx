import { useState, type ReactNode } from 'react';
import { colourOf, initials, saveName } from './identity';
import { NameDialog } from './NameDialog';
import { navigate } from './nav';

let accounts = false;

/** With accounts your name is your account's: the button opens the account page, not the name dialog. */
export function setAccounts(on: boolean): void {
  accounts = on;
}

export function accountsOn(): boolean {
  return accounts;
}

/** The bar at the top of every page: the logo (home), the page's own controls, and who you are. */
export function Header({ name, onRename, children }: { name: string; onRename: (n: string) => void; children?: ReactNode }) {
  const [editing, setEditing] = useState(false);
  return (
    <header className="topbar">
      <a
        className="logo"
        href="/"
        aria-label="Quire: all documents"
        onClick={(e) => {
          e.preventDefault();
          navigate('/');
        }}
      >
        <img src="/favicon.svg" alt="" width="28" height="28" />
        <span>Quire</span>
      </a>
      <div className="topbar-middle">{children}</div>
      <button
        className="me"
        onClick={() => (accounts ? navigate('/account') : setEditing(true))}
        title={accounts ? 'Your account' : 'Change your name'}
        aria-label={accounts ? `You are ${name}. Your account` : `You are ${name}. Change your name`}
      >
        <span className="avatar" style={{ background: colourOf(name) }} aria-hidden="true">{initials(name)}</span>
        <span className="me-name">{name}</span>
      </button>
      {editing && (
        <NameDialog
          initial={name}
          onCancel={() => setEditing(false)}
          onDone={(n) => {
            saveName(n);
            onRename(n);
            setEditing(false);
          }}
        />
      )}
    </header>
  );
}
