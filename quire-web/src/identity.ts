// Who is typing on a server without accounts (auth=open): a display name the person chooses once,
// kept in this browser. It is a label shown to others, not a credential. With accounts the name
// is the account's, from /api/auth/state.

const KEY = 'quire.name';

export function savedName(): string | null {
  try {
    const n = localStorage.getItem(KEY);
    return n && n.trim() ? n.trim() : null;
  } catch {
    return null; // storage disabled: ask every time
  }
}

export function saveName(name: string): void {
  try {
    localStorage.setItem(KEY, name.trim());
  } catch {
    // storage disabled: the name lasts for this page only
  }
}

// Colours that keep white text readable and stay apart from each other.
const COLOURS = ['#d81b60', '#8e24aa', '#3949ab', '#039be5', '#00897b', '#43a047', '#e65100', '#6d4c41', '#546e7a', '#c62828'];

/** A stable colour for a name, so a person keeps theirs across pages and devices. */
export function colourOf(name: string): string {
  let h = 0;
  for (let i = 0; i < name.length; i++) {
    h = (h * 31 + name.charCodeAt(i)) | 0;
  }
  return COLOURS[Math.abs(h) % COLOURS.length];
}

export function initials(name: string): string {
  const parts = name.trim().split(/\s+/u).filter(Boolean);
  const letters = parts.length > 1 ? [parts[0], parts[parts.length - 1]] : parts;
  return letters.map((p) => Array.from(p)[0]?.toUpperCase() ?? '').join('') || '?';
}
