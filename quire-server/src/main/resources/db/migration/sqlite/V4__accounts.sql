-- Accounts (issue 6): people, their sessions and API tokens, and who may do what with each
-- document. Session ids and tokens are never stored: only the SHA-256 of each (hex), so a copy of
-- the database cannot sign in.

-- name_key is the name lowercased: "Ann" and "ann" are one account. Emails likewise.
CREATE TABLE users (
  id            TEXT    NOT NULL PRIMARY KEY,
  name          TEXT    NOT NULL,
  name_key      TEXT    NOT NULL UNIQUE,
  email         TEXT,
  email_key     TEXT    UNIQUE,
  password_hash TEXT    NOT NULL,
  is_admin      INTEGER NOT NULL CHECK (is_admin IN (0, 1)),
  created_at    INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

-- One row once the first administrator exists: the one-time set-up link can succeed only once.
CREATE TABLE setup (
  id      INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
  user_id TEXT    NOT NULL REFERENCES users (id)
) STRICT;

CREATE TABLE sessions (
  id_hash    TEXT    NOT NULL PRIMARY KEY,
  user_id    TEXT    NOT NULL REFERENCES users (id),
  created_at INTEGER NOT NULL,
  seen_at    INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX sessions_by_user ON sessions (user_id);

CREATE TABLE api_tokens (
  id         TEXT    NOT NULL PRIMARY KEY,
  hash       TEXT    NOT NULL UNIQUE,
  user_id    TEXT    NOT NULL REFERENCES users (id),
  name       TEXT    NOT NULL,
  created_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX api_tokens_by_user ON api_tokens (user_id);

-- Who may do what with a document: owner, editor, commenter or viewer.
CREATE TABLE document_roles (
  doc_id  TEXT NOT NULL,
  user_id TEXT NOT NULL REFERENCES users (id),
  role    TEXT NOT NULL CHECK (role IN ('owner', 'editor', 'commenter', 'viewer')),
  PRIMARY KEY (doc_id, user_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX document_roles_by_user ON document_roles (user_id);
