/**
 * The pure part of the run page's reproducibility panel: which files "Export Dockerfile" saves,
 * and the words for a checklist status (text, so the status never rests on colour alone).
 */
import type { ChecklistStatus, ReproChecklist, ReproFiles } from '../../../core/repro';

export interface ExportFile {
  /** The exact name the Dockerfile expects (`COPY requirements.txt fetch-data.sh ./`). */
  name: 'Dockerfile' | 'requirements.txt' | 'fetch-data.sh';
  mime: string;
  text: string;
}

/** The three files in the order they are saved. */
export function exportFiles(files: ReproFiles): ExportFile[] {
  return [
    // Not text/plain: Chromium would save a file with no extension as "Dockerfile.txt".
    { name: 'Dockerfile', mime: 'application/octet-stream', text: files.dockerfile },
    { name: 'requirements.txt', mime: 'text/plain', text: files.requirements },
    { name: 'fetch-data.sh', mime: 'text/x-shellscript', text: files.fetchData },
  ];
}

export const STATUS_TEXT: Readonly<Record<ChecklistStatus, string>> = { pass: 'Pass', partial: 'Partly', fail: 'Missing' };
/** A mark that reads the same to a screen reader as it looks: the word follows it. */
export const STATUS_MARK: Readonly<Record<ChecklistStatus, string>> = { pass: '✓', partial: '◐', fail: '✗' };

/** "3 of 5 checks pass; 1 partly" — the score's meaning in a sentence. */
export function checklistSummary(c: ReproChecklist): string {
  const count = (s: ChecklistStatus) => c.items.filter((i) => i.status === s).length;
  const partly = count('partial');
  return `${count('pass')} of ${c.items.length} checks pass${partly ? `; ${partly} partly` : ''}`;
}

/** Points as shown: whole numbers, else one decimal. */
export const points = (n: number): string => (Number.isInteger(n) ? String(n) : n.toFixed(1));
