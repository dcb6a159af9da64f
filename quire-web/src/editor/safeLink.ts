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

const DATA_IMAGE = /^data:image\/(png|gif|jpeg|webp);base64,[a-z0-9+/=]*$/i;

/** Whether an image (or, without data images, a video) URL is one the server stores: http(s), relative, or a data image. */
export function safeMedia(url: string, dataImages: boolean): boolean {
  const compact = url.trim().replace(/[\u0000-\u001f\u007f\s]/g, '');
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(compact);
  if (!scheme) return true;
  const s = scheme[1].toLowerCase();
  return s === 'http' || s === 'https' || (dataImages && DATA_IMAGE.test(compact));
}

interface DeltaLike {
  ops: { insert?: unknown; attributes?: Record<string, unknown> }[];
}

/**
 * Pasted HTML made safe before it becomes an op: a link Quill would show as about:blank (a
 * script, data or other unsafe scheme) loses its link and keeps its text, and an image or video
 * from an unsafe URL is dropped. The server refuses such content anyway (ERR_QUIRE_CONTENT_REFUSED),
 * which would throw the whole paste away; cleaning here keeps the rest of it.
 */
export function cleanPasted<D extends DeltaLike>(delta: D): D {
  delta.ops = delta.ops.filter((op) => {
    const embed = op.insert;
    if (embed && typeof embed === 'object') {
      const e = embed as Record<string, unknown>;
      if (typeof e.image === 'string' && !safeMedia(e.image, true)) return false;
      if (typeof e.video === 'string' && !safeMedia(e.video, false)) return false;
    }
    const link = op.attributes?.link;
    if (typeof link === 'string') {
      const safe = safeLink(link);
      if (safe === 'about:blank') {
        const { link: _dropped, ...rest } = op.attributes!;
        if (Object.keys(rest).length) op.attributes = rest;
        else delete op.attributes;
      } else {
        op.attributes!.link = safe;
      }
    }
    return true;
  });
  return delta;
}
