-- Share links (issue 6): whoever opens a live link while signed in gets its role (viewer or
-- editor) on the document, for as long as the link lives: revoking the link takes that access
-- away from everyone who came through it. Only the link secret's SHA-256 is stored.
CREATE TABLE share_links (
  id         text COLLATE "C" NOT NULL PRIMARY KEY,
  hash       text COLLATE "C" NOT NULL UNIQUE,
  doc_id     text COLLATE "C" NOT NULL,
  role       text NOT NULL CHECK (role IN ('editor', 'viewer')),
  created_by text NOT NULL REFERENCES users (id),
  created_at bigint NOT NULL
);
CREATE INDEX share_links_by_doc ON share_links (doc_id);

-- Who came in through which link.
CREATE TABLE share_link_members (
  link_id text NOT NULL REFERENCES share_links (id) ON DELETE CASCADE,
  user_id text NOT NULL REFERENCES users (id),
  PRIMARY KEY (link_id, user_id)
);
CREATE INDEX share_link_members_by_user ON share_link_members (user_id);
