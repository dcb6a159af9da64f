import { useCallback, useEffect, useState } from 'react';
import {
  listComments, removeComment, removeThread, reply, setResolved, startThread, type ThreadInfo,
} from '../api';
import { ago } from '../time';
import type { DocumentSession, TextRange } from './session';

/**
 * The comments beside the text (commenters, editors and owners): open threads, each with its
 * quote, comments and a reply box; resolved ones folded away. A new thread starts from the text
 * selected in the editor and is anchored to it. The list reloads whenever the server says the
 * comments changed, so what others write appears at once. Comment text is shown as text, never
 * as markup.
 */
export function CommentsPanel({ id, me, owner, session, version, clicked }: {
  id: string;
  me: string | null;
  owner: boolean;
  session: DocumentSession | null;
  version: number;
  clicked: string | null;
}) {
  const [threads, setThreads] = useState<ThreadInfo[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [draft, setDraft] = useState<TextRange | null>(null);
  const [draftText, setDraftText] = useState('');
  const [active, setActive] = useState<string | null>(null);
  const [showResolved, setShowResolved] = useState(false);

  const reload = useCallback(async () => {
    try {
      setThreads(await listComments(id));
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    }
  }, [id]);

  useEffect(() => { void reload(); }, [reload, version]);
  useEffect(() => { if (clicked) setActive(clicked); }, [clicked]);

  const run = async (work: () => Promise<unknown>) => {
    try {
      await work();
      setError(null);
      await reload();
    } catch (e) {
      setError((e as Error).message);
    }
  };

  const begin = () => {
    const range = session?.selectedText() ?? null;
    if (!range) {
      setError('Select the text you want to comment on first.');
      return;
    }
    setError(null);
    setDraft(range);
  };

  const submitDraft = () => run(async () => {
    if (!draft || !session) return;
    const t = await startThread(id, draft.text.slice(0, 1000), draftText);
    session.anchor(t.id, draft);
    setDraft(null);
    setDraftText('');
    setActive(t.id);
  });

  const open = threads.filter((t) => !t.resolved);
  const resolved = threads.filter((t) => t.resolved);
  // Open threads' anchors are highlighted, the active one more; resolved ones not at all. Ids
  // are the server's ([A-Za-z0-9_-]), so they are safe inside the selectors.
  const css = open.map((t) => `.ql-editor [data-comment="${t.id}"]`).join(',') + (open.length ? '{background:#fff3b0;border-bottom:2px solid #f2c200}' : '')
    + (active && open.some((t) => t.id === active) ? `.ql-editor [data-comment="${active}"]{background:#ffe066}` : '');

  const thread = (t: ThreadInfo) => (
    <li
      key={t.id}
      className={`thread${t.id === active ? ' active' : ''}${t.resolved ? ' resolved' : ''}`}
      data-testid="thread"
      onClick={() => {
        setActive(t.id);
        const at = session?.anchorOf(t.id);
        if (at) session?.show(at);
      }}
    >
      {t.quote && <blockquote className="thread-quote">{t.quote}</blockquote>}
      <ol className="thread-comments">
        {t.comments.map((c, i) => (
          <li key={c.id} data-testid="comment">
            <div className="comment-head">
              <strong>{c.author.name ?? '(removed account)'}</strong>
              <span className="muted"> {ago(c.createdAt)}{c.editedAt ? ' (edited)' : ''}</span>
              {i > 0 && (c.author.id === me || owner) && (
                <button className="link-button" aria-label="Delete this comment"
                  onClick={(e) => { e.stopPropagation(); void run(() => removeComment(id, t.id, c.id)); }}>
                  Delete
                </button>
              )}
            </div>
            <p className="comment-body">{c.body}</p>
          </li>
        ))}
      </ol>
      {t.resolved && <p className="muted">Resolved by {t.resolvedBy?.name ?? 'someone'}</p>}
      <div className="thread-actions">
        <button className="link-button" onClick={(e) => { e.stopPropagation(); void run(() => setResolved(id, t.id, !t.resolved)); }}>
          {t.resolved ? 'Reopen' : 'Resolve'}
        </button>
        {(t.createdBy.id === me || owner) && (
          <button className="link-button" onClick={(e) => { e.stopPropagation(); void run(() => removeThread(id, t.id)); }}>
            Delete thread
          </button>
        )}
      </div>
      {!t.resolved && <ReplyBox onSend={(text) => run(() => reply(id, t.id, text))} />}
    </li>
  );

  return (
    <aside className="comments" aria-label="Comments">
      <style>{css}</style>
      <div className="comments-head">
        <h2>Comments</h2>
        <button className="button" data-testid="add-comment" onMouseDown={(e) => e.preventDefault()} onClick={begin}>
          Comment
        </button>
      </div>
      {draft && (
        <form className="comment-form" data-testid="new-comment" onSubmit={(e) => { e.preventDefault(); void submitDraft(); }}>
          <blockquote className="thread-quote">{draft.text}</blockquote>
          <label className="visually-hidden" htmlFor="new-comment-text">Your comment</label>
          <textarea id="new-comment-text" value={draftText} maxLength={10000} autoFocus rows={3}
            onChange={(e) => setDraftText(e.target.value)} />
          <div className="thread-actions">
            <button className="button primary" type="submit" disabled={!draftText.trim()}>Comment</button>
            <button className="button" type="button" onClick={() => { setDraft(null); setDraftText(''); }}>Cancel</button>
          </div>
        </form>
      )}
      {error && <p className="form-error" role="alert">{error}</p>}
      {open.length === 0 && !draft && <p className="muted">No open comments. Select text and press Comment.</p>}
      <ul className="threads" aria-label="Open comments">{open.map(thread)}</ul>
      {resolved.length > 0 && (
        <>
          <button className="link-button" onClick={() => setShowResolved(!showResolved)} aria-expanded={showResolved}>
            {showResolved ? 'Hide' : 'Show'} resolved ({resolved.length})
          </button>
          {showResolved && <ul className="threads" aria-label="Resolved comments">{resolved.map(thread)}</ul>}
        </>
      )}
    </aside>
  );
}

function ReplyBox({ onSend }: { onSend: (text: string) => Promise<void> }) {
  const [text, setText] = useState('');
  return (
    <form
      className="comment-form"
      onClick={(e) => e.stopPropagation()}
      onSubmit={(e) => {
        e.preventDefault();
        void onSend(text).then(() => setText(''));
      }}
    >
      <textarea aria-label="Reply" value={text} maxLength={10000} rows={1} placeholder="Reply…"
        onChange={(e) => setText(e.target.value)} />
      {text.trim() && <button className="button primary" type="submit">Reply</button>}
    </form>
  );
}
