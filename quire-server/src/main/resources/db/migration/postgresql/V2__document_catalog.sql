-- The document catalog: what the home page lists (title, created, last edited and by whom) and
-- whether a document is in the trash. The op log stays the truth of a document's contents; the
-- title here is a copy of the document's title document (collection "titles"), kept in step by
-- the server after each commit. title_version is that document's version when the copy was
-- taken, so copies written out of order (or by two servers) never replace a newer one.
CREATE TABLE documents (
  id            text COLLATE "C" NOT NULL PRIMARY KEY,
  title         text   NOT NULL,
  title_version bigint NOT NULL CHECK (title_version >= 0),
  created_at    bigint NOT NULL,
  created_by    text,
  edited_at     bigint NOT NULL,
  edited_by     text,
  deleted_at    bigint
);

-- The home page's default listing: live documents, most recently edited first.
CREATE INDEX documents_by_edit ON documents (deleted_at, edited_at DESC);
