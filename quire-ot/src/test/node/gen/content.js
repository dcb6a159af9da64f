'use strict';
// Random Delta content: documents (inserts only) and changes that are valid against a document
// of a known length (no retain or delete reaches past its end). Non-canonical shapes that are
// still valid input are produced on purpose: unmerged neighbours with equal attributes,
// `attributes: {}`, trailing plain retains, adjacent deletes, an insert after a delete.

// Text pieces. Lengths are UTF-16 code units, as in JavaScript, so astral characters (two units)
// get split by retains and deletes, leaving lone surrogates in results.
const ASCII = ['a', 'b', 'c', 'x', 'yz', 'hello', 'Quire', ' ', ' ', '.', ',', '\n'];
const SPECIAL = ['"', '\\', '/', '\t', '\r', '\u0000', '\u001f', '\u007f', '\u2028', '\u2029',
  '\u00a0', '\ufeff', 'é', 'e\u0301', 'ß', 'ﬁ', '中', '文字', 'Ωμέγα', 'עברית', '\n\n', '<b>&amp;</b>'];
const ASTRAL = ['😀', '👍🏽', '𝄞', '👨‍👩‍👧', '🇫🇷', '\u{10ffff}', '\u{1f4a9}', 'a😀b', '😀😀'];
const LONE = ['\ud83d', '\ude00', '\udbff', 'x\udc00y'];

const FLAVOURS = {
  ascii: [[1, ASCII]],
  mixed: [[6, ASCII], [2, SPECIAL], [2, ASTRAL], [0.1, LONE]],
  astral: [[2, ASCII], [1, SPECIAL], [6, ASTRAL], [0.3, LONE]],
};

// Attribute keys. Names of Object.prototype members ("constructor", "toString", "__proto__"...)
// are left out here: the reference looks them up through the prototype chain, so Quire refuses
// them (OpParser.RESERVED_ATTRIBUTES); the malformed cases check that refusal.
const KEYS = ['bold', 'italic', 'underline', 'strike', 'color', 'background', 'font', 'size',
  'link', 'header', 'list', 'align', 'indent', 'script', 'code-block', 'data-x', 'x y', '',
  'ünï', 'emoji😀', 'comment'];

const VALUES = [
  true, true, true, false,
  'red', '#00ff00', '', 'serif', 'https://quire.dev/a?b=c&d="e"', '😀', 'x\ud83dy',
  1, 2, 3, 0, -1, 1.5, 1e-7, 1e21, 12345678901234567890,
  { a: 1 }, { href: 'https://x', title: null }, { nested: { deep: [1, { x: null }] } }, {},
  [], [1, 'two', null], [[false]],
];

const EMBEDS = [
  () => ({ image: 'https://quire.dev/cat.png' }),
  () => ({ image: 'data:image/png;base64,iVBORw0KGgo=' }),
  () => ({ formula: 'x^2' }),
  () => ({ video: 'https://youtu.be/x' }),
  () => ({ mention: { id: 5, name: 'Al 😀', tags: ['a', null] } }),
  () => ({ table: { rows: 2, cells: [['a', 'b'], [{ t: 1 }, null]] } }),
  () => ({ divider: true }),
  () => ({ x: null }),
  () => ({}),
];

// What one case's content looks like: its size, text flavour, attribute keys and a few attribute
// maps reused across ops (so equal neighbours, merges and deep-equal comparisons happen often).
class Style {
  constructor(r) {
    this.r = r;
    this.size = r.weighted([[82, 'small'], [15, 'medium'], [3, 'large']]);
    this.flavour = FLAVOURS[r.weighted([[3, 'ascii'], [5, 'mixed'], [2, 'astral']])];
    const keyCount = r.int(1, 6);
    this.keys = [];
    for (let i = 0; i < keyCount; i++) this.keys.push(r.pick(KEYS));
    this.palette = [];
    const paletteSize = r.int(1, 4);
    for (let i = 0; i < paletteSize; i++) this.palette.push(this.freshAttributes(0.15));
  }

  opCount() {
    const r = this.r;
    switch (this.size) {
      case 'small': return r.int(0, 6);
      case 'medium': return r.int(5, 40);
      default: return r.int(100, 300);
    }
  }

  textLength() {
    const r = this.r;
    if (this.size === 'large' && r.chance(0.02)) return r.int(500, 3000);
    if (this.size !== 'small' && r.chance(0.2)) return r.int(10, 60);
    return r.weighted([[5, 1], [4, r.int(2, 4)], [2, r.int(5, 12)]]);
  }

  text() {
    const r = this.r;
    const target = this.textLength();
    let s = '';
    while (s.length < target) s += r.pick(r.weighted(this.flavour));
    return s;
  }

  embed() {
    return this.r.pick(EMBEDS)();
  }

  // A fresh attribute map; nullChance is how likely each value is null (a removal in a retain).
  freshAttributes(nullChance) {
    const r = this.r;
    const out = {};
    const n = r.int(1, 4);
    for (let i = 0; i < n; i++) {
      out[r.pick(this.keys)] = r.chance(nullChance) ? null : r.pick(VALUES);
    }
    return out;
  }

  // Attributes for an op: usually none or one from the palette; sometimes `{}` or fresh ones.
  attributes(nullChance) {
    const r = this.r;
    return r.weighted([
      [40, undefined],
      [35, () => r.pick(this.palette)],
      [5, () => ({})],
      [20, () => this.freshAttributes(nullChance)],
    ]);
  }
}

function withAttributes(op, attributes) {
  const a = typeof attributes === 'function' ? attributes() : attributes;
  if (a !== undefined) op.attributes = a;
  return op;
}

function insertOp(style, nullChance) {
  const insert = style.r.chance(0.12) ? style.embed() : style.text();
  return withAttributes({ insert }, style.attributes(nullChance));
}

function opLength(op) {
  if (typeof op.delete === 'number') return op.delete;
  if (typeof op.retain === 'number') return op.retain;
  return typeof op.insert === 'string' ? op.insert.length : 1;
}

// A document: inserts only (text and embeds), not normalised.
function doc(style) {
  const n = style.r.chance(0.05) ? 0 : style.opCount() + 1;
  const ops = [];
  for (let i = 0; i < n; i++) ops.push(insertOp(style, 0.05));
  return ops;
}

function docLength(ops) {
  let n = 0;
  for (const op of ops) n += opLength(op);
  return n;
}

// How much a valid change alters the length of the document it applies to.
function changeLength(ops) {
  let n = 0;
  for (const op of ops) {
    if (op.insert !== undefined) n += opLength(op);
    else if (op.delete !== undefined) n -= op.delete;
  }
  return n;
}

// A span length to retain or delete out of `left`: small ones split ops (and surrogate pairs),
// larger ones cross op boundaries, and "all of it" reaches the document's end exactly.
function span(r, left) {
  return Math.min(left, r.weighted([
    [5, 1],
    [5, r.int(1, 3)],
    [4, r.int(1, 12)],
    [2, r.int(1, Math.max(1, left))],
    [1, left],
  ]));
}

// A change valid against a document of length `length`.
function change(style, length) {
  const r = style.r;
  const budget = style.opCount() + 1;
  const ops = [];
  let pos = 0;
  while (ops.length < budget) {
    const left = length - pos;
    const kind = r.weighted([
      [3, 'insert'],
      [left > 0 ? 4 : 0, 'retain'],
      [left > 0 ? 2.5 : 0, 'delete'],
      [left > 0 ? 0.4 : 2, 'stop'],
    ]);
    if (kind === 'stop') break;
    if (kind === 'insert') {
      ops.push(insertOp(style, 0.2));
    } else if (kind === 'retain') {
      const n = span(r, left);
      ops.push(withAttributes({ retain: n }, style.attributes(0.35)));
      pos += n;
    } else {
      const n = span(r, left);
      ops.push({ delete: n });
      pos += n;
    }
  }
  // Sometimes retain up to the end explicitly: a final plain retain is valid, just not canonical.
  if (pos < length && r.chance(0.1)) ops.push({ retain: length - pos });
  return ops;
}

// An op as sent: usually the array of components, sometimes a Quill Delta object {ops}.
function wrap(r, ops) {
  return r.chance(0.05) ? { ops } : ops;
}

module.exports = { Style, doc, change, docLength, changeLength, wrap, opLength };
