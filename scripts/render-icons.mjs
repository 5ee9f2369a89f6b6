#!/usr/bin/env node
// Renders build/icon.svg to the PNGs electron-builder packages (it derives .icns and .ico from
// the 1024 px one), and the Windows taskbar badge overlay, with Debian's Chromium. Run it after
// changing the SVG; the PNGs are committed.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const svg = readFileSync(join(root, 'build/icon.svg'), 'utf8');
const badge = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><circle cx="16" cy="16" r="14" fill="#dc2626" stroke="#fff" stroke-width="3"/></svg>';
const targets = [
  ...[1024, 512, 256, 128, 64, 32, 16].map((size) => ({ svg, size, file: size === 1024 ? 'build/icon.png' : `build/icons/${size}x${size}.png` })),
  { svg: badge, size: 32, file: 'resources/badge-overlay.png' },
];

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
try {
  for (const t of targets) {
    const page = await browser.newPage({ viewport: { width: t.size, height: t.size } });
    const sized = t.svg.replace('<svg ', `<svg width="${t.size}" height="${t.size}" `).replace(/ width="1024" height="1024"/, '');
    await page.setContent(`<html><body style="margin:0;background:transparent">${sized}</body></html>`);
    writeFileSync(join(root, t.file), await page.screenshot({ omitBackground: true, clip: { x: 0, y: 0, width: t.size, height: t.size } }));
    await page.close();
    console.log(`${t.file} (${t.size}px)`);
  }
} finally {
  await browser.close();
}
