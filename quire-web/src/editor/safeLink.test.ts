import { describe, expect, it } from 'vitest';
import { cleanPasted, safeLink } from './safeLink';

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

describe('cleanPasted', () => {
  it('drops unsafe links but keeps their text, and drops embeds from unsafe URLs', () => {
    const pasted = {
      ops: [
        { insert: 'run me', attributes: { link: ' JaVa\tScRiPt:alert(1)', bold: true } },
        { insert: 'data', attributes: { link: 'data:text/html,<script>x</script>' } },
        { insert: 'site', attributes: { link: 'example.com/a' } },
        { insert: { image: 'javascript:alert(1)' } },
        { insert: { image: 'data:image/svg+xml,<svg onload=alert(1)>' } },
        { insert: { image: 'data:image/png;base64,iVBORw0KGgo=' } },
        { insert: { image: 'https://example.com/a.png' } },
        { insert: { video: 'data:video/mp4;base64,AAAA' } },
      ],
    };
    expect(cleanPasted(pasted).ops).toEqual([
      { insert: 'run me', attributes: { bold: true } },
      { insert: 'data' },
      { insert: 'site', attributes: { link: 'https://example.com/a' } },
      { insert: { image: 'data:image/png;base64,iVBORw0KGgo=' } },
      { insert: { image: 'https://example.com/a.png' } },
    ]);
  });
});
