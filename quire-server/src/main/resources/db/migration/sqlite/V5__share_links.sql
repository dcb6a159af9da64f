-- Share links (issue 6): whoever opens a live link while signed in gets its role (viewer or
-- editor) on the document, for as long as the link lives: revoking the link takes that access
-- away from everyone who came through it. Only the link secret's SHA-256 is stored.
CREATE TABLE share_links (
  id         TEXT    NOT NULL PRIMARY KEY,
  hash       TEXT    NOT NULL UNIQUE,
  doc_id     TEXT    NOT NULL,
  role       TEXT    NOT NULL CHECK (role IN ('editor', 'viewer')),
  created_by TEXT    NOT NULL REFERENCES users (id),
  created_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX share_links_by_doc ON share_links (doc_id);

-- Who came in through which link.
CREATE TABLE share_link_members (
  link_id TEXT NOT NULL REFERENCES share_links (id) ON DELETE CASCADE,
  user_id TEXT NOT NULL REFERENCES users (id),
  PRIMARY KEY (link_id, user_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX share_link_members_by_user ON share_link_members (user_id);
