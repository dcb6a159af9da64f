import { useCallback, useEffect, useRef, useState } from 'react';
import {
  ApiError, createDocument, deleteDocument, listDocuments, listOrganizations, renameDocument, restoreDocument,
  type DocumentInfo, type Organization, type Sort,
} from '../api';
import { navigate } from '../nav';
import { Header, accountsOn } from '../Header';
import { ago } from '../time';

const UNTITLED = 'Untitled document';

interface Toast {
  text: string;
  undo?: () => void;
}

/**
 * The documents: search, sort, create (in an organization of yours), rename, delete with undo,
 * the trash, and with accounts a filter by organization.
 */
export function HomePage({ name, onRename }: { name: string; onRename: (n: string) => void }) {
  const [docs, setDocs] = useState<DocumentInfo[] | null>(null);
  const [q, setQ] = useState('');
  const [sort, setSort] = useState<Sort>(() => (localStorage.getItem('quire.sort') as Sort) || 'recent');
  const [trash, setTrash] = useState(false);
  const [sharedOnly, setSharedOnly] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [toast, setToast] = useState<Toast | null>(null);
  const [renaming, setRenaming] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const [orgs, setOrgs] = useState<Organization[]>([]);
  /** The organization shown (null: all of them). */
  const [orgFilter, setOrgFilter] = useState<string | null>(null);
  /** Where a new document goes (null: the server's choice, your first organization). */
  const [target, setTarget] = useState<string | null>(null);
  const generation = useRef(0);

  useEffect(() => {
    if (accountsOn()) listOrganizations().then(setOrgs, (e) => setError((e as Error).message));
  }, []);

  const load = useCallback(async () => {
    const mine = ++generation.current; // answers to older searches arrive late: drop them
    try {
      const list = await listDocuments(q, sort, trash, orgFilter);
      if (mine === generation.current) {
        setDocs(list);
        setError(null);
      }
    } catch (e) {
      if (mine === generation.current) setError((e as Error).message);
    }
  }, [q, sort, trash, orgFilter]);

  useEffect(() => {
    const t = setTimeout(load, q ? 200 : 0);
    return () => clearTimeout(t);
  }, [load, q]);

  useEffect(() => {
    document.title = 'Quire — documents';
    // Others rename, create and delete too: keep the list fresh while it is on screen.
    const refresh = () => document.visibilityState === 'visible' && load();
    document.addEventListener('visibilitychange', refresh);
    const timer = setInterval(refresh, 10000);
    return () => {
      document.removeEventListener('visibilitychange', refresh);
      clearInterval(timer);
    };
  }, [load]);

  useEffect(() => {
    if (!toast) return;
    const t = setTimeout(() => setToast(null), 8000);
    return () => clearTimeout(t);
  }, [toast]);

  const act = async (what: () => Promise<unknown>) => {
    try {
      await what();
      setError(null);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    }
    await load();
  };

  const create = async () => {
    setCreating(true);
    try {
      const d = await createDocument('', target ?? orgFilter);
      navigate('/d/' + d.id);
    } catch (e) {
      setError((e as Error).message);
      setCreating(false);
    }
  };

  const remove = (d: DocumentInfo) =>
    act(async () => {
      await deleteDocument(d.id);
      setToast({
        text: `“${d.title || UNTITLED}” moved to the trash.`,
        undo: () => act(async () => { await restoreDocument(d.id); setToast({ text: `“${d.title || UNTITLED}” restored.` }); }),
      });
    });

  return (
    <>
      <Header name={name} onRename={onRename} />
      <main className="home">
        <div className="home-head">
          <h1>{trash ? 'Trash' : 'Documents'}</h1>
          {!trash && orgs.length > 1 && (
            <label className="sort">
              <span>New in</span>
              <select aria-label="Organization of a new document" data-testid="new-doc-org"
                value={target ?? orgFilter ?? orgs.find((o) => o.id === 'default')?.id ?? orgs[0].id}
                onChange={(e) => setTarget(e.target.value)}>
                {orgs.map((o) => <option key={o.id} value={o.id}>{o.name}</option>)}
              </select>
            </label>
          )}
          {!trash && (
            <button className="button primary" onClick={create} disabled={creating}>
              <span aria-hidden="true" className="plus">+</span> New document
            </button>
          )}
        </div>
        <div className="home-controls" role="search">
          <label className="search">
            <span className="visually-hidden">Search by title</span>
            <input type="search" placeholder="Search by title" value={q} onChange={(e) => setQ(e.target.value)} />
          </label>
          <label className="sort">
            <span>Sort</span>
            <select
              value={sort}
              onChange={(e) => {
                const s = e.target.value as Sort;
                localStorage.setItem('quire.sort', s);
                setSort(s);
              }}
            >
              <option value="recent">Last edited</option>
              <option value="name">Name</option>
            </select>
          </label>
          {accountsOn() && orgs.length > 0 && (
            <label className="sort">
              <span>Organization</span>
              <select aria-label="Show the documents of" value={orgFilter ?? ''} onChange={(e) => {
                setOrgFilter(e.target.value || null);
                setTarget(null);
              }}>
                <option value="">All</option>
                {orgs.map((o) => <option key={o.id} value={o.id}>{o.name}</option>)}
              </select>
            </label>
          )}
          {accountsOn() && !trash && (
            <button className="button subtle" onClick={() => setSharedOnly(!sharedOnly)} aria-pressed={sharedOnly}>
              Shared with me
            </button>
          )}
          {accountsOn() && (
            <a className="button subtle" href="/orgs" onClick={(e) => { e.preventDefault(); navigate('/orgs'); }}>
              Organizations
            </a>
          )}
          <button className="button subtle" onClick={() => setTrash(!trash)} aria-pressed={trash}>
            {trash ? '← Back to documents' : 'Trash'}
          </button>
        </div>
        {error && (
          <p className="banner error" role="alert">
            {error} <button className="link-button" onClick={load}>Try again</button>
          </p>
        )}
        {docs === null ? (
          <p className="muted">Loading…</p>
        ) : docs.length === 0 ? (
          <div className="empty">
            {q ? <p>No document has “{q}” in its title.</p> : trash ? <p>The trash is empty.</p> : (
              <>
                <p>No documents yet.</p>
                <button className="button primary" onClick={create}>Create your first document</button>
              </>
            )}
          </div>
        ) : (
          <ul className="doc-list" aria-label={trash ? 'Deleted documents' : 'Your documents'}>
            {docs.filter((d) => !sharedOnly || trash || (d.role !== null && d.role !== 'owner')).map((d) => (
              <li key={d.id} className="doc-row">
                {renaming === d.id ? (
                  <RenameForm
                    initial={d.title}
                    onCancel={() => setRenaming(null)}
                    onSave={(t) => {
                      setRenaming(null);
                      act(() => renameDocument(d.id, t));
                    }}
                  />
                ) : (
                  <>
                    <div className="doc-main">
                      {trash ? (
                        <span className="doc-title">{d.title || UNTITLED}</span>
                      ) : (
                        <a className="doc-title" href={'/d/' + d.id} onClick={(e) => { e.preventDefault(); navigate('/d/' + d.id); }}>
                          {d.title || UNTITLED}
                        </a>
                      )}
                      <span className="doc-meta">
                        {orgFilter === null && orgs.length > 1 && (
                          <span className="doc-org">{orgs.find((o) => o.id === d.org)?.name ?? 'Another organization'} · </span>
                        )}
                        {trash && d.deletedAt
                          ? `Deleted ${ago(d.deletedAt)}`
                          : `Edited ${ago(d.editedAt)}${d.editedBy ? ' by ' + d.editedBy : ''}`}
                      </span>
                    </div>
                    <div className="doc-actions">
                      {trash ? (
                        <button className="button" onClick={() => act(() => restoreDocument(d.id))}>Restore</button>
                      ) : (
                        <>
                          <button className="button subtle" onClick={() => setRenaming(d.id)} aria-label={`Rename ${d.title || UNTITLED}`}>Rename</button>
                          <button className="button subtle danger" onClick={() => remove(d)} aria-label={`Delete ${d.title || UNTITLED}`}>Delete</button>
                        </>
                      )}
                    </div>
                  </>
                )}
              </li>
            ))}
          </ul>
        )}
      </main>
      {toast && (
        <div className="toast" role="status">
          <span>{toast.text}</span>
          {toast.undo && (
            <button className="link-button" onClick={() => { const u = toast.undo!; setToast(null); u(); }}>Undo</button>
          )}
        </div>
      )}
    </>
  );
}

function RenameForm({ initial, onSave, onCancel }: { initial: string; onSave: (t: string) => void; onCancel: () => void }) {
  const [value, setValue] = useState(initial);
  return (
    <form className="rename" onSubmit={(e) => { e.preventDefault(); onSave(value.trim()); }}>
      <label className="visually-hidden" htmlFor="rename-input">New title</label>
      <input id="rename-input" autoFocus maxLength={200} value={value} onChange={(e) => setValue(e.target.value)}
        onKeyDown={(e) => e.key === 'Escape' && onCancel()} />
      <button type="submit" className="button primary">Save</button>
      <button type="button" className="button subtle" onClick={onCancel}>Cancel</button>
    </form>
  );
}
