import { describe, expect, it } from 'vitest';
import { safeLink } from './safeLink';

describe('safeLink', () => {
  it('keeps web, mail and phone links', () => {
    for (const u of ['https://example.com/a?b', 'http://x.y', 'mailto:a@b.c', 'tel:+123']) {
      expect(safeLink(u)).toBe(u);
    }
  });
  it('blanks script and data links, however they are disguised', () => {
    for (const u of ['javascript:alert(1)', ' JavaScript:alert(1)', 'java\tscript:alert(1)',
      'data:text/html,<script>alert(1)</script>', 'vbscript:x', 'file:///etc/passwd']) {
      expect(safeLink(u)).toBe('about:blank');
    }
  });
  it('turns a bare domain into an https link', () => {
    expect(safeLink('example.com/page')).toBe('https://example.com/page');
  });
});
