// Test helpers: the real files under test/fixtures. Unit tests beside src/core code read their
// fixtures through here, so the code under test takes text and never touches node:fs.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The absolute path of `path` under test/fixtures. */
export const fixturePath = (path: string): string => fileURLToPath(new URL(`../fixtures/${path}`, import.meta.url));

/** The text of `path` under test/fixtures (UTF-8). */
export const readFixture = (path: string): string => readFileSync(fixturePath(path), 'utf8');
