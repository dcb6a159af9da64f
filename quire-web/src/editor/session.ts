import type Quill from 'quill';
import { connect, type Live } from '../net/connection';
import { syncState, type SyncState } from '../sync/syncState';
import { colourOf } from '../identity';
import { getDocument } from '../api';
import { createQuill } from './setupQuill';
import { textStats } from './textStats';
import { moveCaret, textOf, titleDiff, type TextOp } from './titleDiff';

export interface Peer {
  id: string;
  name: string;
  colour: string;
}

export type Problem =
  | { kind: 'deleted' }
  | { kind: 'missing' }
  | { kind: 'refused'; text: string }
  | { kind: 'error'; text: string };

/** What the editor page shows; the session sends a new one whenever something changes. */
export interface SessionView {
  loaded: boolean;
  sync: SyncState;
  problem: Problem | null;
  title: string;
  peers: Peer[];
  words: number;
  chars: number;
  /** Your role on the document (owner, editor, commenter, viewer); null until known. */
  role: string | null;
  /** Whether your role lets you read only: editing is off and the page says why. */
  readOnly: boolean;
  /** Counts the server's notices that the comments changed: the comments panel reloads on each. */
  commentsVersion: number;
  /** The comment thread whose anchor was last clicked in the text (null: none). */
  clickedComment: string | null;
}

/** A piece of the text: where it starts, how long it is, and what it says. */
export interface TextRange {
  index: number;
  length: number;
  text: string;
}

const DELETED = ['ERR_DOC_DOES_NOT_EXIST', 'ERR_DOC_WAS_DELETED'];
const COLOUR = /^#[0-9a-fA-F]{6}$/;

/**
 * One open document: Quill bound to the sharedb Doc docs/<id>, the title input bound to
 * titles/<id>, presence (cursors and avatars), and the sync state. Plain TypeScript, so the React
 * page only renders what it reports.
 */
export class DocumentSession {
  private readonly live: Live;
  private readonly doc: any;
  private readonly titleDoc: any;
  private readonly quill: Quill;
  private readonly presence: any;
  private readonly localPresence: any;
  private readonly peers = new Map<string, Peer>();
  private colour: string;
  private everConnected = false;
  private unshowable = false;
  private titleText = '';
  private statsTimer: ReturnType<typeof setTimeout> | null = null;
  private view: SessionView;
  private readonly cleanups: (() => void)[] = [];

  constructor(
    private readonly id: string,
    private name: string,
    editorHost: HTMLElement,
    private readonly titleInput: HTMLInputElement,
    private readonly onChange: (v: SessionView) => void,
  ) {
    this.colour = colourOf(name);
    this.view = {
      loaded: false, sync: syncState(this.facts()), problem: null, title: '', peers: [], words: 0, chars: 0,
      role: null, readOnly: false, commentsVersion: 0, clickedComment: null,
    };
    this.quill = createQuill(editorHost);
    this.quill.disable();
    this.cleanups.push(() => { editorHost.innerHTML = ''; });
    this.listen(this.quill.root, 'click', (e: Event) => {
      const anchor = (e.target as Element | null)?.closest?.('[data-comment]');
      if (anchor) this.update({ clickedComment: anchor.getAttribute('data-comment') });
    });

    this.live = connect(name);
    // A role changed while the document is open: the server says so, and editing follows.
    this.live.socket.onnotice = (m: any) => {
      if (m.a === 'x-quire-role' && m.d === id && typeof m.role === 'string') this.setRole(m.role);
      if (m.a === 'x-quire-comments' && m.d === id) this.update({ commentsVersion: this.view.commentsVersion + 1 });
    };
    this.live.socket.onsignedout = () => location.assign('/');
    getDocument(id).then((d) => { if (this.view.role === null && d.role) this.setRole(d.role); }, () => {});
    const conn = this.live.connection;
    conn.on('state', (state: string) => {
      if (state === 'connected') this.everConnected = true;
      else this.forgetPeers(); // who left meanwhile cannot tell us; who stayed is sent again on reconnect
      this.refresh();
    });
    this.listen(window, 'online', () => this.refresh());
    this.listen(window, 'offline', () => this.refresh());
    this.listen(window, 'beforeunload', (e: Event) => {
      if (this.view.sync.unsent) {
        // Edits not yet acknowledged would be lost: the browser asks the person first.
        e.preventDefault();
        (e as BeforeUnloadEvent).returnValue = '';
      }
    });

    this.doc = conn.get('docs', id);
    this.titleDoc = conn.get('titles', id);
    this.bindDocument();
    this.bindTitle();
    this.presence = conn.getDocPresence('docs', id);
    this.localPresence = this.presence.create();
    this.bindPresence();
  }

  destroy(): void {
    if (this.statsTimer) clearTimeout(this.statsTimer);
    for (const c of this.cleanups) c();
    this.live.close();
  }

  /** The person changed their name: others see the new one beside the cursor from now on. */
  rename(name: string): void {
    if (name === this.name) return;
    this.name = name;
    this.colour = colourOf(name);
    this.sendPresence(this.quill.getSelection() ?? { index: 0, length: 0 });
  }

  /** Whether edits made here have not been acknowledged yet (leaving would lose them). */
  hasUnsentChanges(): boolean {
    return syncState(this.facts()).unsent;
  }

  /** Puts the caret in the text (Enter in the title goes there). */
  focusEditor(): void {
    this.quill.focus();
  }

  // ---- comments ----

  /** The text selected in the editor (read-only or not), or null when nothing is selected. */
  selectedText(): TextRange | null {
    const [range] = (this.quill as any).selection.getRange();
    if (!range || range.length === 0) return null;
    return { index: range.index, length: range.length, text: this.quill.getText(range.index, range.length) };
  }

  /**
   * Anchors comment thread {@code thread} to a piece of the text: the "comment" format, sent as
   * an op of its own. Editing may be off (a commenter): this op is the one a commenter may send.
   */
  anchor(thread: string, range: { index: number; length: number }): void {
    const delta = this.quill.formatText(range.index, range.length, 'comment', thread, 'api');
    if ((delta as any).ops.length === 0) return;
    this.doc.submitOp(delta, { source: this.quill }, (e: any) => e && this.refused(e));
    this.refresh();
  }

  /** Where thread {@code thread} is anchored now (first to last anchored character), or null. */
  anchorOf(thread: string): { index: number; length: number } | null {
    let index = 0;
    let first = -1;
    let end = -1;
    for (const op of this.quill.getContents().ops) {
      const length = typeof op.insert === 'string' ? op.insert.length : 1;
      if ((op.attributes as any)?.comment === thread) {
        if (first < 0) first = index;
        end = index + length;
      }
      index += length;
    }
    return first < 0 ? null : { index: first, length: end - first };
  }

  /** Selects a piece of the text and scrolls it into view (showing a thread's anchor). */
  show(range: { index: number; length: number }): void {
    this.quill.setSelection(range.index, range.length, 'silent');
    (this.quill as any).scrollSelectionIntoView?.();
  }

  // ---- the document ----

  private bindDocument(): void {
    const { doc, quill } = this;
    doc.subscribe((err: any) => {
      if (err) return this.fail(err);
      if (!doc.type) return this.missing();
      this.load();
    });
    quill.on('text-change', (delta: any, _old: any, source: string) => {
      this.statsSoon();
      if (source !== 'user' || !doc.type) return;
      doc.submitOp(delta, { source: quill }, (e: any) => e && this.refused(e));
      this.refresh();
    });
    doc.on('op', (op: any, source: any) => {
      if (source !== quill && !this.unshowable) {
        try {
          quill.updateContents(op, 'api');
        } catch (e) {
          // A format Quill cannot render (a formula without KaTeX, say): stop editing, say why.
          console.error('could not show an edit', e);
          this.cannotShow();
          return;
        }
        if (hasEmbed(op)) this.checkShown();
      }
      this.refresh();
    });
    doc.on('nothing pending', () => this.refresh());
    doc.on('load', () => {
      // After the first: a refused op made sharedb fetch the document again (a "hard rollback").
      if (this.view.loaded && doc.type && this.setContents()) this.checkShown();
    });
    doc.on('del', () => {
      quill.disable();
      this.update({ problem: { kind: 'deleted' } });
    });
    doc.on('create', () => this.load());
    doc.on('error', (e: any) => this.update({ problem: { kind: 'error', text: message(e) } }));
  }

  /** Turns editing on or off for a role: viewers and commenters read (and are seen) but do not edit. */
  private setRole(role: string): void {
    const readOnly = role !== 'owner' && role !== 'editor';
    if (readOnly) {
      this.quill.disable();
      this.titleInput.disabled = true;
    } else if (this.view.loaded && !this.unshowable && this.view.problem === null) {
      this.quill.enable();
      this.titleInput.disabled = !this.titleDoc.type;
    }
    this.update({ role, readOnly });
  }

  private load(): void {
    if (!this.setContents() || !this.checkShown()) return;
    if (!this.view.readOnly) this.quill.enable();
    this.update({ loaded: true, problem: null });
    this.sendPresence(this.quill.getSelection() ?? { index: 0, length: 0 });
  }

  /** Shows the document as it is now; false (and editing off) if Quill cannot render it. */
  private setContents(): boolean {
    try {
      this.quill.setContents(this.doc.data, 'api');
    } catch (e) {
      console.error('could not show the document', e);
      this.cannotShow();
      return false;
    }
    (this.quill.getModule('history') as any).clear();
    this.stats();
    return true;
  }

  /**
   * Whether Quill shows the whole document. Quill silently drops embeds it has no format for
   * (another program may insert any object), and then its positions no longer match the
   * document's: typing would land in the wrong place for everyone. So such a document is shown
   * read-only, with the reason.
   */
  private checkShown(): boolean {
    const ops: any[] = this.doc.data?.ops ?? [];
    let length = 0;
    for (const op of ops) length += typeof op.insert === 'string' ? op.insert.length : 1;
    const last = ops[ops.length - 1]?.insert;
    const quillAddsNewline = !(typeof last === 'string' && last.endsWith('\n'));
    const shown = this.quill.getLength();
    if (shown === length || (quillAddsNewline && shown === length + 1)) return true;
    this.cannotShow();
    return false;
  }

  private cannotShow(): void {
    this.unshowable = true; // Quill's view no longer matches the document: apply nothing more
    this.quill.disable();
    this.update({
      loaded: true,
      problem: {
        kind: 'error',
        text: 'This document contains content this editor cannot show (added by another program). Editing is turned off here so that nothing is changed by mistake.',
      },
    });
  }

  private async missing(): Promise<void> {
    try {
      const d = await getDocument(this.id);
      this.update({ problem: d.deletedAt ? { kind: 'deleted' } : { kind: 'missing' } });
    } catch {
      this.update({ problem: { kind: 'missing' } });
    }
  }

  private fail(err: any): void {
    this.update({ problem: { kind: 'error', text: `The document could not be opened: ${message(err)} Reload the page to try again.` } });
  }

  private refused(err: any): void {
    if (DELETED.includes(err?.code)) {
      this.quill.disable();
      this.update({ problem: { kind: 'deleted' } });
      return;
    }
    this.update({
      problem: {
        kind: 'refused',
        text: `The server refused a change (${message(err)}). The document was reloaded so that you see what everyone else sees; your last change may be missing.`,
      },
    });
  }

  // ---- the title ----

  private bindTitle(): void {
    const { titleDoc, titleInput } = this;
    titleInput.disabled = true;
    titleDoc.subscribe((err: any) => {
      if (err || !titleDoc.type) return;
      this.titleText = textOf(titleDoc.data);
      titleInput.value = this.titleText;
      titleInput.disabled = this.view.readOnly;
      this.update({ title: this.titleText });
    });
    this.listen(titleInput, 'input', () => {
      if (!titleDoc.type) return;
      const next = titleInput.value;
      const op = titleDiff(this.titleText, next);
      this.titleText = next;
      if (op.length > 0) titleDoc.submitOp(op, { source: 'title' }, (e: any) => e && this.refused(e));
      this.update({ title: next });
    });
    titleDoc.on('op', (op: TextOp, source: any) => {
      if (source === 'title') return this.refresh();
      const focused = document.activeElement === titleInput;
      const start = titleInput.selectionStart ?? 0;
      const end = titleInput.selectionEnd ?? 0;
      this.titleText = textOf(titleDoc.data);
      titleInput.value = this.titleText;
      if (focused) titleInput.setSelectionRange(moveCaret(start, op), moveCaret(end, op));
      this.update({ title: this.titleText });
    });
    titleDoc.on('load', () => {
      if (!titleDoc.type) return;
      this.titleText = textOf(titleDoc.data);
      titleInput.value = this.titleText;
      this.update({ title: this.titleText });
    });
    titleDoc.on('nothing pending', () => this.refresh());
  }

  // ---- presence ----

  private bindPresence(): void {
    const cursors = this.quill.getModule('cursors') as any;
    this.presence.subscribe();
    this.presence.on('receive', (pid: string, value: any) => {
      if (!value || typeof value !== 'object') {
        cursors.removeCursor(pid);
        this.peers.delete(pid);
      } else {
        // Others' presence is untrusted input: a name is text (rendered as text), a colour must be #rrggbb.
        const name = typeof value.name === 'string' && value.name.trim() ? value.name.slice(0, 64) : 'Someone';
        const colour = typeof value.color === 'string' && COLOUR.test(value.color) ? value.color : '#607d8b';
        cursors.createCursor(pid, name, colour);
        cursors.moveCursor(pid, { index: value.index, length: value.length });
        this.peers.set(pid, { id: pid, name, colour });
      }
      this.update({ peers: [...this.peers.values()] });
    });
    this.quill.on('selection-change', (range: any) => {
      if (range) this.sendPresence(range);
    });
    this.cleanups.push(() => this.localPresence.destroy());
  }

  private forgetPeers(): void {
    if (this.peers.size === 0) return;
    const cursors = this.quill.getModule('cursors') as any;
    for (const id of this.peers.keys()) cursors.removeCursor(id);
    this.peers.clear();
    this.update({ peers: [] });
  }

  private sendPresence(range: { index: number; length: number }): void {
    if (!this.doc.type) return;
    this.localPresence.submit({ index: range.index, length: range.length, name: this.name, color: this.colour }, () => {});
  }

  // ---- state ----

  private facts() {
    const conn = this.live?.connection;
    const pending = !!(this.doc?.hasWritePending() || this.titleDoc?.hasWritePending());
    return { connection: conn?.state ?? 'connecting', online: navigator.onLine, pending, everConnected: this.everConnected };
  }

  private refresh(): void {
    const next = syncState(this.facts());
    if (next.kind !== this.view.sync.kind || next.unsent !== this.view.sync.unsent) this.update({ sync: next });
  }

  private update(change: Partial<SessionView>): void {
    this.view = { ...this.view, ...change, sync: change.sync ?? syncState(this.facts()) };
    this.onChange(this.view);
  }

  private statsSoon(): void {
    if (this.statsTimer) return;
    this.statsTimer = setTimeout(() => {
      this.statsTimer = null;
      this.stats();
    }, 250);
  }

  private stats(): void {
    const { words, chars } = textStats(this.quill.getText());
    if (words !== this.view.words || chars !== this.view.chars) this.update({ words, chars });
  }

  private listen(target: EventTarget, type: string, fn: (e: Event) => void): void {
    target.addEventListener(type, fn);
    this.cleanups.push(() => target.removeEventListener(type, fn));
  }
}

function hasEmbed(op: any): boolean {
  const ops: any[] = Array.isArray(op) ? op : op?.ops ?? [];
  return ops.some((c) => c.insert !== undefined && typeof c.insert !== 'string');
}

function message(err: any): string {
  if (!err) return 'unknown error';
  return err.code ? `${err.code}: ${err.message}` : String(err.message ?? err);
}
