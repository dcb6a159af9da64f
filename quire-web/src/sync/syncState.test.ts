import { describe, expect, it } from 'vitest';
import { LABELS, syncState, type SyncFacts } from './syncState';

const base: SyncFacts = { connection: 'connected', online: true, pending: false, everConnected: true };
const facts = (over: Partial<SyncFacts>): SyncFacts => ({ ...base, ...over });

describe('syncState', () => {
  it('says all changes are saved when connected with nothing pending', () => {
    expect(syncState(base)).toEqual({ kind: 'saved', label: 'All changes saved', unsent: false });
  });

  it('says saving while an edit waits for its acknowledgement', () => {
    const s = syncState(facts({ pending: true }));
    expect(s.label).toBe('Saving…');
    expect(s.unsent).toBe(true);
  });

  it('says offline when the browser has no network, whatever the socket says', () => {
    for (const connection of ['connected', 'connecting', 'disconnected'] as const) {
      expect(syncState(facts({ online: false, connection })).kind).toBe('offline');
    }
    expect(syncState(facts({ online: false })).label).toBe(
      'Offline — your changes are kept and will be sent',
    );
  });

  it('keeps unsent edits marked as unsent while offline', () => {
    expect(syncState(facts({ online: false, pending: true })).unsent).toBe(true);
    expect(syncState(facts({ online: false, pending: false })).unsent).toBe(false);
  });

  it('says reconnecting when the socket dropped with nothing pending', () => {
    expect(syncState(facts({ connection: 'disconnected' })).label).toBe('Reconnecting…');
    expect(syncState(facts({ connection: 'connecting' })).kind).toBe('reconnecting');
  });

  it('says the edits are kept when the socket dropped with edits pending', () => {
    const s = syncState(facts({ connection: 'disconnected', pending: true }));
    expect(s.kind).toBe('offline');
    expect(s.unsent).toBe(true);
  });

  it('says connecting, not reconnecting, before the first connection', () => {
    expect(syncState(facts({ connection: 'connecting', everConnected: false })).label).toBe('Connecting…');
  });

  it('goes offline, then saving, then saved as a person edits offline and comes back', () => {
    const seen = [
      facts({ online: false, connection: 'disconnected', pending: true }),
      facts({ online: true, connection: 'connecting', pending: true }),
      facts({ connection: 'connected', pending: true }),
      facts({ connection: 'connected', pending: false }),
    ].map((f) => syncState(f).label);
    expect(seen).toEqual([LABELS.offline, LABELS.offline, LABELS.saving, LABELS.saved]);
  });
});
