// The baseline page of bench:open loads only this: the same yjs the renderer bundles, built the
// same way (vite, minified), so "bare Y.applyUpdate" runs the same code in the same Chromium.
import * as Y from 'yjs';

(globalThis as { BenchY?: typeof Y }).BenchY = Y;
