'use strict';
// Conformance of Quire with the unmodified npm sharedb@7 client (sharedb-protocol.md).
//
//   node conformance.js <ws-url> [scenario ...]     (no scenario: all of them)
//
// Prints one JSON line per scenario: {"scenario","ok","ms"[,"error"]}; exits 1 if any failed.
// Every scenario uses documents of its own, so they can share one server.

const assert = require('node:assert/strict');
const h = require('./lib/harness');
const {Delta, RICH_TEXT, COLLECTION: C, contents, text, until} = h;

const scenarios = {
  'create-then-fetch': async (t) => {
    const a = await t.client();
    const aw = h.recordWire(a);
    const id = h.uniqueId('create');
    const doc = a.get(C, id);
    await h.create(doc, [{insert: 'Hi!\n'}]);
    assert.equal(doc.version, 1);
    const sent = aw.sent.find((m) => m.a === 'op' && m.d === id);
    assert.deepEqual(sent.create, {type: RICH_TEXT, data: [{insert: 'Hi!\n'}]});
    const ack = aw.received.find((m) => m.a === 'op' && m.d === id);
    assert.deepEqual(ack, {src: a.id, seq: sent.seq, v: 0, a: 'op', c: C, d: id});

    const b = await t.client();
    const bw = h.recordWire(b);
    const copy = b.get(C, id);
    await h.fetch(copy);
    assert.equal(copy.type.uri, RICH_TEXT);
    assert.equal(copy.version, 1);
    assert.deepEqual(contents(copy), [{insert: 'Hi!\n'}]);
    const reply = bw.received.find((m) => m.a === 'f' && m.d === id);
    assert.deepEqual(reply.data, {v: 1, data: {ops: [{insert: 'Hi!\n'}]}, type: RICH_TEXT});

    // A Quill Delta ({ops} form) as the data, and the type's short name.
    const id2 = h.uniqueId('create-delta');
    const quill = a.get(C, id2);
    await h.call((cb) => quill.create(new Delta().insert('Yo').insert('!', {bold: true}), 'rich-text', cb));
    const copy2 = b.get(C, id2);
    await h.fetch(copy2);
    assert.equal(copy2.version, 1);
    assert.deepEqual(contents(copy2), [{insert: 'Yo'}, {insert: '!', attributes: {bold: true}}]);
  },

  'subscribe-receives-ops-in-order': async (t) => {
    const id = h.uniqueId('subscribe');
    const a = await t.client();
    const aw = h.recordWire(a);
    const da = a.get(C, id);
    await h.subscribe(da);
    await h.create(da, [{insert: 'Hi!'}]);
    const b = await t.client();
    const bw = h.recordWire(b);
    const db = b.get(C, id);
    await h.subscribe(db);
    assert.equal(db.version, 1);
    assert.deepEqual(contents(db), [{insert: 'Hi!'}]);

    const ops = [
      [{retain: 3}, {insert: ' there', attributes: {bold: true}}],
      [{insert: 'Oh, '}],
      [{retain: 4}, {insert: 'Hey'}, {delete: 3}],
    ];
    for (const op of ops) await h.submit(da, op);
    await until(() => db.version === 4, 'B to receive the three ops');

    const pushed = bw.received.filter((m) => m.a === 'op' && m.d === id && 'op' in m);
    assert.deepEqual(pushed.map((m) => m.v), [1, 2, 3]);
    assert.deepEqual(pushed.map((m) => opsOf(m.op)), ops);
    assert.ok(pushed.every((m) => m.src === a.id));
    const expected = [{insert: 'Oh, Hey'}, {insert: ' there', attributes: {bold: true}}];
    assert.deepEqual(contents(db), expected);
    assert.deepEqual(contents(da), expected);
    // An op is never echoed to the connection that submitted it: A gets acks only.
    const echoed = aw.received.filter((m) => m.a === 'op' && m.d === id && ('op' in m || 'create' in m));
    assert.deepEqual(echoed, []);
  },

  'submit-array-and-object-forms': async (t) => {
    const id = h.uniqueId('forms');
    const a = await t.client();
    const aw = h.recordWire(a);
    const da = a.get(C, id);
    await h.create(da, new Delta().insert('ab'));
    await h.submit(da, [{retain: 1}, {insert: 'X'}]);
    await h.submit(da, new Delta().retain(3).insert('Y', {italic: true}));
    // Two ops in one tick: the client composes them into one Delta, sent as {ops}.
    const both = Promise.all([h.submit(da, [{insert: '1'}]), h.submit(da, [{retain: 1}, {insert: '2'}])]);
    await both;
    const sent = aw.sent.filter((m) => m.a === 'op' && m.d === id);
    assert.ok(!Array.isArray(sent[0].create.data) && Array.isArray(sent[0].create.data.ops), 'create data as {ops}');
    assert.ok(Array.isArray(sent[1].op), 'the second op as an array');
    assert.ok(!Array.isArray(sent[2].op) && Array.isArray(sent[2].op.ops), 'the third op as {ops}');
    assert.ok(!Array.isArray(sent[3].op) && Array.isArray(sent[3].op.ops), 'the composed op as {ops}');
    assert.equal(sent.length, 4);

    const expected = [{insert: '12aXb'}, {insert: 'Y', attributes: {italic: true}}];
    assert.deepEqual(contents(da), expected);
    const c = await t.client();
    const fresh = c.get(C, id);
    await h.fetch(fresh);
    assert.equal(fresh.version, 4);
    assert.deepEqual(contents(fresh), expected);
  },

  'concurrent-ops-converge': async (t) => {
    // sharedb-protocol.md §3.3: both clients at v2 insert at 0; A's op is committed first.
    const id = h.uniqueId('concurrent');
    const a = await t.client();
    const b = await t.client();
    const bw = h.recordWire(b);
    const aw = h.recordWire(a);
    const da = a.get(C, id);
    const db = b.get(C, id);
    await h.subscribe(da);
    await h.create(da, [{insert: 'Hi!'}]);
    await h.submit(da, [{retain: 3}, {insert: ' there', attributes: {bold: true}}]);
    await h.subscribe(db);
    assert.equal(db.version, 2);

    b.testSocket.hold(); // B does not see A's op before it sends its own
    await h.submit(da, [{insert: 'X'}]);
    const bDone = h.submit(db, [{insert: 'Y'}]);
    await until(() => da.version === 4, 'A to receive B\'s op');
    b.testSocket.release();
    await bDone;
    await until(() => db.version === 4, 'B to catch up');
    const expected = [{insert: 'XYHi!'}, {insert: ' there', attributes: {bold: true}}];
    assert.deepEqual(contents(da), expected);
    assert.deepEqual(contents(db), expected);
    // B's op was transformed by the server behind A's (the committed op wins the tie) ...
    const toA = aw.received.find((m) => m.a === 'op' && m.d === id && m.src === b.id && 'op' in m);
    assert.equal(toA.v, 3);
    assert.deepEqual(opsOf(toA.op), [{retain: 1}, {insert: 'Y'}]);
    // ... and B got A's op (the catch-up) before its ack.
    const catchUp = bw.received.findIndex((m) => m.a === 'op' && m.d === id && m.v === 2 && m.src === a.id);
    const ack = bw.received.findIndex((m) => m.a === 'op' && m.d === id && m.src === b.id && !('op' in m));
    assert.ok(catchUp >= 0 && ack > catchUp, 'catch-up op before the ack');
    assert.equal(bw.received[ack].v, 3);

    // A real race, same tick, both at v4: either order, but the same text on both.
    await Promise.all([h.submit(da, [{retain: 2}, {insert: '1'}]), h.submit(db, [{retain: 2}, {insert: '2'}])]);
    await until(() => da.version === 6 && db.version === 6, 'both clients at v6');
    assert.deepEqual(contents(da), contents(db));
    assert.ok(['XY12Hi! there', 'XY21Hi! there'].includes(text(da)), text(da));
  },

  'presence-transformed-to-current-version': async (t) => {
    const id = h.uniqueId('presence');
    const {a, b, da, db, pa, pb} = await presencePair(t, id, 'Hello world');
    const bw = h.recordWire(b);
    const aw = h.recordWire(a);
    const local = pa.create('presA');

    a.testSocket.hold(); // A does not know B's op yet
    await h.submit(db, [{insert: 'XYZ'}]);
    assert.equal(db.version, 2);
    assert.equal(da.version, 1);
    const acked = h.call((cb) => local.submit({index: 2, length: 3}, cb));
    await until(() => pb.remotePresences.presA !== undefined, 'B to receive A\'s presence');
    assert.deepEqual(pb.remotePresences.presA, {index: 5, length: 3});
    const sent = aw.sent.find((m) => m.a === 'p');
    assert.equal(sent.v, 1, 'A sent its presence at its older version');
    const got = bw.received.find((m) => m.a === 'p' && m.id === 'presA');
    assert.equal(got.v, 2, 'the server moved the presence to the current version');
    assert.deepEqual(got.p, {index: 5, length: 3});
    a.testSocket.release();
    await acked;
    await until(() => da.version === 2, 'A to receive B\'s op');
  },

  'presence-null-on-unsubscribe': async (t) => {
    const id = h.uniqueId('presence-pu');
    const {pa, pb} = await presencePair(t, id, 'Hello');
    const seen = [];
    pb.on('receive', (presenceId, value) => seen.push([presenceId, value]));
    const local = pa.create('presA');
    await h.call((cb) => local.submit({index: 1, length: 2}, cb));
    await until(() => pb.remotePresences.presA !== undefined, 'B to see A\'s cursor');
    assert.deepEqual(pb.remotePresences.presA, {index: 1, length: 2});
    await h.call((cb) => pa.unsubscribe(cb));
    await until(() => seen.some(([pid, v]) => pid === 'presA' && v === null), 'B to learn the cursor is gone');
    assert.equal(pb.remotePresences.presA, undefined);
  },

  'presence-null-on-disconnect': async (t) => {
    const id = h.uniqueId('presence-close');
    const {a, pa, pb, b} = await presencePair(t, id, 'Hello');
    // A second cursor owner whose connection fails instead of closing.
    const a2 = await t.client();
    const d2 = a2.get(C, id);
    await h.subscribe(d2);
    const pa2 = a2.getDocPresence(C, id);
    await h.call((cb) => pa2.subscribe(cb));
    const seen = [];
    pb.on('receive', (presenceId, value) => seen.push([presenceId, value]));
    await h.call((cb) => pa.create('presA').submit({index: 0, length: 5}, cb));
    await h.call((cb) => pa2.create('presA2').submit({index: 4, length: 0}, cb));
    await until(() => pb.remotePresences.presA && pb.remotePresences.presA2, 'B to see both cursors');
    a.close();
    await until(() => seen.some(([pid, v]) => pid === 'presA' && v === null), 'null after a closed connection');
    a2.testSocket.cut();
    await until(() => seen.some(([pid, v]) => pid === 'presA2' && v === null), 'null after a failed connection');
    assert.deepEqual(Object.keys(pb.remotePresences), []);
    assert.equal(b.state, 'connected');
  },

  'fetch-snapshot-at-version': async (t) => {
    const id = h.uniqueId('snapshot-v');
    const a = await t.client();
    const da = a.get(C, id);
    await h.create(da, [{insert: 'a'}]);
    await h.submit(da, [{retain: 1}, {insert: 'b', attributes: {bold: true}}]);
    await h.submit(da, [{delete: 1}, {retain: 1}, {insert: 'c'}]);
    const b = await t.client();
    const at = (v) => h.call((cb) => b.fetchSnapshot(C, id, v, cb));
    const s0 = await at(0);
    assert.equal(s0.v, 0);
    assert.equal(s0.type, null);
    assert.equal(s0.data, undefined);
    const s1 = await at(1);
    assert.deepEqual([s1.v, s1.type, s1.data], [1, RICH_TEXT, {ops: [{insert: 'a'}]}]);
    const s2 = await at(2);
    assert.deepEqual(s2.data, {ops: [{insert: 'a'}, {insert: 'b', attributes: {bold: true}}]});
    const s3 = await at(3);
    assert.deepEqual(s3.data, {ops: [{insert: 'b', attributes: {bold: true}}, {insert: 'c'}]});
    const latest = await at(null);
    assert.equal(latest.v, 3);
    assert.deepEqual(latest.data, s3.data);
    await assert.rejects(at(4), (err) => err.code === 'ERR_OP_VERSION_NEWER_THAN_CURRENT_SNAPSHOT');
  },

  'fetch-snapshot-at-time': async (t) => {
    // Each op is sent only after the clock has moved past the time taken after the previous
    // ack, so every time below falls between two commits (server and client share the clock).
    const id = h.uniqueId('snapshot-ts');
    const a = await t.client();
    const da = a.get(C, id);
    const times = [];
    const mark = async () => {
      times.push(Date.now());
      const last = times[times.length - 1];
      await until(() => Date.now() > last, 'the clock to tick');
    };
    await mark();
    await h.create(da, [{insert: 'a'}]);
    await mark();
    await h.submit(da, [{retain: 1}, {insert: 'b'}]);
    await mark();
    await h.submit(da, [{retain: 2}, {insert: 'c'}]);
    await mark();
    const b = await t.client();
    const at = (ts) => h.call((cb) => b.fetchSnapshotByTimestamp(C, id, ts, cb));
    const s0 = await at(times[0]);
    assert.deepEqual([s0.v, s0.type, s0.data], [0, null, undefined]);
    const texts = [];
    for (let i = 1; i < times.length; i++) {
      const s = await at(times[i]);
      assert.equal(s.v, i);
      assert.equal(s.type, RICH_TEXT);
      texts.push(s.data.ops.map((op) => op.insert).join(''));
    }
    assert.deepEqual(texts, ['a', 'ab', 'abc']);
    const now = await at(null);
    assert.equal(now.v, 3);
    assert.deepEqual(now.data, {ops: [{insert: 'abc'}]});
  },

  'reconnect-inflight-ack-lost': async (t) => {
    const id = h.uniqueId('inflight');
    const a = await t.client();
    const aw = h.recordWire(a);
    const da = a.get(C, id);
    await h.subscribe(da);
    await h.create(da, [{insert: 'ab'}]);
    const b = await t.client();
    const db = b.get(C, id);
    await h.subscribe(db);

    // The server commits A's op and sends the ack, but the connection fails before it arrives.
    a.testSocket.hold();
    let result = null;
    da.submitOp([{retain: 1}, {insert: 'Q'}], (err) => (result = err || 'acked'));
    await until(() => db.version === 2, 'the op to be committed (B sees it)');
    await h.cut(a);
    assert.ok(da.hasWritePending(), 'the op is still waiting for its ack');
    assert.equal(result, null);
    // Someone else edits while A is away.
    await h.submit(db, [{retain: 3}, {insert: 'Z'}]);

    await h.reconnect(a);
    await h.nothingPending(da);
    await until(() => da.version === 3, 'A to catch up');
    assert.equal(result, 'acked');
    const sends = aw.sent.filter((m) => m.a === 'op' && m.d === id && 'op' in m);
    assert.equal(sends.length, 2, 'the op was sent again after the reconnect');
    assert.equal(sends[1].seq, sends[0].seq);
    assert.equal(sends[0].src, undefined);
    assert.equal(sends[1].src, a.id);
    assert.deepEqual(contents(da), [{insert: 'aQbZ'}]);
    assert.deepEqual(contents(db), [{insert: 'aQbZ'}]);
    const fresh = await freshFetch(t, id);
    assert.equal(fresh.version, 3, 'exactly one commit of the resent op');
    assert.deepEqual(contents(fresh), [{insert: 'aQbZ'}]);
  },

  'reconnect-inflight-ack-and-catch-up-lost': async (t) => {
    // A's op is transformed behind B's and committed; the connection fails before A receives
    // B's op or the ack. After the reconnect the resent op is a duplicate: B's op must still
    // reach A before the ack (ARCHITECTURE invariant 4), else the client warns and refetches.
    const id = h.uniqueId('inflight-behind');
    const a = await t.client();
    const aw = h.recordWire(a);
    const da = a.get(C, id);
    await h.subscribe(da);
    await h.create(da, [{insert: 'ab'}]);
    const b = await t.client();
    const db = b.get(C, id);
    await h.subscribe(db);

    a.testSocket.hold();
    await h.submit(db, [{insert: 'Y'}]);
    let result = null;
    da.submitOp([{retain: 2}, {insert: 'X'}], (err) => (result = err || 'acked'));
    await until(() => db.version === 3, 'A\'s op to be committed behind B\'s');
    await h.cut(a);
    assert.equal(da.version, 1);

    const sentBefore = aw.sent.length;
    const receivedBefore = aw.received.length;
    await h.reconnect(a);
    await h.nothingPending(da);
    await until(() => da.version === 3, 'A to catch up');
    assert.equal(result, 'acked');
    const resent = aw.sent.slice(sentBefore).find((m) => m.a === 'op' && m.d === id);
    assert.equal(resent.v, 1);
    const got = aw.received.slice(receivedBefore).filter((m) => m.a === 'op' && m.d === id);
    const ack = got.findIndex((m) => m.src === a.id && !('op' in m));
    assert.equal(got[ack].v, 2, 'acknowledged with the original commit version');
    const missed = got.findIndex((m) => m.src === b.id && m.v === 1);
    assert.ok(missed >= 0 && missed < ack, 'B\'s op before the ack: ' + JSON.stringify(got));
    assert.deepEqual(contents(da), [{insert: 'YabX'}]);
    assert.deepEqual(contents(db), [{insert: 'YabX'}]);
    assert.equal((await freshFetch(t, id)).version, 3);
  },

  'reconnect-op-sent-as-socket-closes': async (t) => {
    // The socket fails just after the op is handed to it: the op may or may not have reached the
    // server. Either way it must end up in the document exactly once. A few rounds, since the
    // outcome varies with timing.
    const a = await t.client();
    for (let round = 0; round < 5; round++) {
      const id = h.uniqueId('sent-closing-' + round);
      const da = a.get(C, id);
      await h.subscribe(da);
      await h.create(da, [{insert: 'ab'}]);
      const onSend = (m) => {
        if (m.a === 'op' && m.d === id && 'op' in m) {
          a.removeListener('send', onSend);
          process.nextTick(() => a.testSocket.cut());
        }
      };
      a.on('send', onSend);
      let result = null;
      da.submitOp([{retain: 1}, {insert: 'Q'}], (err) => (result = err || 'acked'));
      await until(() => a.state === 'disconnected', 'the connection to fail');
      await h.reconnect(a);
      await h.nothingPending(da);
      assert.equal(result, 'acked');
      const fresh = await freshFetch(t, id);
      assert.equal(fresh.version, 2, 'round ' + round + ': one commit');
      assert.deepEqual(contents(fresh), [{insert: 'aQb'}]);
      assert.deepEqual(contents(da), [{insert: 'aQb'}]);
    }
  },

  'bulk-resubscribe-after-reconnect': async (t) => {
    const ids = [0, 1, 2].map((i) => h.uniqueId('bulk' + i));
    const later = [0, 1].map((i) => h.uniqueId('bulk-new' + i));
    const fetchedLater = [0, 1].map((i) => h.uniqueId('bulk-fetch' + i));
    const b = await t.client();
    const bDocs = {};
    for (const id of [...ids, ...later, ...fetchedLater]) {
      bDocs[id] = b.get(C, id);
      await h.create(bDocs[id], [{insert: id + '\n'}]);
    }
    const a = await t.client();
    const aw = h.recordWire(a);
    const aDocs = {};
    for (const id of ids) {
      aDocs[id] = a.get(C, id);
      await h.subscribe(aDocs[id]);
    }

    await h.cut(a);
    // While A is away: others edit two of its documents; A asks for documents it never loaded.
    await h.submit(bDocs[ids[0]], [{insert: 'one '}]);
    await h.submit(bDocs[ids[0]], [{insert: 'two '}]);
    await h.submit(bDocs[ids[2]], [{retain: 2}, {insert: '!', attributes: {bold: true}}]);
    await h.submit(bDocs[later[1]], [{insert: 'new '}]);
    const waiting = [];
    for (const id of later) {
      aDocs[id] = a.get(C, id);
      waiting.push(h.subscribe(aDocs[id]));
    }
    for (const id of fetchedLater) {
      aDocs[id] = a.get(C, id);
      waiting.push(h.fetch(aDocs[id]));
    }
    const sentBefore = aw.sent.length;
    await h.reconnect(a);
    await Promise.all(waiting);
    for (const id of [...ids, ...later]) {
      await until(() => aDocs[id].version === bDocs[id].version, 'A to catch up on ' + id);
    }
    const after = aw.sent.slice(sentBefore);
    const withVersions = after.find((m) => m.a === 'bs' && !Array.isArray(m.b));
    assert.deepEqual(withVersions && withVersions.b, {[ids[0]]: 1, [ids[1]]: 1, [ids[2]]: 1});
    const withoutVersions = after.find((m) => m.a === 'bs' && Array.isArray(m.b));
    assert.deepEqual(withoutVersions && [...withoutVersions.b].sort(), [...later].sort());
    const fetches = after.find((m) => m.a === 'bf');
    assert.deepEqual(fetches && [...fetches.b].sort(), [...fetchedLater].sort());
    for (const id of [...ids, ...later, ...fetchedLater]) {
      assert.deepEqual(contents(aDocs[id]), contents(bDocs[id]), id);
      assert.equal(aDocs[id].version, bDocs[id].version, id);
    }
    assert.equal(text(aDocs[ids[0]]), 'two one ' + ids[0] + '\n');
    // The subscriptions are live again: new ops arrive on every subscribed document.
    for (const id of [...ids, ...later]) await h.submit(bDocs[id], [{insert: '+'}]);
    for (const id of [...ids, ...later]) {
      await until(() => text(aDocs[id]).startsWith('+'), 'a live op on ' + id);
    }
  },

  'missing-doc-has-null-type': async (t) => {
    const id = h.uniqueId('missing');
    const b = await t.client();
    const bw = h.recordWire(b);
    const db = b.get(C, id);
    await h.fetch(db);
    assert.equal(db.type, null);
    assert.equal(db.version, 0);
    assert.equal(db.data, undefined);
    const reply = bw.received.find((m) => m.a === 'f' && m.d === id);
    assert.deepEqual(reply.data, {v: 0, type: null}); // an explicit null, no data
    // A subscriber of a missing document sees it being created.
    await h.subscribe(db);
    const a = await t.client();
    await h.create(a.get(C, id), [{insert: 'now'}]);
    await until(() => db.type !== null, 'the subscriber to see the create');
    assert.equal(db.type.uri, RICH_TEXT);
    assert.equal(db.version, 1);
    assert.deepEqual(contents(db), [{insert: 'now'}]);
  },

  'delete-document': async (t) => {
    const id = h.uniqueId('delete');
    const a = await t.client();
    const da = a.get(C, id);
    await h.create(da, [{insert: 'doomed'}]);
    const b = await t.client();
    const db = b.get(C, id);
    await h.subscribe(db);
    const c = await t.client();
    const dc = c.get(C, id);
    await h.subscribe(dc);
    let deletions = 0;
    dc.on('del', () => deletions++);
    // The server's refusal of B's edit arrives after B has already rolled back (the client
    // refuses to transform an edit past a delete): the doc reports it as an 'error' event.
    const bErrors = [];
    db.on('error', (err) => bErrors.push(err.code));

    b.testSocket.hold(); // B edits without knowing about the delete
    await h.del(da);
    assert.equal(da.type, null);
    assert.equal(da.version, 2);
    const edit = h.submit(db, [{retain: 6}, {insert: '!'}]).then(() => null, (err) => err);

    // A plain subscriber sees the delete; so does anyone who subscribes later.
    await until(() => dc.version === 2, 'the subscriber to see the delete');
    assert.equal(dc.type, null);
    assert.equal(dc.data, undefined);
    assert.equal(deletions, 1);
    const late = await freshFetch(t, id);
    assert.equal(late.type, null);
    assert.equal(late.version, 2);

    // A subscriber with an edit in flight loses the edit and ends up with the deleted document.
    b.testSocket.release();
    const err = await edit;
    assert.equal(err && err.code, 'ERR_DOC_WAS_DELETED');
    await until(() => db.version === 2 && db.type === null && !db.hasPending(), 'B to see the document deleted');
    assert.equal(db.data, undefined);
    await until(() => bErrors.length === 1, 'the server to refuse B\'s edit');
    assert.deepEqual(bErrors, ['ERR_DOC_WAS_DELETED']);

    // A deleted document can be created again; subscribers see that too.
    await h.create(da, [{insert: 'reborn'}]);
    await until(() => db.version === 3 && dc.version === 3, 'subscribers to see the new create');
    assert.deepEqual(contents(db), [{insert: 'reborn'}]);
    assert.deepEqual(contents(dc), [{insert: 'reborn'}]);
    assert.equal((await freshFetch(t, id)).version, 3);
  },
};

/** An op as sent on the wire, array or {ops}, as an array. */
function opsOf(op) {
  return Array.isArray(op) ? op : op.ops;
}

/** Two clients subscribed to a new document and to its presence channel. */
async function presencePair(t, id, initial) {
  const a = await t.client();
  const b = await t.client();
  const da = a.get(C, id);
  await h.create(da, [{insert: initial}]);
  await h.subscribe(da);
  const db = b.get(C, id);
  await h.subscribe(db);
  const pa = a.getDocPresence(C, id);
  const pb = b.getDocPresence(C, id);
  await h.call((cb) => pa.subscribe(cb));
  await h.call((cb) => pb.subscribe(cb));
  return {a, b, da, db, pa, pb};
}

async function freshFetch(t, id) {
  const c = await t.client();
  const doc = c.get(C, id);
  await h.fetch(doc);
  return doc;
}

async function runScenario(url, name) {
  const connections = [];
  const t = {
    client: async () => {
      const conn = h.connect(url);
      connections.push(conn);
      return h.connected(conn);
    },
  };
  const warningsBefore = h.clientWarnings.length;
  const started = Date.now();
  let error = null;
  let timer;
  try {
    await Promise.race([
      scenarios[name](t),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('scenario did not finish within 30 s')), 30000);
      }),
    ]);
    const warnings = h.clientWarnings.slice(warningsBefore);
    assert.deepEqual(warnings, [], 'the sharedb client logged warnings');
  } catch (err) {
    error = (err && err.stack) || String(err);
  } finally {
    clearTimeout(timer);
    for (const conn of connections) conn.testSocket.cut();
  }
  const result = {scenario: name, ok: error === null, ms: Date.now() - started};
  if (error) result.error = error;
  console.log(JSON.stringify(result));
  return error === null;
}

async function main() {
  const [url, ...names] = process.argv.slice(2);
  if (!url) {
    console.error('usage: node conformance.js <ws-url> [scenario ...]; scenarios: ' + Object.keys(scenarios).join(', '));
    process.exit(2);
  }
  const chosen = names.length ? names : Object.keys(scenarios);
  for (const name of chosen) {
    if (!scenarios[name]) {
      console.error('unknown scenario ' + name + '; known: ' + Object.keys(scenarios).join(', '));
      process.exit(2);
    }
  }
  let ok = true;
  for (const name of chosen) ok = (await runScenario(url, name)) && ok;
  process.exit(ok ? 0 : 1);
}

main();
