import { useEffect, useState } from 'react';
import { listPeople, share, unshare, type Person } from '../api';

const ROLES = ['viewer', 'commenter', 'editor', 'owner'];

/** The people in a document with their roles; owners share with a name or email, change roles and unshare. */
export function ShareDialog({ id, owner, onClose }: { id: string; owner: boolean; onClose: () => void }) {
  const [people, setPeople] = useState<Person[]>([]);
  const [who, setWho] = useState('');
  const [role, setRole] = useState('viewer');
  const [error, setError] = useState<string | null>(null);

  const run = async (f: () => Promise<Person[]>) => {
    try {
      setPeople(await f());
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  useEffect(() => {
    void run(() => listPeople(id));
  }, [id]);

  return (
    <div className="dialog-backdrop" onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      <div className="dialog" role="dialog" aria-modal="true" aria-labelledby="share-title">
        <h1 id="share-title">People in this document</h1>
        <ul className="people" aria-label="People and their roles">
          {people.map((p) => (
            <li key={p.id} data-testid="person">
              <span className="person-name">{p.name ?? '(removed account)'}</span>
              {owner ? (
                <select aria-label={`Role of ${p.name}`} value={p.role} onChange={(e) => run(() => share(id, p.name ?? '', e.target.value))}>
                  {ROLES.map((r) => <option key={r} value={r}>{r}</option>)}
                </select>
              ) : (
                <span className="muted">{p.role}</span>
              )}
              {owner && <button className="link-button" onClick={() => run(() => unshare(id, p.id))}>Remove</button>}
            </li>
          ))}
        </ul>
        {owner && (
          <form
            className="share-form"
            onSubmit={(e) => {
              e.preventDefault();
              void run(() => share(id, who.trim(), role)).then(() => setWho(''));
            }}
          >
            <label htmlFor="share-who">Share with (name or email)</label>
            <input id="share-who" value={who} maxLength={254} onChange={(e) => setWho(e.target.value)} />
            <label htmlFor="share-role">as</label>
            <select id="share-role" value={role} onChange={(e) => setRole(e.target.value)}>
              {ROLES.map((r) => <option key={r} value={r}>{r}</option>)}
            </select>
            <button className="button primary" type="submit" disabled={!who.trim()}>Share</button>
          </form>
        )}
        {error && <p className="form-error" role="alert">{error}</p>}
        <div className="dialog-actions">
          <button className="button" onClick={onClose}>Done</button>
        </div>
      </div>
    </div>
  );
}
