// The REST API of the home page (quire-server's DocumentsApi).

export interface DocumentInfo {
  id: string;
  title: string;
  createdAt: number;
  createdBy: string | null;
  editedAt: number;
  editedBy: string | null;
  deletedAt: number | null;
  /** Your role on it: owner, editor, commenter or viewer (always owner without accounts). */
  role: string | null;
  /** The organization it belongs to (for good: a document never moves). */
  org: string;
  /** What everyone in its organization may do: none, viewer, commenter or editor. */
  generalAccess: string;
}

export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

let who: string | null = null;
/** The session's CSRF token (from /api/auth/state): in memory only, never in storage. */
let csrf: string | null = null;

export function setCsrf(token: string | null): void {
  csrf = token;
}

/** The display name sent with changes ("last edited by"). */
export function setApiName(name: string | null): void {
  who = name;
}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (who) headers['X-Quire-Name'] = encodeURIComponent(who);
  if (csrf && method !== 'GET') headers['X-CSRF-Token'] = csrf;
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, 'ERR_NETWORK', 'Quire cannot be reached. Check your connection and try again.');
  }
  const text = await res.text();
  let json: any = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: a proxy's error page
  }
  if (!res.ok) {
    const e = json?.error;
    throw new ApiError(res.status, e?.code ?? 'ERR_HTTP_' + res.status, e?.message ?? `The server answered ${res.status}.`);
  }
  return json as T;
}

export type Sort = 'recent' | 'name';

export async function listDocuments(q: string, sort: Sort, trash = false, org: string | null = null): Promise<DocumentInfo[]> {
  const params = new URLSearchParams({ sort });
  if (q.trim()) params.set('q', q.trim());
  if (trash) params.set('trash', 'true');
  if (org) params.set('org', org);
  return (await call<{ documents: DocumentInfo[] }>('GET', '/api/documents?' + params)).documents;
}

export async function getDocument(id: string): Promise<DocumentInfo> {
  return (await call<{ document: DocumentInfo }>('GET', '/api/documents/' + encodeURIComponent(id))).document;
}

/** A new document in organization {@code org} (null: the server picks your first, "default" if you are in it). */
export async function createDocument(title: string, org: string | null = null): Promise<DocumentInfo> {
  return (await call<{ document: DocumentInfo }>('POST', '/api/documents', org ? { title, org } : { title })).document;
}

export async function renameDocument(id: string, title: string): Promise<DocumentInfo> {
  return (await call<{ document: DocumentInfo }>('PATCH', '/api/documents/' + encodeURIComponent(id), { title })).document;
}

export async function deleteDocument(id: string): Promise<DocumentInfo> {
  return (await call<{ document: DocumentInfo }>('DELETE', '/api/documents/' + encodeURIComponent(id))).document;
}

export async function restoreDocument(id: string): Promise<DocumentInfo> {
  return (await call<{ document: DocumentInfo }>('POST', '/api/documents/' + encodeURIComponent(id) + '/restore', {})).document;
}

// ---- accounts (quire-server's AuthApi and SharingApi) ----

export interface Me {
  id: string;
  name: string;
  admin: boolean;
}

export interface AuthState {
  mode: 'accounts' | 'open';
  signup: boolean;
  setupPending: boolean;
  user: Me | null;
  csrf: string | null;
}

export async function authState(): Promise<AuthState> {
  const s = await call<AuthState>('GET', '/api/auth/state');
  setCsrf(s.csrf);
  return s;
}

async function signIn(path: string, body: unknown): Promise<Me> {
  const r = await call<{ user: Me; csrf: string }>('POST', path, body);
  setCsrf(r.csrf);
  return r.user;
}

export const logIn = (name: string, password: string) => signIn('/api/auth/login', { name, password });
export const signUp = (name: string, email: string, password: string) =>
  signIn('/api/auth/signup', { name, email: email || null, password });
export const setUp = (secret: string, name: string, password: string) =>
  signIn('/api/auth/setup', { secret, name, password });
export const changePassword = (current: string, password: string) =>
  signIn('/api/auth/password', { current, password });

export async function logOut(): Promise<void> {
  await call('POST', '/api/auth/logout', {});
  setCsrf(null);
}

export interface TokenInfo {
  id: string;
  name: string;
  createdAt: number;
  /** When it stops working; null: when revoked. */
  expiresAt: number | null;
}

export async function listTokens(): Promise<TokenInfo[]> {
  return (await call<{ tokens: TokenInfo[] }>('GET', '/api/tokens')).tokens;
}

/** A new token that works for `expiresInDays` days (null: until revoked). */
export async function createToken(name: string, expiresInDays: number | null): Promise<{ secret: string; token: TokenInfo }> {
  return call('POST', '/api/tokens', { name, expiresInDays });
}

export async function revokeToken(id: string): Promise<void> {
  await call('DELETE', '/api/tokens/' + encodeURIComponent(id));
}

export interface Person {
  id: string;
  name: string | null;
  role: string;
}

/** The people in a document, and what everyone in its organization may do with it. */
export interface People {
  people: Person[];
  organization: { id: string; name: string };
  generalAccess: string;
}

const people = (id: string) => '/api/documents/' + encodeURIComponent(id) + '/people';

export async function listPeople(doc: string): Promise<People> {
  return call<People>('GET', people(doc));
}

export async function share(doc: string, user: string, role: string): Promise<People> {
  return call<People>('PUT', people(doc), { user, role });
}

export async function unshare(doc: string, userId: string): Promise<People> {
  return call<People>('DELETE', people(doc) + '/' + encodeURIComponent(userId));
}

/** Owners: none, viewer, commenter or editor for everyone in the document's organization. */
export async function setGeneralAccess(doc: string, generalAccess: string): Promise<People> {
  return call<People>('PUT', '/api/documents/' + encodeURIComponent(doc) + '/access', { generalAccess });
}

// ---- comments (quire-server's CommentsApi) ----

export interface CommentInfo {
  id: string;
  author: { id: string; name: string | null };
  body: string;
  createdAt: number;
  editedAt?: number;
}

export interface ThreadInfo {
  id: string;
  /** The text the thread was started about. */
  quote: string;
  createdBy: { id: string; name: string | null };
  createdAt: number;
  resolved: boolean;
  resolvedBy?: { id: string; name: string | null };
  comments: CommentInfo[];
}

const comments = (doc: string, ...rest: string[]) =>
  ['/api/documents', doc, 'comments', ...rest].map((p, i) => (i === 0 ? p : encodeURIComponent(p))).join('/');

export async function listComments(doc: string): Promise<ThreadInfo[]> {
  return (await call<{ threads: ThreadInfo[] }>('GET', comments(doc))).threads;
}

export async function startThread(doc: string, quote: string, body: string): Promise<ThreadInfo> {
  return (await call<{ thread: ThreadInfo }>('POST', comments(doc), { quote, body })).thread;
}

export async function reply(doc: string, thread: string, body: string): Promise<ThreadInfo> {
  return (await call<{ thread: ThreadInfo }>('POST', comments(doc, thread, 'replies'), { body })).thread;
}

export async function setResolved(doc: string, thread: string, resolved: boolean): Promise<ThreadInfo> {
  return (await call<{ thread: ThreadInfo }>('PATCH', comments(doc, thread), { resolved })).thread;
}

export async function removeThread(doc: string, thread: string): Promise<void> {
  await call('DELETE', comments(doc, thread));
}

export async function removeComment(doc: string, thread: string, comment: string): Promise<void> {
  await call('DELETE', comments(doc, thread, 'replies', comment));
}

// ---- organizations (quire-server's OrganizationsApi) ----

export interface Organization {
  id: string;
  name: string;
  /** Your role in it: owner, admin or member. */
  role: string;
  createdAt: number;
}

export interface Member {
  id: string;
  name: string | null;
  role: string;
}

const orgPath = (id: string) => '/api/organizations/' + encodeURIComponent(id);

/** Your organizations, by name. */
export async function listOrganizations(): Promise<Organization[]> {
  return (await call<{ organizations: Organization[] }>('GET', '/api/organizations')).organizations;
}

export async function createOrganization(name: string): Promise<Organization> {
  return (await call<{ organization: Organization }>('POST', '/api/organizations', { name })).organization;
}

export async function renameOrganization(id: string, name: string): Promise<Organization> {
  return (await call<{ organization: Organization }>('PATCH', orgPath(id), { name })).organization;
}

export async function listMembers(org: string): Promise<Member[]> {
  return (await call<{ members: Member[] }>('GET', orgPath(org) + '/members')).members;
}

export async function addMember(org: string, user: string, role: string): Promise<Member[]> {
  return (await call<{ members: Member[] }>('POST', orgPath(org) + '/members', { user, role })).members;
}

export async function setMemberRole(org: string, userId: string, role: string): Promise<Member[]> {
  return (await call<{ members: Member[] }>('PATCH', orgPath(org) + '/members/' + encodeURIComponent(userId), { role })).members;
}

export async function removeMember(org: string, userId: string): Promise<Member[]> {
  return (await call<{ members: Member[] }>('DELETE', orgPath(org) + '/members/' + encodeURIComponent(userId))).members;
}

export interface LinkInfo {
  id: string;
  role: string;
  createdAt: number;
}

const links = (id: string) => '/api/documents/' + encodeURIComponent(id) + '/links';

export async function listLinks(doc: string): Promise<LinkInfo[]> {
  return (await call<{ links: LinkInfo[] }>('GET', links(doc))).links;
}

/** A new share link; its secret is shown once (the address is /s#SECRET: the secret stays out of logs). */
export async function createLink(doc: string, role: string): Promise<{ secret: string; path: string; link: LinkInfo }> {
  return call('POST', links(doc), { role });
}

export async function revokeLink(doc: string, id: string): Promise<LinkInfo[]> {
  return (await call<{ links: LinkInfo[] }>('DELETE', links(doc) + '/' + encodeURIComponent(id))).links;
}

export async function redeemLink(secret: string): Promise<{ document: string; role: string }> {
  return call('POST', '/api/links/redeem', { secret });
}
