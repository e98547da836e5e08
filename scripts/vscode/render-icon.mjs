// Draws images/icon.png (the extension's 128×128 Marketplace icon) from images/icon.svg with
// Debian's chromium, so the icon has a source that can be edited and reviewed as text.
//
// Usage: node scripts/vscode/render-icon.mjs   (after editing images/icon.svg; commit both)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchBrowser } from './browser.mjs';
import { REPO_ROOT } from './paths.mjs';

const svg = readFileSync(join(REPO_ROOT, 'images', 'icon.svg'), 'utf8');
const output = join(REPO_ROOT, 'images', 'icon.png');
const browser = await launchBrowser({ viewport: { width: 128, height: 128 } });
try {
  await browser.page.setContent(`<html><body style="margin:0;background:transparent">${svg}</body></html>`);
  await browser.page.locator('svg').screenshot({ path: output, omitBackground: true });
  console.log(`[icon] wrote ${output}`);
} finally {
  await browser.close();
}
