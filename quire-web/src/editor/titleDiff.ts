// The title input is plain text bound to a rich-text document (collection "titles"): each change
// of the input becomes the smallest op that turns the old text into the new one.

export type TextOp = ({ retain: number } | { delete: number } | { insert: string })[];

function isHigh(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

function isLow(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/** Keep the common start and end, replace the middle; never split a surrogate pair. */
export function titleDiff(from: string, to: string): TextOp {
  const max = Math.min(from.length, to.length);
  let start = 0;
  while (start < max && from.charCodeAt(start) === to.charCodeAt(start)) start++;
  let end = 0;
  while (end < max - start && from.charCodeAt(from.length - 1 - end) === to.charCodeAt(to.length - 1 - end)) end++;
  if (start > 0 && isHigh(from.charCodeAt(start - 1))) start--;
  if (end > 0 && isLow(from.charCodeAt(from.length - end))) end--;
  const op: TextOp = [];
  if (from === to) return op;
  if (start > 0) op.push({ retain: start });
  const deleted = from.length - start - end;
  if (deleted > 0) op.push({ delete: deleted });
  const inserted = to.slice(start, to.length - end);
  if (inserted) op.push({ insert: inserted });
  return op;
}

/** The text of a rich-text document's data ({ops}); embeds count for nothing. */
export function textOf(data: { ops?: { insert?: unknown }[] } | null | undefined): string {
  let s = '';
  for (const op of data?.ops ?? []) {
    if (typeof op.insert === 'string') s += op.insert;
  }
  return s;
}

/** Where a caret at `index` is after someone else's `op`: text they insert at the caret goes after it. */
export function moveCaret(index: number, op: TextOp): number {
  let pos = 0;
  let out = index;
  for (const c of op) {
    if (pos > index) break;
    if ('retain' in c) {
      pos += c.retain;
    } else if ('delete' in c) {
      out -= Math.min(c.delete, index - pos);
      index -= Math.min(c.delete, index - pos);
    } else {
      if (pos < index) {
        out += c.insert.length;
        index += c.insert.length;
      }
      pos += c.insert.length;
    }
  }
  return out;
}
