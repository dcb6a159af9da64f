import { describe, expect, it } from 'vitest';
import { moveCaret, textOf, titleDiff, type TextOp } from './titleDiff';

function apply(text: string, op: TextOp): string {
  let out = '';
  let i = 0;
  for (const c of op) {
    if ('retain' in c) { out += text.slice(i, i + c.retain); i += c.retain; }
    else if ('delete' in c) i += c.delete;
    else out += c.insert;
  }
  return out + text.slice(i);
}

describe('titleDiff', () => {
  it('types a letter as one insert after the common start', () => {
    expect(titleDiff('Plan', 'Plans')).toEqual([{ retain: 4 }, { insert: 's' }]);
  });
  it('replaces only the middle that changed', () => {
    expect(titleDiff('Q1 report', 'Q2 report')).toEqual([{ retain: 1 }, { delete: 1 }, { insert: '2' }]);
  });
  it('is empty when nothing changed', () => {
    expect(titleDiff('same', 'same')).toEqual([]);
  });
  it('never splits an emoji between its two halves', () => {
    const op = titleDiff('a😀', 'a😃');
    expect(op).toEqual([{ retain: 1 }, { delete: 2 }, { insert: '😃' }]);
  });
  it('always turns the old text into the new one', () => {
    const cases = [['', 'x'], ['x', ''], ['abc', 'abXbc'], ['aaa', 'aa'], ['hello world', 'help world!']];
    for (const [a, b] of cases) expect(apply(a, titleDiff(a, b))).toBe(b);
  });
});

describe('textOf', () => {
  it('joins the text inserts of a document', () => {
    expect(textOf({ ops: [{ insert: 'Hi ' }, { insert: 'there' }] })).toBe('Hi there');
    expect(textOf(null)).toBe('');
  });
});

describe('moveCaret', () => {
  it('moves a caret right past text inserted before it and left for text deleted before it', () => {
    expect(moveCaret(3, [{ insert: 'ab' }])).toBe(5);
    expect(moveCaret(3, [{ delete: 2 }])).toBe(1);
    expect(moveCaret(3, [{ retain: 1 }, { delete: 5 }])).toBe(1);
  });
  it('leaves a caret where it is for changes after it', () => {
    expect(moveCaret(2, [{ retain: 4 }, { insert: 'zz' }])).toBe(2);
  });
});
