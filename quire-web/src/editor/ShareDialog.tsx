import { useEffect, useState } from 'react';
import {
  createLink, listLinks, listPeople, revokeLink, setGeneralAccess, share, unshare, type LinkInfo, type People,
} from '../api';

const ROLES = ['viewer', 'commenter', 'editor', 'owner'];
/** What everyone in the document's organization may do (Google's "Anyone in Acme can view"). */
const GENERAL = ['none', 'viewer', 'commenter', 'editor'];
const GENERAL_LABEL: Record<string, string> = {
  none: 'no access', viewer: 'can view', commenter: 'can comment', editor: 'can edit',
};

/**
 * The people in a document with their roles, and what everyone in its organization may do;
 * owners share with a name or email, change roles, unshare and set the organization's access.
 */
export function ShareDialog({ id, owner, onClose }: { id: string; owner: boolean; onClose: () => void }) {
  const [people, setPeople] = useState<People | null>(null);
  const [who, setWho] = useState('');
  const [role, setRole] = useState('viewer');
  const [error, setError] = useState<string | null>(null);
  const [links, setLinks] = useState<LinkInfo[]>([]);
  const [fresh, setFresh] = useState<string | null>(null);

  const run = async (f: () => Promise<People>) => {
    try {
      setPeople(await f());
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  useEffect(() => {
    void run(() => listPeople(id));
    if (owner) listLinks(id).then(setLinks, (e) => setError((e as Error).message));
  }, [id, owner]);

  const newLink = async (role: string) => {
    try {
      const l = await createLink(id, role);
      setFresh(location.origin + l.path);
      setLinks(await listLinks(id));
    } catch (e) {
      setError((e as Error).message);
    }
  };

  return (
    <div className="dialog-backdrop" onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      <div className="dialog" role="dialog" aria-modal="true" aria-labelledby="share-title">
        <h1 id="share-title">People in this document</h1>
        <ul className="people" aria-label="People and their roles">
          {people && (
            <li key="everyone" data-testid="general-access">
              <span className="person-name">Everyone in {people.organization.name}</span>
              {owner ? (
                <select
                  aria-label={`What everyone in ${people.organization.name} may do`}
                  value={people.generalAccess}
                  onChange={(e) => run(() => setGeneralAccess(id, e.target.value))}
                >
                  {GENERAL.map((g) => <option key={g} value={g}>{GENERAL_LABEL[g]}</option>)}
                </select>
              ) : (
                <span className="muted">{GENERAL_LABEL[people.generalAccess] ?? people.generalAccess}</span>
              )}
            </li>
          )}
          {(people?.people ?? []).map((p) => (
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
        {owner && (
          <section aria-labelledby="links-title">
            <h2 id="links-title">Links</h2>
            <p className="muted">Whoever opens a link while signed in gets its role, until you revoke it.</p>
            <button className="button" onClick={() => newLink('viewer')}>New view link</button>{' '}
            <button className="button" onClick={() => newLink('editor')}>New edit link</button>
            {fresh && <p role="status" data-testid="new-link">Copy this link now: <code>{fresh}</code></p>}
            <ul className="people" aria-label="Links">
              {links.map((l) => (
                <li key={l.id}>
                  <span className="person-name">{l.role} link</span>
                  <button className="link-button" onClick={async () => setLinks(await revokeLink(id, l.id))}>Revoke</button>
                </li>
              ))}
            </ul>
          </section>
        )}
        {error && <p className="form-error" role="alert">{error}</p>}
        <div className="dialog-actions">
          <button className="button" onClick={onClose}>Done</button>
        </div>
      </div>
    </div>
  );
}
