-- Accounts (issue 6): people, their sessions and API tokens, and who may do what with each
-- document. Everything here must outlive Redis, so it lives in the store. Session ids and tokens
-- are never stored: only the SHA-256 of each (hex), so a copy of the database cannot sign in.

-- name_key is the name lowercased: "Ann" and "ann" are one account. Emails likewise.
CREATE TABLE users (
  id            text COLLATE "C" NOT NULL PRIMARY KEY,
  name          text NOT NULL,
  name_key      text COLLATE "C" NOT NULL UNIQUE,
  email         text,
  email_key     text COLLATE "C" UNIQUE,
  password_hash text NOT NULL,
  is_admin      boolean NOT NULL,
  created_at    bigint NOT NULL
);

-- One row once the first administrator exists: the one-time set-up link can succeed only once,
-- even when two servers (or two clicks) race.
CREATE TABLE setup (
  id      int  NOT NULL PRIMARY KEY CHECK (id = 1),
  user_id text NOT NULL REFERENCES users (id)
);

CREATE TABLE sessions (
  id_hash    text COLLATE "C" NOT NULL PRIMARY KEY,
  user_id    text NOT NULL REFERENCES users (id),
  created_at bigint NOT NULL,
  seen_at    bigint NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);

CREATE TABLE api_tokens (
  id         text COLLATE "C" NOT NULL PRIMARY KEY,
  hash       text COLLATE "C" NOT NULL UNIQUE,
  user_id    text NOT NULL REFERENCES users (id),
  name       text NOT NULL,
  created_at bigint NOT NULL
);
CREATE INDEX api_tokens_by_user ON api_tokens (user_id);

-- Who may do what with a document: owner, editor, commenter or viewer.
CREATE TABLE document_roles (
  doc_id  text COLLATE "C" NOT NULL,
  user_id text NOT NULL REFERENCES users (id),
  role    text NOT NULL CHECK (role IN ('owner', 'editor', 'commenter', 'viewer')),
  PRIMARY KEY (doc_id, user_id)
);
CREATE INDEX document_roles_by_user ON document_roles (user_id);
