/** Words and characters of a Quill document's text (Quill always ends it with one "\n"). */
export function textStats(text: string): { words: number; chars: number } {
  const body = text.endsWith('\n') ? text.slice(0, -1) : text;
  const words = body.split(/\s+/u).filter((w) => w.length > 0).length;
  // Characters as people count them: an emoji is one, not two UTF-16 units.
  const chars = Array.from(body.replace(/\n/g, '')).length;
  return { words, chars };
}
