// Moving between the app's pages without reloading, and not losing edits on the way.

const LEAVE_WARNING = 'Your latest changes have not reached the server yet and would be lost. Leave anyway?';
let unsentChanges: (() => boolean) | null = null;

/** The editor says here whether leaving it now would lose edits (null when no editor is open). */
export function setLeaveGuard(guard: (() => boolean) | null): void {
  unsentChanges = guard;
}

export function mayLeave(): boolean {
  return !unsentChanges?.() || window.confirm(LEAVE_WARNING);
}

let show: ((path: string) => void) | null = null;

/** The app shows the page for a path through this (set once by App). */
export function onNavigate(listener: (path: string) => void): void {
  show = listener;
}

/** Moves to another page of the app without reloading it; asks first if edits would be lost. */
export function navigate(path: string): void {
  if (path === location.pathname || !mayLeave()) return;
  history.pushState(null, '', path);
  show?.(path);
}
