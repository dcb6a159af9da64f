-- Organizations (issue 6): every document belongs to exactly one organization, fixed when it is
-- created. People are members of organizations with an organization role (owner, admin, member);
-- a document's "general access" gives every member of its organization a role on it (none by
-- default). Organization owners and admins get no access to documents from that alone.
--
-- Contract with the data tier (issue 7): documents.org_id is text, "C" collation, NOT NULL and
-- immutable (the trigger below), so the per-document tables can be partitioned by it.

CREATE TABLE organizations (
  id         text COLLATE "C" NOT NULL PRIMARY KEY,
  name       text NOT NULL,
  created_at bigint NOT NULL
);

-- Where everything that existed before organizations goes, and where new accounts join.
INSERT INTO organizations (id, name, created_at)
  VALUES ('default', 'Default', (extract(epoch FROM now()) * 1000)::bigint);

CREATE TABLE organization_members (
  org_id  text COLLATE "C" NOT NULL REFERENCES organizations (id),
  user_id text NOT NULL REFERENCES users (id),
  role    text NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
  PRIMARY KEY (org_id, user_id)
);
CREATE INDEX organization_members_by_user ON organization_members (user_id);

-- Existing people join the default organization; administrators as its owners.
INSERT INTO organization_members (org_id, user_id, role)
  SELECT 'default', id, CASE WHEN is_admin THEN 'owner' ELSE 'member' END FROM users;

-- Existing documents go to the default organization. The default only fills the existing rows:
-- it is dropped at once, so a new row that does not name its organization is refused.
ALTER TABLE documents ADD COLUMN org_id text COLLATE "C" NOT NULL DEFAULT 'default'
  REFERENCES organizations (id);
ALTER TABLE documents ALTER COLUMN org_id DROP DEFAULT;

-- What every member of the document's organization may do with it: 'none' or a document role.
ALTER TABLE documents ADD COLUMN general_access text NOT NULL DEFAULT 'none'
  CHECK (general_access IN ('none', 'viewer', 'commenter', 'editor'));

-- An organization's documents, as its members list them.
CREATE INDEX documents_by_org ON documents (org_id, deleted_at, edited_at DESC);

-- A document is never moved to another organization: its rows may live in that organization's
-- partitions.
CREATE FUNCTION quire_org_id_is_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the organization of document % is fixed (%), it cannot become %', OLD.id, OLD.org_id, NEW.org_id
    USING ERRCODE = 'integrity_constraint_violation';
END
$$;
CREATE TRIGGER documents_org_id_is_fixed BEFORE UPDATE OF org_id ON documents
  FOR EACH ROW WHEN (NEW.org_id IS DISTINCT FROM OLD.org_id) EXECUTE FUNCTION quire_org_id_is_fixed();
