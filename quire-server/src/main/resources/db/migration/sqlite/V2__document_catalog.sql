-- The document catalog: what the home page lists (title, created, last edited and by whom) and
-- whether a document is in the trash. The op log stays the truth of a document's contents; the
-- title here is a copy of the document's title document (collection "titles"), kept in step by
-- the server after each commit. title_version is that document's version when the copy was
-- taken, so copies written out of order (or by two servers) never replace a newer one.
CREATE TABLE documents (
  id            TEXT    NOT NULL PRIMARY KEY,
  title         TEXT    NOT NULL,
  title_version INTEGER NOT NULL CHECK (title_version >= 0),
  created_at    INTEGER NOT NULL,
  created_by    TEXT,
  edited_at     INTEGER NOT NULL,
  edited_by     TEXT,
  deleted_at    INTEGER
) STRICT, WITHOUT ROWID;

-- The home page's default listing: live documents, most recently edited first.
CREATE INDEX documents_by_edit ON documents (deleted_at, edited_at DESC);
