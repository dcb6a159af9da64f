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

export async function listDocuments(q: string, sort: Sort, trash = false): Promise<DocumentInfo[]> {
  const params = new URLSearchParams({ sort });
  if (q.trim()) params.set('q', q.trim());
  if (trash) params.set('trash', 'true');
  return (await call<{ documents: DocumentInfo[] }>('GET', '/api/documents?' + params)).documents;
}

export async function getDocument(id: string): Promise<DocumentInfo> {
  return (await call<{ document: DocumentInfo }>('GET', '/api/documents/' + encodeURIComponent(id))).document;
}

export async function createDocument(title: string): Promise<DocumentInfo> {
  return (await call<{ document: DocumentInfo }>('POST', '/api/documents', { title })).document;
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
}

export async function listTokens(): Promise<TokenInfo[]> {
  return (await call<{ tokens: TokenInfo[] }>('GET', '/api/tokens')).tokens;
}

export async function createToken(name: string): Promise<{ secret: string; token: TokenInfo }> {
  return call('POST', '/api/tokens', { name });
}

export async function revokeToken(id: string): Promise<void> {
  await call('DELETE', '/api/tokens/' + encodeURIComponent(id));
}

export interface Person {
  id: string;
  name: string | null;
  role: string;
}

const people = (id: string) => '/api/documents/' + encodeURIComponent(id) + '/people';

export async function listPeople(doc: string): Promise<Person[]> {
  return (await call<{ people: Person[] }>('GET', people(doc))).people;
}

export async function share(doc: string, user: string, role: string): Promise<Person[]> {
  return (await call<{ people: Person[] }>('PUT', people(doc), { user, role })).people;
}

export async function unshare(doc: string, userId: string): Promise<Person[]> {
  return (await call<{ people: Person[] }>('DELETE', people(doc) + '/' + encodeURIComponent(userId))).people;
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
