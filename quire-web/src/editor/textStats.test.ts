import { describe, expect, it } from 'vitest';
import { textStats } from './textStats';

describe('textStats', () => {
  it('counts nothing in an empty document', () => {
    expect(textStats('\n')).toEqual({ words: 0, chars: 0 });
  });
  it('counts words across lines and characters without the line breaks', () => {
    expect(textStats('Hello world\nsecond  line\n')).toEqual({ words: 4, chars: 23 });
  });
  it('counts an emoji as one character', () => {
    expect(textStats('hi 👋\n')).toEqual({ words: 2, chars: 4 });
  });
});
