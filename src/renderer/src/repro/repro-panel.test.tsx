// The panel as markup (react-dom/server): no run page is needed to see what it shows. The
// click-to-download path needs a browser and is exercised by the run page's e2e once mounted.
// server.node: the layer rule reads a bare `react-dom/server` as our server/ folder.
import { renderToStaticMarkup } from 'react-dom/server.node';
import { describe, expect, it } from 'vitest';
import { reproChecklist, reproFiles } from '../../../core/repro';
import { detail } from '../../../../test/helpers/repro-details';
import { checklistSummary, exportFiles, points } from './repro-export';
import { ReproPanel } from './repro-panel';

const render = (d = detail()) => renderToStaticMarkup(<ReproPanel checklist={reproChecklist(d)} files={reproFiles(d)} onExport={() => {}} exportMessage="" />);
const items = (html: string) => [...html.matchAll(/<li class="repro-item repro-(\w+)"[^>]*>(.*?)<\/li>/g)].map((m) => ({ status: m[1], text: m[2]!.replace(/<[^>]+>/g, '') }));

describe('ReproPanel', () => {
  it('lists every check with its status as a word, and the score', () => {
    const html = render(detail({ seed: undefined, code: { commit: '3ea7b47e', dirty: true } }));
    expect(html).toContain('<strong data-testid="repro-score">78/100</strong>');
    expect(html).toContain('3 of 5 checks pass; 1 partly');
    expect(items(html).map((i) => [i.status, i.text.split(' points')[0]])).toEqual([
      ['partial', '◐ PartlyCode version pinned12.5 of 25'],
      ['pass', '✓ PassParameters recorded15 of 15'],
      ['pass', '✓ PassData versions by hash20 of 20'],
      ['pass', '✓ PassEnvironment captured and pinned30 of 30'],
      ['fail', '✗ MissingRandom seed recorded0 of 10'],
    ]);
    expect(html).toContain('aria-label="Reproducibility checklist"');
    expect(html).toContain('<button type="button">Export Dockerfile</button>');
  });

  it('shows what could not be pinned, and renders run text as text', () => {
    const html = render(detail({ code: { commit: '<img src=x onerror=alert(1)>' }, environment: [] }));
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&quot;&lt;img src=x onerror=alert(1)&gt;&quot; is not a git commit hash');
    expect(html).toMatch(/<summary>\d+ things could not be pinned or fetched<\/summary>/);
    expect(html).toContain('no environment recorded: requirements.txt is empty');
  });
});

describe('repro export helpers', () => {
  it('saves the three files under the names the Dockerfile copies', () => {
    const files = exportFiles(reproFiles(detail()));
    expect(files.map((f) => f.name)).toEqual(['Dockerfile', 'requirements.txt', 'fetch-data.sh']);
    expect(files[0]!.text).toContain('COPY requirements.txt fetch-data.sh ./');
  });

  it('summarizes and formats points', () => {
    expect(checklistSummary(reproChecklist(detail()))).toBe('5 of 5 checks pass');
    expect([points(12.5), points(30), points(10 + 15 * (11 / 20) + 5)]).toEqual(['12.5', '30', '23.3']);
  });
});
