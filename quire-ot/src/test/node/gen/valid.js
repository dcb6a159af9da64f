'use strict';
// Valid requests for each function of the oracle contract, built around one random document so
// that every op fits what it applies to.
const { Style, doc, change, docLength, changeLength, wrap } = require('./content');

const RANGE_EXTRAS = [
  ['name', 'Ana'], ['color', '#f0a'], ['meta', { a: [1, 2], b: null }], ['nothing', null],
  ['flag', false], ['n', 1.5], ['list', []], ['😀', '😀'], ['sel', { index: 1, length: 2 }],
];

function compose(r, style) {
  const base = doc(style);
  // Either document ∘ change (what apply does) or change ∘ change (what a client buffers).
  const a = r.chance(0.25) ? base : change(style, docLength(base));
  const b = change(style, docLength(base) + changeLength(a));
  return { fn: 'compose', a: wrap(r, a), b: wrap(r, b) };
}

function transform(r, style) {
  const base = doc(style);
  const length = docLength(base);
  const a = change(style, length);
  const b = r.chance(0.05) ? a : change(style, length);
  return { fn: 'transform', a: wrap(r, a), b: wrap(r, b), priority: r.chance(0.5) };
}

function transformPosition(r, style) {
  const length = docLength(doc(style));
  const a = change(style, length);
  const index = r.chance(0.05) ? length + r.int(1, 5) : r.int(0, length);
  return { fn: 'transformPosition', a: wrap(r, a), index, priority: r.chance(0.5) };
}

function invert(r, style) {
  const base = doc(style);
  return { fn: 'invert', a: wrap(r, change(style, docLength(base))), base: wrap(r, base) };
}

function apply(r, style) {
  const d = doc(style);
  return { fn: 'apply', doc: wrap(r, d), op: wrap(r, change(style, docLength(d))) };
}

function transformPresence(r, style) {
  const length = docLength(doc(style));
  const op = wrap(r, change(style, length));
  let range = null;
  if (!r.chance(0.1)) {
    const index = r.int(0, length);
    range = { index, length: r.chance(0.3) ? 0 : r.int(0, length - index) };
    const extras = r.weighted([[4, 0], [3, 1], [2, 3]]);
    for (let i = 0; i < extras; i++) {
      const [k, v] = r.pick(RANGE_EXTRAS);
      range[k] = v;
    }
  }
  return { fn: 'transformPresence', range, op, own: r.chance(0.5) };
}

const FNS = [compose, transform, transformPosition, invert, apply, transformPresence];

// One valid request, the function chosen uniformly.
function validRequest(r) {
  const fn = r.pick(FNS);
  return fn(r, new Style(r));
}

module.exports = { validRequest };
