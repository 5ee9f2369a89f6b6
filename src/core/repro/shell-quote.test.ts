import { describe, expect, it } from 'vitest';
import { comment, commentText, safeRelativePath, safeWord, shQuote } from './shell-quote.ts';

describe('shell quoting', () => {
  it("single-quotes, writing ' as '\\''", () => {
    expect(shQuote("it's $(x)")).toBe(`'it'\\''s $(x)'`);
    expect(shQuote('')).toBe("''");
  });

  it('refuses words with control characters, and keeps comments on one line', () => {
    expect(safeWord('a\nb')).toBeUndefined();
    expect(safeWord('a\rb')).toBeUndefined();
    expect(safeWord('ok')).toBe("'ok'");
    expect(commentText('a\nRUN x\t\u0000')).toBe('a\\nRUN x\\t\\u0000');
    expect(commentText('ends in \\')).toBe('ends in \\ (end)');
    expect(comment('one', '', 'two\nthree')).toBe('# one\n#\n# two\\nthree');
  });

  it('confines relative paths', () => {
    expect(safeRelativePath('data/./raw//x.csv')).toBe('data/raw/x.csv');
    expect(safeRelativePath('-rf')).toBe('./-rf');
    for (const bad of ['../x', 'a/../../x', '/etc/passwd', '~/x', 'C:/x', 'a\\..\\b', 'a\nb', '', '.']) expect(safeRelativePath(bad)).toBeUndefined();
  });
});
