import { useEffect, useState } from 'react';
import {
  addMember, createOrganization, listMembers, listOrganizations, removeMember, renameOrganization, setMemberRole,
  type Member, type Organization,
} from '../api';
import { Header } from '../Header';

const ORG_ROLES = ['member', 'admin', 'owner'];

/**
 * Your organizations: create one (you own it), and for the one selected its members and their
 * roles. Owners and admins add people by name or email, change roles and remove members; only
 * owners make owners (the server decides; this page only offers what your role allows).
 */
export function OrganizationsPage({ name, me }: { name: string; me: string }) {
  const [orgs, setOrgs] = useState<Organization[]>([]);
  const [selected, setSelected] = useState<string | null>(null);
  const [members, setMembers] = useState<Member[]>([]);
  const [newOrg, setNewOrg] = useState('');
  const [who, setWho] = useState('');
  const [role, setRole] = useState('member');
  const [renaming, setRenaming] = useState('');
  const [error, setError] = useState<string | null>(null);

  const loadOrgs = async (select?: string) => {
    const list = await listOrganizations();
    setOrgs(list);
    setSelected((s) => select ?? (s && list.some((o) => o.id === s) ? s : list[0]?.id ?? null));
  };
  const attempt = async (f: () => Promise<unknown>) => {
    try {
      await f();
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    }
  };

  useEffect(() => {
    document.title = 'Organizations — Quire';
    void attempt(() => loadOrgs());
  }, []);
  useEffect(() => {
    if (selected) void attempt(async () => setMembers(await listMembers(selected)));
    else setMembers([]);
  }, [selected]);

  const org = orgs.find((o) => o.id === selected) ?? null;
  const manages = org?.role === 'owner' || org?.role === 'admin';
  const offered = org?.role === 'owner' ? ORG_ROLES : ORG_ROLES.filter((r) => r !== 'owner');

  return (
    <div className="account-page">
      <Header name={name} onRename={() => {}} />
      <main className="account-main">
        <h1>Organizations</h1>
        <p className="muted">
          Every document belongs to one organization. Its owner can let everyone in the organization view, comment
          or edit it; being an owner or admin of an organization does not open its documents by itself.
        </p>
        <section aria-labelledby="orgs-title">
          <h2 id="orgs-title">Yours</h2>
          <ul className="people" aria-label="Your organizations">
            {orgs.map((o) => (
              <li key={o.id} data-testid="org">
                <button className="link-button person-name" aria-pressed={o.id === selected} onClick={() => setSelected(o.id)}>
                  {o.name}
                </button>
                <span className="muted">{o.role}</span>
              </li>
            ))}
          </ul>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void attempt(async () => {
                const made = await createOrganization(newOrg.trim());
                setNewOrg('');
                await loadOrgs(made.id);
              });
            }}
          >
            <label htmlFor="org-name">New organization</label>
            <input id="org-name" maxLength={100} value={newOrg} onChange={(e) => setNewOrg(e.target.value)} />
            <button className="button" type="submit" disabled={!newOrg.trim()}>Create organization</button>
          </form>
        </section>
        {org && (
          <section aria-labelledby="members-title">
            <h2 id="members-title">Members of {org.name}</h2>
            {manages && (
              <form
                onSubmit={(e) => {
                  e.preventDefault();
                  void attempt(async () => {
                    await renameOrganization(org.id, renaming.trim());
                    setRenaming('');
                    await loadOrgs();
                  });
                }}
              >
                <label htmlFor="org-rename">Rename</label>
                <input id="org-rename" maxLength={100} placeholder={org.name} value={renaming} onChange={(e) => setRenaming(e.target.value)} />
                <button className="button" type="submit" disabled={!renaming.trim()}>Rename</button>
              </form>
            )}
            <ul className="people" aria-label="Members and their roles">
              {members.map((m) => (
                <li key={m.id} data-testid="member">
                  <span className="person-name">{m.name ?? '(removed account)'}{m.id === me ? ' (you)' : ''}</span>
                  {manages && (org.role === 'owner' || m.role !== 'owner') ? (
                    <select aria-label={`Role of ${m.name} in ${org.name}`} value={m.role}
                      onChange={(e) => attempt(async () => setMembers(await setMemberRole(org.id, m.id, e.target.value)))}>
                      {(m.role === 'owner' ? ORG_ROLES : offered).map((r) => <option key={r} value={r}>{r}</option>)}
                    </select>
                  ) : (
                    <span className="muted">{m.role}</span>
                  )}
                  {(m.id === me || (manages && (org.role === 'owner' || m.role !== 'owner'))) && (
                    <button
                      className="link-button"
                      onClick={() => attempt(async () => {
                        const left = await removeMember(org.id, m.id);
                        if (m.id === me) await loadOrgs();
                        else setMembers(left);
                      })}
                    >
                      {m.id === me ? 'Leave' : 'Remove'}
                    </button>
                  )}
                </li>
              ))}
            </ul>
            {manages && (
              <form
                className="share-form"
                onSubmit={(e) => {
                  e.preventDefault();
                  void attempt(async () => {
                    setMembers(await addMember(org.id, who.trim(), role));
                    setWho('');
                  });
                }}
              >
                <label htmlFor="member-who">Add (name or email)</label>
                <input id="member-who" value={who} maxLength={254} onChange={(e) => setWho(e.target.value)} />
                <label htmlFor="member-role">as</label>
                <select id="member-role" value={role} onChange={(e) => setRole(e.target.value)}>
                  {offered.map((r) => <option key={r} value={r}>{r}</option>)}
                </select>
                <button className="button primary" type="submit" disabled={!who.trim()}>Add</button>
              </form>
            )}
          </section>
        )}
        {error && <p className="form-error" role="alert">{error}</p>}
      </main>
    </div>
  );
}
