-- Failed logins (issue 6), in the store as on PostgreSQL (where every server of a cluster counts
-- the same failures). key is "n:" and the lowercased name or email tried, or "a:" and the client
-- address. Rows older than the throttle's window are deleted as new ones come.
CREATE TABLE login_failures (
  key TEXT    NOT NULL,
  at  INTEGER NOT NULL
) STRICT;
CREATE INDEX login_failures_by_key ON login_failures (key, at);
CREATE INDEX login_failures_by_time ON login_failures (at);

-- Comments (issue 6): threads about a piece of a document, each with its comments in order. The
-- anchor lives in the document itself, as the "comment" format valued with the thread's id;
-- quote keeps the text as it was when the thread was started.
CREATE TABLE comment_threads (
  id          TEXT    NOT NULL PRIMARY KEY,
  doc_id      TEXT    NOT NULL,
  quote       TEXT    NOT NULL,
  created_by  TEXT    NOT NULL REFERENCES users (id),
  created_at  INTEGER NOT NULL,
  resolved_at INTEGER,
  resolved_by TEXT    REFERENCES users (id)
) STRICT, WITHOUT ROWID;
CREATE INDEX comment_threads_by_doc ON comment_threads (doc_id, created_at);

CREATE TABLE comments (
  id         TEXT    NOT NULL PRIMARY KEY,
  thread_id  TEXT    NOT NULL REFERENCES comment_threads (id),
  author_id  TEXT    NOT NULL REFERENCES users (id),
  body       TEXT    NOT NULL,
  created_at INTEGER NOT NULL,
  edited_at  INTEGER
) STRICT, WITHOUT ROWID;
CREATE INDEX comments_by_thread ON comments (thread_id, created_at);

-- API tokens may be made to stop working at a time (null: when revoked), as a program's access
-- should not outlive its purpose by default-forever.
ALTER TABLE api_tokens ADD COLUMN expires_at INTEGER;
