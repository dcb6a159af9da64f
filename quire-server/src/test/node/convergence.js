'use strict';
// Seeded randomized convergence against Quire with the unmodified npm sharedb@7 client.
//
//   node convergence.js <ws-url>[,<ws-url>...] --seed <long> [--mode mixed|insert-only] [--clients 8]
//        [--docs 3] [--ops 480] [--max-delay-ms 60] [--disconnect-chance 0.06] [--max-away-ms 60]
//
// Clients edit shared documents with random inserts, deletes and formatting (or, in insert-only
// mode, unique tokens), pause randomly between ops and lose their connection at random moments
// (a cut or a close; later a new socket through bindToSocket, as a reconnecting socket does).
// Ops keep being made while offline. At the end every client is reconnected, has nothing pending
// and is caught up, and all clients and a fresh client's fetch must hold identical documents.
//
// Prints one JSON line: {ok, seed, mode, stats, docs: {id: {v, ops}}, acked: {id: [tokens]}
// [, error]}; the Java test compares `docs` and `acked` with what the server stored.

const assert = require('node:assert/strict');
const h = require('./lib/harness');
const {Random} = require('./lib/random');
const {Delta, COLLECTION: C, contents, text, until} = h;

const args = parseArgs(process.argv.slice(2));
// Several URLs (comma-separated): clients are spread over them, as over the servers of a
// cluster; the final fresh fetch goes to the first.
const urls = (args._[0] || '').split(',').filter((u) => u.length > 0);
const url = urls[0];
const seed = args.seed;
const mode = args.mode || 'mixed';
const CLIENTS = Number(args.clients || 8);
const DOCS = Number(args.docs || 3);
const OPS = Number(args.ops || 480);
const MAX_DELAY_MS = Number(args['max-delay-ms'] || 60);
const P_DISCONNECT = Number(args['disconnect-chance'] || 0.06);
const MAX_AWAY_MS = Number(args['max-away-ms'] || 60);
const TOKEN = /\[c\d+-\d+\]/g;
const stats = {submitted: 0, acked: 0, failed: 0, disconnects: 0, failures: []};

function parseArgs(argv) {
  const out = {_: []};
  for (let i = 0; i < argv.length; i++) {
    if (argv[i].startsWith('--')) out[argv[i].slice(2)] = argv[++i];
    else out._.push(argv[i]);
  }
  return out;
}

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** One simulated user: a connection, its copies of the documents, and its own random stream. */
class Client {
  constructor(index, rng, ids) {
    this.index = index;
    this.rng = rng;
    this.conn = h.connect(urls[index % urls.length]);
    this.docs = ids.map((id) => this.conn.get(C, id));
    this.reconnecting = null;
    // Fast typists compose several edits into one op while one is in flight; slow ones send
    // each edit on its own: both kinds, for more distinct interleavings.
    this.maxDelay = rng.pick([Math.ceil(MAX_DELAY_MS / 12), Math.ceil(MAX_DELAY_MS / 3), MAX_DELAY_MS]);
  }

  online() {
    return this.reconnecting === null && this.conn.state === 'connected';
  }

  /** Loses the connection now and gets a new socket after a random pause, in the background. */
  dropConnection() {
    stats.disconnects++;
    const graceful = this.rng.chance(0.3);
    // Often straight back (a resent op can then meet its first copy still queued), else later.
    const away = this.rng.chance(0.5) ? 0 : this.rng.int(0, MAX_AWAY_MS);
    if (graceful) this.conn.testSocket.close();
    else this.conn.testSocket.cut();
    this.reconnecting = (async () => {
      await until(() => this.conn.state === 'disconnected', 'client ' + this.index + ' to notice the disconnection');
      await pause(away);
      await h.reconnect(this.conn, 20000);
      this.reconnecting = null;
    })();
  }
}

/** A document's length in UTF-16 units (inserts only: documents hold no retains or deletes). */
function lengthOf(doc) {
  let n = 0;
  for (const op of contents(doc) || []) n += typeof op.insert === 'string' ? op.insert.length : 1;
  return n;
}

const WORDS = ['a', 'b', 'xy', 'quo', ' ', '\n', 'é', '😀', 'ok ', 'Ωmega', 'z'];
const LINKS = ['https://example.com/a', 'https://example.com/b'];

function randomAttributes(rng, allowNull) {
  const attrs = {};
  const value = (v) => (allowNull && rng.chance(0.4) ? null : v);
  if (rng.chance(0.5)) attrs.bold = value(true);
  if (rng.chance(0.4)) attrs.italic = value(true);
  if (rng.chance(0.25)) attrs.link = value(rng.pick(LINKS));
  return Object.keys(attrs).length ? attrs : null;
}

/** A random edit that is valid on the client's current copy of `doc`. */
function randomEdit(rng, doc) {
  const len = lengthOf(doc);
  const kind = len === 0 ? 'insert' : rng.pick(['insert', 'insert', 'insert', 'delete', 'delete', 'format', 'format']);
  const at = rng.int(0, kind === 'insert' ? len : len - 1);
  const delta = new Delta().retain(at);
  if (kind === 'insert') {
    let s = '';
    for (let i = rng.int(1, 3); i > 0; i--) s += rng.pick(WORDS);
    const attrs = rng.chance(0.3) ? randomAttributes(rng, false) : null;
    delta.insert(s, attrs || undefined);
  } else if (kind === 'delete') {
    delta.delete(rng.int(1, Math.min(6, len - at)));
  } else {
    delta.retain(rng.int(1, Math.min(10, len - at)), randomAttributes(rng, true) || {bold: null});
  }
  return delta;
}

/** Inserts a unique token at a token boundary, so that tokens are never split. */
function tokenEdit(rng, doc, token) {
  const s = text(doc);
  const boundaries = [0];
  for (const m of s.matchAll(TOKEN)) boundaries.push(m.index + m[0].length);
  const attrs = rng.chance(0.2) ? {bold: true} : undefined;
  return new Delta().retain(rng.pick(boundaries)).insert(token, attrs);
}

async function main() {
  if (!url || seed === undefined) {
    console.error('usage: node convergence.js <ws-url> --seed <long> [--mode mixed|insert-only] ...');
    process.exit(2);
  }
  const rng = new Random(seed);
  const run = h.uniqueId('conv') + '-' + mode;
  const ids = [];
  for (let d = 0; d < DOCS; d++) ids.push(run + '-d' + d);
  const acked = Object.fromEntries(ids.map((id) => [id, []]));
  const clients = [];

  // Setting up: the documents exist, everyone is subscribed to all of them.
  for (let i = 0; i < CLIENTS; i++) clients.push(new Client(i, rng.fork(), ids));
  await Promise.all(clients.map((c) => h.connected(c.conn)));
  const initial = mode === 'insert-only' ? [] : [{insert: 'Lorem ipsum dolor sit amet\n'}];
  await Promise.all(clients[0].docs.map((doc) => h.create(doc, initial)));
  await Promise.all(clients.flatMap((c) => c.docs.map((doc) => h.subscribe(doc))));

  // Editing: each client makes its share of the ops, with pauses and connection losses.
  const perClient = Math.ceil(OPS / CLIENTS);
  await Promise.all(clients.map(async (c) => {
    for (let k = 0; k < perClient; k++) {
      await pause(c.rng.int(0, c.maxDelay));
      if (c.online() && c.rng.chance(P_DISCONNECT)) c.dropConnection();
      const d = c.rng.int(0, DOCS - 1);
      const doc = c.docs[d];
      const token = '[c' + c.index + '-' + k + ']';
      const edit = mode === 'insert-only' ? tokenEdit(c.rng, doc, token) : randomEdit(c.rng, doc);
      // Both wire forms: a Quill Delta object ({ops}) or a plain array of ops.
      const op = c.rng.chance(0.5) ? edit : edit.ops;
      stats.submitted++;
      doc.submitOp(op, (err) => {
        if (err) {
          stats.failed++;
          stats.failures.push('client ' + c.index + ' ' + doc.id + ': ' + err.code + ' ' + err.message);
        } else {
          stats.acked++;
          if (mode === 'insert-only') acked[doc.id].push(token);
        }
      });
    }
  }));

  // Settling: everyone back online, nothing pending, caught up with the server's head.
  await Promise.all(clients.map((c) => c.reconnecting));
  for (const c of clients) {
    for (const doc of c.docs) {
      await until(() => !doc.hasPending(), 'client ' + c.index + ' to have nothing pending on ' + doc.id, 30000);
    }
  }
  const fresh = h.connect(url);
  await h.connected(fresh);
  const result = {ok: true, seed: String(seed), mode, stats, docs: {}, acked};
  const problems = [];
  for (const id of ids) {
    const doc = fresh.get(C, id);
    await h.fetch(doc);
    result.docs[id] = {v: doc.version, ops: contents(doc)};
    for (const c of clients) {
      const mine = c.docs.find((x) => x.id === id);
      await until(() => mine.version === doc.version, 'client ' + c.index + ' to reach v' + doc.version + ' of ' + id, 30000);
      try {
        assert.deepEqual(contents(mine), contents(doc));
      } catch (err) {
        problems.push('client ' + c.index + ' differs from a fresh fetch on ' + id + ':\n' + err.message);
      }
    }
    if (mode === 'insert-only') {
      const counts = new Map();
      for (const m of text(doc).matchAll(TOKEN)) counts.set(m[0], (counts.get(m[0]) || 0) + 1);
      for (const [token, n] of counts) if (n > 1) problems.push(token + ' appears ' + n + ' times in ' + id);
      for (const token of acked[id]) {
        if (!counts.has(token)) problems.push('acknowledged ' + token + ' is missing from ' + id);
      }
    }
  }
  if (stats.failed) problems.push(stats.failed + ' op(s) failed: ' + stats.failures.slice(0, 5).join('; '));
  if (stats.acked !== stats.submitted) problems.push('acked ' + stats.acked + ' of ' + stats.submitted + ' ops');
  if (h.clientWarnings.length) problems.push('client warnings: ' + h.clientWarnings.slice(0, 5).join(' | '));
  if (problems.length) {
    result.ok = false;
    result.error = problems.join('\n');
  }
  for (const c of clients) c.conn.testSocket.cut();
  fresh.testSocket.cut();
  console.log(JSON.stringify(result));
  process.exit(result.ok ? 0 : 1);
}

main().catch((err) => {
  console.log(JSON.stringify({ok: false, seed: String(seed), mode, stats, error: (err && err.stack) || String(err)}));
  process.exit(1);
});
