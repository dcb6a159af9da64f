// Links in documents come from other people (and from pasted HTML), so only schemes that cannot
// run code in this page are kept; anything else becomes about:blank. Quill calls this for every
// link it renders, local or remote (see editor/setupQuill.ts).

export const SAFE_SCHEMES = ['http', 'https', 'mailto', 'tel'];

export function safeLink(url: string): string {
  const trimmed = url.trim();
  // Browsers ignore tabs and newlines inside a scheme ("java\tscript:"), so the check must too.
  const compact = trimmed.replace(/[\u0000-\u001f\u007f\s]/g, '');
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(compact);
  if (scheme) {
    return SAFE_SCHEMES.includes(scheme[1].toLowerCase()) ? trimmed : 'about:blank';
  }
  if (compact.length === 0) {
    return 'about:blank';
  }
  // No scheme: a relative link stays in this site; "example.com" is what people type for a site.
  if (/^[a-z0-9-]+(\.[a-z0-9-]+)+(\/|$)/i.test(compact)) {
    return 'https://' + trimmed;
  }
  return trimmed;
}
