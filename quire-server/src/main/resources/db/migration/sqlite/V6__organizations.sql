-- Organizations (issue 6): every document belongs to exactly one organization, fixed when it is
-- created. People are members of organizations with an organization role (owner, admin, member);
-- a document's "general access" gives every member of its organization a role on it (none by
-- default). Organization owners and admins get no access to documents from that alone.
-- documents.org_id is NOT NULL and immutable (the trigger below), as in PostgreSQL.

CREATE TABLE organizations (
  id         TEXT    NOT NULL PRIMARY KEY,
  name       TEXT    NOT NULL,
  created_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

-- Where everything that existed before organizations goes, and where new accounts join.
INSERT INTO organizations (id, name, created_at)
  VALUES ('default', 'Default', CAST(strftime('%s', 'now') AS INTEGER) * 1000);

CREATE TABLE organization_members (
  org_id  TEXT NOT NULL REFERENCES organizations (id),
  user_id TEXT NOT NULL REFERENCES users (id),
  role    TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
  PRIMARY KEY (org_id, user_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX organization_members_by_user ON organization_members (user_id);

-- Existing people join the default organization; administrators as its owners.
INSERT INTO organization_members (org_id, user_id, role)
  SELECT 'default', id, CASE WHEN is_admin = 1 THEN 'owner' ELSE 'member' END FROM users;

-- Existing documents go to the default organization. (SQLite cannot drop a column's default, so
-- the catalog always names the organization itself.)
ALTER TABLE documents ADD COLUMN org_id TEXT NOT NULL DEFAULT 'default';

-- What every member of the document's organization may do with it: 'none' or a document role.
ALTER TABLE documents ADD COLUMN general_access TEXT NOT NULL DEFAULT 'none'
  CHECK (general_access IN ('none', 'viewer', 'commenter', 'editor'));

-- An organization's documents, as its members list them.
CREATE INDEX documents_by_org ON documents (org_id, deleted_at, edited_at DESC);

-- A document is never moved to another organization.
CREATE TRIGGER documents_org_id_is_fixed BEFORE UPDATE OF org_id ON documents
  WHEN NEW.org_id IS NOT OLD.org_id
BEGIN
  SELECT RAISE(ABORT, 'the organization of a document is fixed');
END;
