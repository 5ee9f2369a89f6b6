import { describe, expect, it } from 'vitest';
import { IMAGE_INLINE_LIMIT, TEXT_INLINE_LIMIT, planOutput } from './output-plan';

const display = (data: Record<string, unknown>) => ({ kind: 'display' as const, data, executionCount: null, result: false });

describe('planOutput', () => {
  it('prefers images, then SVG as an image, then HTML, then plain text', () => {
    expect(planOutput(display({ 'image/png': 'iVBORw0K\nGgo=', 'text/plain': '<Figure>' }))).toMatchObject({ kind: 'image', src: 'data:image/png;base64,iVBORw0KGgo=', deferred: false });
    const svg = planOutput(display({ 'image/svg+xml': '<svg onload="alert(1)"><script>alert(2)</script></svg>', 'text/html': '<b>x</b>' }));
    expect(svg.kind).toBe('image');
    expect(svg.kind === 'image' && svg.src.startsWith('data:image/svg+xml;charset=utf-8,%3Csvg')).toBe(true);
    expect(planOutput(display({ 'text/html': '<table></table>', 'text/plain': 'df' }))).toEqual({ kind: 'html', html: '<table></table>', deferred: false });
    expect(planOutput(display({ 'text/plain': '42' }))).toEqual({ kind: 'text', text: '42', truncated: false });
  });

  it('never shows script outputs, and says so', () => {
    const p = planOutput(display({ 'application/javascript': 'alert(1)', 'text/plain': '<IPython.core.display.Javascript object>' }));
    expect(p).toMatchObject({ kind: 'text', text: '<IPython.core.display.Javascript object>' });
    expect(p.kind === 'text' && p.note).toMatch(/not run here/);
  });

  it('refuses image data that is not base64 (no data: URL smuggling)', () => {
    const p = planOutput(display({ 'image/png': 'x");background:url(javascript:alert(1))', 'text/plain': 'img' }));
    expect(p.kind).toBe('text');
  });

  it('defers a 20 MB image and caps a long log', () => {
    const big = 'A'.repeat(20 * 1024 * 1024);
    const p = planOutput(display({ 'image/png': big }));
    expect(p).toMatchObject({ kind: 'image', deferred: true, bytes: big.length });
    expect(big.length).toBeGreaterThan(IMAGE_INLINE_LIMIT);
    const log = planOutput({ kind: 'stream', name: 'stdout', text: 'x'.repeat(TEXT_INLINE_LIMIT + 5) });
    expect(log).toMatchObject({ kind: 'stream', truncated: true });
    expect(log.kind === 'stream' && log.text.length).toBe(TEXT_INLINE_LIMIT);
  });

  it('pretty-prints JSON outputs', () => {
    expect(planOutput(display({ 'application/json': { a: [1, 2] } }))).toEqual({ kind: 'json', text: '{\n  "a": [\n    1,\n    2\n  ]\n}', truncated: false });
  });
});
