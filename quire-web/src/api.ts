// The REST API of the home page (quire-server's DocumentsApi).

export interface DocumentInfo {
  id: string;
  title: string;
  createdAt: number;
  createdBy: string | null;
  editedAt: number;
  editedBy: string | null;
  deletedAt: number | null;
}

export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

let who: string | null = null;

/** The display name sent with changes ("last edited by"). */
export function setApiName(name: string | null): void {
  who = name;
}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (who) headers['X-Quire-Name'] = encodeURIComponent(who);
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
