'use strict';
// Requests that must be refused. Ops break one rule of sharedb-protocol.md §7 each and expect
// ERR_OT_OP_BADLY_FORMED (the reference would compute garbage; Quire refuses). Request lines
// that are not of the contract's shape expect ERR_MESSAGE_BADLY_FORMED.
const { Style, doc, change, docLength } = require('./content');

const OP_BADLY_FORMED = 'ERR_OT_OP_BADLY_FORMED';
const MESSAGE_BADLY_FORMED = 'ERR_MESSAGE_BADLY_FORMED';

const BAD_LENGTHS = [0, -1, -7, 1.5, 0.5, '3', '', null, true, false, [], [2], { n: 1 },
  2 ** 53, 2 ** 53 + 2, 1e20, 1e300, -(2 ** 53)];
const NOT_OBJECTS = [null, [], [{ bold: true }], 'bold', 5, 0, true];
const BAD_INSERTS = [5, 0, -1, null, [], ['a'], true, false];

// One bad component, by category.
const BAD_COMPONENTS = [
  (r) => ({ retain: r.pick(BAD_LENGTHS) }),
  (r) => ({ retain: r.pick(BAD_LENGTHS), attributes: { bold: true } }),
  (r) => ({ delete: r.pick(BAD_LENGTHS) }),
  (r) => r.pick([{}, { attributes: { bold: true } }, { attributes: {} }]),
  (r) => r.pick([{ insert: 'a', retain: 1 }, { retain: 1, delete: 1 }, { insert: 'a', delete: 1 },
    { insert: { image: 'x' }, retain: 2 }, { insert: 'a', retain: 1, delete: 1 }]),
  (r) => r.pick([{ insert: 'a', foo: 1 }, { retain: 1, Attributes: {} }, { delete: 1, x: null },
    { insert: 'a', attributes: {}, meta: {} }, { retain: 2, length: 2 }]),
  (r) => ({ [r.pick(['insert', 'retain'])]: r.pick(['a', 1]), attributes: r.pick(NOT_OBJECTS) }),
  (r) => withKind(r, { insert: r.pick(BAD_INSERTS) }),
  () => ({ insert: '' }),
  (r) => r.pick([{ retain: { x: 1 } }, { retain: {} }, { retain: { image: 'a' }, attributes: { bold: true } }]),
  (r) => ({ delete: r.int(1, 3), attributes: r.pick([{ bold: true }, {}, { bold: null }]) }),
  (r) => r.pick([1, 'insert', null, true, [], [{ insert: 'a' }]]),
  // Attribute names that JavaScript resolves through Object.prototype: refused (see OpParser).
  (r) => JSON.parse(`{"${r.pick(['insert', 'retain'])}":${r.pick(['"a"', '1'])},"attributes":{"${
    r.pick(['constructor', 'toString', '__proto__', 'valueOf', 'hasOwnProperty'])}":"x"}}`),
];

function withKind(r, op) {
  if (r.chance(0.3)) op.attributes = { bold: true };
  return op;
}

// A bad op: a bad component among valid ones, or a bad top-level shape.
function badOp(r, style, length) {
  const shape = r.weighted([[8, 'component'], [1, 'top'], [1, 'ops']]);
  if (shape === 'top') return r.pick([5, 0, -1.5, 'abc', '[]', null, true]);
  if (shape === 'ops') {
    return r.pick([{ ops: {} }, { ops: 'x' }, { ops: null }, { ops: 5 }, {}, { opz: [] },
      { ops: [], extra: 1 }, { ops: [{ insert: 'a' }], version: 3 }]);
  }
  const ops = change(style, length);
  ops.splice(r.int(0, ops.length), 0, r.pick(BAD_COMPONENTS)(r));
  return ops;
}

// An apply whose op reaches past the document's end, by a retain or a delete.
function pastTheEnd(r, style) {
  const d = doc(style);
  const length = docLength(d);
  const ops = change(style, length);
  let used = 0;
  for (const op of ops) if (op.insert === undefined) used += op.retain || op.delete;
  const over = length - used + r.int(1, 3);
  ops.push(r.chance(0.5) ? { retain: over } : { delete: over });
  if (r.chance(0.3)) ops.push({ insert: 'z' });
  return { fn: 'apply', doc: d, op: ops };
}

// A request with one bad op in one of its op slots.
function badOpRequest(r, style) {
  const length = docLength(doc(style));
  const bad = () => badOp(r, style, length);
  const good = () => change(style, length);
  const d = () => doc(style);
  return r.weighted([
    [6, () => ({ fn: 'apply', doc: d(), op: bad() })],
    [1, () => ({ fn: 'apply', doc: bad(), op: [] })],
    [1, () => ({ fn: 'apply', doc: [{ insert: 'a' }, { retain: 1 }], op: [] })],
    [1, () => ({ fn: 'compose', a: bad(), b: good() })],
    [1, () => ({ fn: 'compose', a: good(), b: bad() })],
    [1, () => ({ fn: 'transform', a: good(), b: bad(), priority: r.chance(0.5) })],
    [1, () => ({ fn: 'transform', a: bad(), b: good(), priority: r.chance(0.5) })],
    [1, () => ({ fn: 'transformPosition', a: bad(), index: 0, priority: true })],
    [1, () => ({ fn: 'invert', a: bad(), base: d() })],
    [1, () => ({ fn: 'invert', a: good(), base: bad() })],
    [1, () => ({ fn: 'transformPresence', range: r.chance(0.5) ? null : { index: 0, length: 0 }, op: bad(), own: true })],
  ])();
}

// Lines that are not requests of the contract: not JSON, unknown fn, missing or mistyped fields.
const BAD_LINES = [
  'not json', '{"fn":"compose","a":[', '', ' ', '{"fn":"apply",}', "{'fn':'apply'}", 'nul',
  '{"fn":"compose","a":[],"b":[]} trailing', '{"fn":"compose","a":[],"b":[]}{}',
];
const BAD_REQUESTS = [
  () => ({ fn: 'diff', a: [], b: [] }),
  () => ({ fn: 'Compose', a: [], b: [] }),
  () => ({ fn: '', a: [], b: [] }),
  () => ({ fn: null, a: [], b: [] }),
  () => ({ fn: 7, a: [], b: [] }),
  () => ({ a: [], b: [] }),
  () => [],
  () => 42,
  () => 'compose',
  () => null,
  () => ({ fn: 'compose', a: [] }),
  () => ({ fn: 'compose', b: [] }),
  () => ({ fn: 'transform', a: [], b: [] }),
  (r) => ({ fn: 'transform', a: [], b: [], priority: r.pick(['true', 1, 0, null, [], {}]) }),
  (r) => ({ fn: 'transformPosition', a: [], index: r.pick([-1, 1.5, '3', null, true]), priority: false }),
  () => ({ fn: 'transformPosition', a: [], priority: false }),
  () => ({ fn: 'transformPosition', index: 0, priority: false }),
  () => ({ fn: 'invert', a: [] }),
  () => ({ fn: 'apply', doc: [] }),
  () => ({ fn: 'apply', op: [] }),
  () => ({ fn: 'transformPresence', op: [], own: true }),
  (r) => ({ fn: 'transformPresence', range: null, op: [], own: r.pick(['yes', 1, null]) }),
  () => ({ fn: 'transformPresence', range: null, op: [] }),
  (r) => ({ fn: 'transformPresence', range: r.pick([5, 'x', [], true]), op: [], own: true }),
  (r) => ({ fn: 'transformPresence', range: r.pick([{}, { index: 0 }, { length: 0 },
    { index: -1, length: 0 }, { index: 0, length: 'a' }, { index: 0.5, length: 1 }]), op: [], own: true }),
];

// { req, code }: req is a request object, or a string holding a raw line that is not JSON.
function malformedCase(r) {
  const style = new Style(r);
  const kind = r.weighted([[2, 'past'], [6, 'op'], [0.5, 'line'], [1.5, 'request']]);
  switch (kind) {
    case 'past': return { req: pastTheEnd(r, style), code: OP_BADLY_FORMED };
    case 'op': return { req: badOpRequest(r, style), code: OP_BADLY_FORMED };
    case 'line': return { req: r.pick(BAD_LINES), raw: true, code: MESSAGE_BADLY_FORMED };
    default: return { req: r.pick(BAD_REQUESTS)(r), code: MESSAGE_BADLY_FORMED };
  }
}

module.exports = { malformedCase };
