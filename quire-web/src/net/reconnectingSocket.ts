import { backoffDelay } from './backoff';

/**
 * A WebSocket that comes back: when the connection drops it opens a new one after a jittered
 * exponential backoff (net/backoff.ts). It looks like one WebSocket to sharedb's Connection
 * (readyState, send, close and the on* handlers), which then sees "closed" and "open" again and
 * resends its unacknowledged ops itself: they keep their (src, seq), so the server deduplicates.
 *
 * While the browser says it is offline it does not try at all; it reconnects at once when the
 * browser is back online (Quire's server can't be reached without a network anyway).
 */
export class ReconnectingSocket {
  onopen: ((ev: Event) => void) | null = null;
  onclose: ((ev: CloseEvent | { code: number; reason: string }) => void) | null = null;
  onmessage: ((ev: MessageEvent) => void) | null = null;
  onerror: ((ev: Event) => void) | null = null;
  /** Quire's own notices ({"a":"x-quire-…"}), which sharedb does not know: taken out of the stream. */
  onnotice: ((msg: any) => void) | null = null;
  /** The server ended this session (logout, password change; close code 4401): no reconnecting. */
  onsignedout: (() => void) | null = null;

  private ws: WebSocket | null = null;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;
  private suspended = false;

  constructor(private readonly url: string) {
    this.connect();
  }

  get readyState(): number {
    return this.ws ? this.ws.readyState : WebSocket.CLOSED;
  }

  send(data: string): void {
    // sharedb only sends while connected, but a presence "leave" may follow close(): drop it.
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(data);
  }

  /** Closes for good (sharedb calls this when the page leaves the connection). */
  close(): void {
    this.stopped = true;
    this.clearTimer();
    this.ws?.close(1000, 'closed');
  }

  /** The browser went offline: drop the socket now (it may otherwise hang for minutes) and wait. */
  suspend(): void {
    if (this.suspended || this.stopped) return;
    this.suspended = true;
    this.clearTimer();
    const ws = this.ws;
    if (ws && ws.readyState <= WebSocket.OPEN) {
      this.detach(ws);
      ws.close(4000, 'offline');
      this.ws = null;
      this.onclose?.({ code: 4000, reason: 'offline' });
    }
  }

  /** The browser is back online: reconnect now, with a fresh backoff. */
  resume(): void {
    if (!this.suspended || this.stopped) return;
    this.suspended = false;
    this.attempt = 0;
    this.clearTimer();
    if (!this.ws) this.connect();
  }

  private connect(): void {
    if (this.stopped || this.suspended) return;
    const ws = new WebSocket(this.url);
    this.ws = ws;
    ws.onopen = (ev) => {
      this.attempt = 0;
      this.onopen?.(ev);
    };
    ws.onmessage = (ev) => {
      if (typeof ev.data === 'string' && ev.data.startsWith('{"a":"x-quire-')) {
        this.onnotice?.(JSON.parse(ev.data));
        return;
      }
      this.onmessage?.(ev);
    };
    ws.onerror = (ev) => this.onerror?.(ev);
    ws.onclose = (ev) => {
      this.detach(ws);
      if (this.ws === ws) this.ws = null;
      this.onclose?.(ev);
      if (ev.code === 4401) {
        this.stopped = true;
        this.onsignedout?.();
        return;
      }
      this.schedule();
    };
  }

  private detach(ws: WebSocket): void {
    ws.onopen = ws.onmessage = ws.onerror = ws.onclose = null;
  }

  private schedule(): void {
    if (this.stopped || this.suspended || this.timer) return;
    const delay = backoffDelay(this.attempt++);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.connect();
    }, delay);
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
