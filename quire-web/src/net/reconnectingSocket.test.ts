import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ReconnectingSocket } from './reconnectingSocket';

/** A stand-in for the browser's WebSocket that the test opens and closes by hand. */
class FakeWebSocket {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;
  static made: FakeWebSocket[] = [];
  readyState = FakeWebSocket.CONNECTING;
  sent: string[] = [];
  onopen: ((e: unknown) => void) | null = null;
  onclose: ((e: unknown) => void) | null = null;
  onmessage: ((e: unknown) => void) | null = null;
  onerror: ((e: unknown) => void) | null = null;

  constructor(readonly url: string) {
    FakeWebSocket.made.push(this);
  }

  send(data: string) {
    this.sent.push(data);
  }

  close() {
    this.drop(1000);
  }

  open() {
    this.readyState = FakeWebSocket.OPEN;
    this.onopen?.({});
  }

  drop(code = 1006) {
    this.readyState = FakeWebSocket.CLOSED;
    this.onclose?.({ code, reason: '' });
  }
}

describe('ReconnectingSocket', () => {
  beforeEach(() => {
    FakeWebSocket.made = [];
    vi.stubGlobal('WebSocket', FakeWebSocket);
    vi.useFakeTimers();
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });

  it('tells its user of every open and close and reconnects after a growing delay', () => {
    const s = new ReconnectingSocket('ws://x/ws');
    const events: string[] = [];
    s.onopen = () => events.push('open');
    s.onclose = () => events.push('close');
    FakeWebSocket.made[0].open();
    FakeWebSocket.made[0].drop();
    expect(FakeWebSocket.made).toHaveLength(1);
    vi.advanceTimersByTime(249); // attempt 0: half of the 500 ms window
    expect(FakeWebSocket.made).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(FakeWebSocket.made).toHaveLength(2);
    FakeWebSocket.made[1].drop(); // failed again: attempt 1, half of 1000 ms
    vi.advanceTimersByTime(499);
    expect(FakeWebSocket.made).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(FakeWebSocket.made).toHaveLength(3);
    FakeWebSocket.made[2].open(); // success resets the backoff
    FakeWebSocket.made[2].drop();
    vi.advanceTimersByTime(250);
    expect(FakeWebSocket.made).toHaveLength(4);
    expect(events).toEqual(['open', 'close', 'close', 'open', 'close']);
  });

  it('sends only while open', () => {
    const s = new ReconnectingSocket('ws://x/ws');
    s.send('early');
    FakeWebSocket.made[0].open();
    s.send('now');
    expect(FakeWebSocket.made[0].sent).toEqual(['now']);
  });

  it('does not try while offline and reconnects at once when back online', () => {
    const s = new ReconnectingSocket('ws://x/ws');
    let closes = 0;
    s.onclose = () => closes++;
    FakeWebSocket.made[0].open();
    s.suspend();
    expect(closes).toBe(1);
    expect(s.readyState).toBe(FakeWebSocket.CLOSED);
    vi.advanceTimersByTime(60_000);
    expect(FakeWebSocket.made).toHaveLength(1);
    s.resume();
    expect(FakeWebSocket.made).toHaveLength(2);
  });

  it('stays closed once closed', () => {
    const s = new ReconnectingSocket('ws://x/ws');
    FakeWebSocket.made[0].open();
    s.close();
    vi.advanceTimersByTime(60_000);
    expect(FakeWebSocket.made).toHaveLength(1);
  });
});
