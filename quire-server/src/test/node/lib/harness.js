'use strict';
// Shared helpers for the conformance and convergence scripts: the unmodified npm sharedb client
// with rich-text, over real WebSockets to the Quire server under test.

const WebSocket = require('ws');
const ShareDB = require('sharedb/lib/client');
const richText = require('rich-text');
const Delta = require('quill-delta');

ShareDB.types.register(richText.type);

const RICH_TEXT = richText.type.uri;
const COLLECTION = 'docs';

// The client logs protocol surprises (e.g. an ack with an unexpected version) as warnings and
// carries on; a conformant server never causes one, so they are collected and checked.
const clientWarnings = [];
ShareDB.logger.setMethods({
  info: () => {},
  warn: (...args) => clientWarnings.push(args.map(describe).join(' ')),
  error: (...args) => clientWarnings.push('error: ' + args.map(describe).join(' ')),
});

function describe(value) {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value);
  } catch (err) {
    return String(value);
  }
}

/**
 * A socket for the sharedb client over a real `ws` WebSocket, that a test can cut (a network
 * failure: whatever is still travelling to the client is lost) or hold (a slow network: messages
 * to the client wait until released). The client needs only readyState, send, close and the
 * on* handlers.
 */
class TestSocket {
  constructor(url) {
    this.ws = new WebSocket(url);
    this.onopen = null;
    this.onmessage = null;
    this.onclose = null;
    this.onerror = null;
    this.held = null;
    this.dropping = false;
    this.ws.on('open', () => this.onopen && this.onopen());
    this.ws.on('message', (data) => {
      if (this.dropping) return;
      const event = {data: data.toString()};
      if (this.held) this.held.push(event);
      else if (this.onmessage) this.onmessage(event);
    });
    // An object, not the string 'closed': the client then counts as disconnected, not closed.
    this.ws.on('close', (code, reason) => this.onclose && this.onclose({code, reason: String(reason)}));
    this.ws.on('error', (err) => this.onerror && this.onerror(err));
  }

  get readyState() {
    return this.ws.readyState;
  }

  send(text) {
    this.ws.send(text);
  }

  close() {
    this.ws.close();
  }

  /** Keeps messages to the client back until release(). */
  hold() {
    if (!this.held) this.held = [];
  }

  release() {
    const held = this.held || [];
    this.held = null;
    for (const event of held) {
      if (this.dropping) return;
      if (this.onmessage) this.onmessage(event);
    }
  }

  /** Drops the connection like a network failure: held and in-flight messages are lost. */
  cut() {
    this.dropping = true;
    this.held = null;
    this.ws.terminate();
  }
}

/** A sharedb Connection over a TestSocket; `conn.testSocket` is the current socket. */
function connect(url) {
  const socket = new TestSocket(url);
  const conn = new ShareDB.Connection(socket);
  conn.testSocket = socket;
  conn.url = url;
  conn.on('error', (err) => clientWarnings.push('connection error: ' + (err && err.message)));
  return conn;
}

async function connected(conn, ms) {
  await until(() => conn.state === 'connected', () => 'the connection to ' + conn.url + ' (now ' + conn.state + ')', ms);
  return conn;
}

/** Cuts the connection and waits until the client has noticed. */
async function cut(conn, ms) {
  conn.testSocket.cut();
  await until(() => conn.state === 'disconnected', 'the client to notice the disconnection', ms);
}

/** Gives the client a new socket (what a reconnecting socket wrapper does) and waits for the handshake. */
async function reconnect(conn, ms) {
  await until(() => conn.state === 'disconnected', 'the old socket to be closed', ms);
  const socket = new TestSocket(conn.url);
  conn.testSocket = socket;
  conn.bindToSocket(socket);
  await connected(conn, ms);
}

/** Waits until `cond()` is true, checking every few milliseconds; fails after `ms`. `what` may be a function. */
function until(cond, what, ms = 10000) {
  const deadline = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const check = () => {
      let ok;
      try {
        ok = cond();
      } catch (err) {
        return reject(err);
      }
      if (ok) return resolve();
      if (Date.now() > deadline) {
        const described = typeof what === 'function' ? what() : what;
        return reject(new Error('timed out after ' + ms + ' ms waiting for ' + described));
      }
      setTimeout(check, 2);
    };
    check();
  });
}

/** A promise for a node-style callback API: `call(cb => doc.fetch(cb))`. */
function call(fn) {
  return new Promise((resolve, reject) => fn((err, value) => (err ? reject(err) : resolve(value))));
}

const fetch = (doc) => call((cb) => doc.fetch(cb));
const subscribe = (doc) => call((cb) => doc.subscribe(cb));
const unsubscribe = (doc) => call((cb) => doc.unsubscribe(cb));
const create = (doc, data) => call((cb) => doc.create(data, RICH_TEXT, cb));
const submit = (doc, op) => call((cb) => doc.submitOp(op, cb));
const del = (doc) => call((cb) => doc.del(cb));
const nothingPending = (doc) => call((cb) => doc.whenNothingPending(cb));

/** A document's contents as plain JSON ops (doc.data is a Delta; compare its JSON). */
function contents(docOrData) {
  const data = docOrData && docOrData.collection !== undefined ? docOrData.data : docOrData;
  return data == null ? null : JSON.parse(JSON.stringify(data)).ops;
}

/** The text of a document: its string inserts, joined (an embed counts as nothing). */
function text(docOrData) {
  const ops = contents(docOrData) || [];
  return ops.map((op) => (typeof op.insert === 'string' ? op.insert : '')).join('');
}

/** Every message the connection sends (after JSON) and receives, for checks on the wire. */
function recordWire(conn) {
  const wire = {sent: [], received: []};
  conn.on('send', (message) => wire.sent.push(JSON.parse(JSON.stringify(message))));
  conn.on('receive', (request) => wire.received.push(JSON.parse(JSON.stringify(request.data))));
  return wire;
}

/** A unique id per run, so scenarios never share documents. */
function uniqueId(prefix) {
  return prefix + '-' + Date.now().toString(36) + '-' + Math.random().toString(36).slice(2, 8);
}

module.exports = {
  ShareDB, Delta, RICH_TEXT, COLLECTION, TestSocket, clientWarnings,
  connect, connected, cut, reconnect, until, call,
  fetch, subscribe, unsubscribe, create, submit, del, nothingPending,
  contents, text, recordWire, uniqueId,
};
