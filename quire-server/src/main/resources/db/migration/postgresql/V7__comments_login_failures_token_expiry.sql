-- Failed logins (issue 6), in the store so every server of a cluster counts the same failures:
-- an attacker gets the same few tries whichever server the load balancer sends them to. key is
-- "n:" and the lowercased name or email tried, or "a:" and the client address. Rows older than
-- the throttle's window are deleted as new ones come, so the table stays small.
CREATE TABLE login_failures (
  key text COLLATE "C" NOT NULL,
  at  bigint NOT NULL
);
CREATE INDEX login_failures_by_key ON login_failures (key, at);
CREATE INDEX login_failures_by_time ON login_failures (at);

-- Comments (issue 6): threads about a piece of a document, each with its comments in order. The
-- anchor lives in the document itself, as the "comment" format valued with the thread's id, so
-- it moves with the text through every transform; quote keeps the text as it was when the
-- thread was started, for a thread whose anchor was edited away.
CREATE TABLE comment_threads (
  id          text COLLATE "C" NOT NULL PRIMARY KEY,
  doc_id      text COLLATE "C" NOT NULL,
  quote       text NOT NULL,
  created_by  text NOT NULL REFERENCES users (id),
  created_at  bigint NOT NULL,
  resolved_at bigint,
  resolved_by text REFERENCES users (id)
);
CREATE INDEX comment_threads_by_doc ON comment_threads (doc_id, created_at);

CREATE TABLE comments (
  id         text COLLATE "C" NOT NULL PRIMARY KEY,
  thread_id  text COLLATE "C" NOT NULL REFERENCES comment_threads (id),
  author_id  text NOT NULL REFERENCES users (id),
  body       text NOT NULL,
  created_at bigint NOT NULL,
  edited_at  bigint
);
CREATE INDEX comments_by_thread ON comments (thread_id, created_at);

-- API tokens may be made to stop working at a time (null: when revoked), as a program's access
-- should not outlive its purpose by default-forever.
ALTER TABLE api_tokens ADD COLUMN expires_at bigint;
