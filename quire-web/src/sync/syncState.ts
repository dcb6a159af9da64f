// What the sync indicator says, decided from a few facts and nothing else, so every case can be
// tested without a browser or a server. The editor feeds it on every change of those facts.

/** sharedb's Connection.state. */
export type ConnectionState = 'connecting' | 'connected' | 'disconnected' | 'closed' | 'stopped';

export interface SyncFacts {
  /** sharedb's connection state. */
  connection: ConnectionState;
  /** navigator.onLine: false when the browser knows it has no network. */
  online: boolean;
  /** Edits made here that the server has not acknowledged yet (sent or not). */
  pending: boolean;
  /** Whether this page has been connected at least once (the first connect is not a "re"connect). */
  everConnected: boolean;
}

export type SyncKind = 'connecting' | 'saving' | 'saved' | 'offline' | 'reconnecting';

export interface SyncState {
  kind: SyncKind;
  label: string;
  /** Leaving the page now would lose edits: ask first. */
  unsent: boolean;
}

export const LABELS: Record<SyncKind, string> = {
  connecting: 'Connecting…',
  saving: 'Saving…',
  saved: 'All changes saved',
  offline: 'Offline — your changes are kept and will be sent',
  reconnecting: 'Reconnecting…',
};

function state(kind: SyncKind, pending: boolean): SyncState {
  return { kind, label: LABELS[kind], unsent: pending };
}

export function syncState(f: SyncFacts): SyncState {
  if (!f.online) {
    return state('offline', f.pending);
  }
  if (f.connection !== 'connected') {
    if (f.pending) {
      // The person's worry is their edits: say they are safe, whatever the socket is doing.
      return state('offline', true);
    }
    return state(f.everConnected ? 'reconnecting' : 'connecting', false);
  }
  return state(f.pending ? 'saving' : 'saved', f.pending);
}
