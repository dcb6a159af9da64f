import { useCallback, useEffect, useRef, useState } from 'react';
import 'quill-cursors/css';
import { Header } from '../Header';
import { navigate, setLeaveGuard } from '../nav';
import { initials } from '../identity';
import { restoreDocument } from '../api';
import { DocumentSession, type SessionView } from './session';
import { Shortcuts } from './Shortcuts';
import { ShareDialog } from './ShareDialog';
import { CommentsPanel } from './CommentsPanel';
import { accountsOn } from '../Header';

/** The editor of one document: title, toolbar, text, who is here, and whether it is saved. */
export function EditorPage({ id, name, me = null, onRename }: {
  id: string;
  name: string;
  /** Your user id with accounts (null without): whose comments are yours. */
  me?: string | null;
  onRename: (n: string) => void;
}) {
  const host = useRef<HTMLDivElement>(null);
  const titleRef = useRef<HTMLInputElement>(null);
  const session = useRef<DocumentSession | null>(null);
  const [view, setView] = useState<SessionView | null>(null);
  const [restoreError, setRestoreError] = useState<string | null>(null);
  const [help, setHelp] = useState(false);
  const [sharing, setSharing] = useState(false);
  const closeHelp = useCallback(() => setHelp(false), []);

  useEffect(() => {
    const s = new DocumentSession(id, name, host.current!, titleRef.current!, setView);
    session.current = s;
    setLeaveGuard(() => s.hasUnsentChanges());
    return () => {
      setLeaveGuard(null);
      s.destroy();
      session.current = null;
    };
    // The name is read once here; a later change goes to the open session (no reconnect: that
    // would throw away edits still waiting for the server).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [id]);

  useEffect(() => session.current?.rename(name), [name]);

  const title = view?.title.trim() || 'Untitled document';
  useEffect(() => {
    document.title = `${title} — Quire`;
  }, [title]);

  const sync = view?.sync;
  const problem = view?.problem;
  return (
    <div className="editor-page">
      <Header name={name} onRename={onRename}>
        <label className="visually-hidden" htmlFor="doc-title">Document title</label>
        <input
          id="doc-title"
          ref={titleRef}
          className="title-input"
          placeholder="Untitled document"
          maxLength={200}
          autoComplete="off"
          spellCheck={false}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              session.current?.focusEditor();
            }
          }}
        />
        <div className={`sync sync-${sync?.kind ?? 'connecting'}`} title={sync?.label} role="status" aria-live="polite" data-testid="sync-state">
          <span className="sync-dot" aria-hidden="true" />
          <span className="sync-label">{sync?.label ?? 'Connecting…'}</span>
        </div>
        {accountsOn() && (
          <button className="button" data-testid="share" onClick={() => setSharing(true)}>Share</button>
        )}
        <ul className="avatars" aria-label="People in this document">
          {view?.peers.map((p) => (
            <li key={p.id} className="avatar" style={{ background: p.colour }} title={p.name} aria-label={p.name}>
              {initials(p.name)}
            </li>
          ))}
        </ul>
      </Header>
      {problem && (
        <div className={`banner ${problem.kind === 'refused' ? 'warning' : 'error'}`} role="alert">
          {problem.kind === 'deleted' && (
            <>
              <span>This document was deleted.</span>
              <button
                className="button"
                onClick={async () => {
                  try {
                    await restoreDocument(id);
                    setRestoreError(null);
                  } catch (e) {
                    setRestoreError((e as Error).message);
                  }
                }}
              >
                Restore it
              </button>
              <a href="/" onClick={(e) => { e.preventDefault(); navigate('/'); }}>Back to documents</a>
              {restoreError && <span> {restoreError}</span>}
            </>
          )}
          {problem.kind === 'missing' && (
            <>
              <span>There is no document at this address. It may have been mistyped.</span>
              <a href="/" onClick={(e) => { e.preventDefault(); navigate('/'); }}>Back to documents</a>
            </>
          )}
          {(problem.kind === 'refused' || problem.kind === 'error') && (
            <>
              <span>{problem.text}</span>
              <button className="button" onClick={() => location.reload()}>Reload</button>
            </>
          )}
        </div>
      )}
      {view?.readOnly && !problem && (
        <div className="banner info" role="status" data-testid="read-only">
          {view.role === 'commenter'
            ? 'You can comment on this document but not edit it: you are a commenter here.'
            : `You can read this document but not change it: you are a ${view.role} here.`}
        </div>
      )}
      <div className="editor-body">
        <main className={`editor-main${view?.loaded ? '' : ' loading'}`} aria-busy={!view?.loaded}>
          <div ref={host} className="editor-host" />
        </main>
        {accountsOn() && view?.loaded && view.role !== null && view.role !== 'viewer' && (
          <CommentsPanel id={id} me={me} owner={view.role === 'owner'} session={session.current}
            version={view.commentsVersion} clicked={view.clickedComment} />
        )}
      </div>
      <footer className="statusbar" aria-label="Document statistics">
        <span data-testid="word-count">{view?.words ?? 0} {view?.words === 1 ? 'word' : 'words'}</span>
        <span aria-hidden="true">·</span>
        <span data-testid="char-count">{view?.chars ?? 0} {view?.chars === 1 ? 'character' : 'characters'}</span>
        <button className="link-button shortcuts-button" onClick={() => setHelp(true)}>Keyboard shortcuts</button>
      </footer>
      {help && <Shortcuts onClose={closeHelp} />}
      {sharing && <ShareDialog id={id} owner={view?.role === 'owner'} onClose={() => setSharing(false)} />}
    </div>
  );
}
