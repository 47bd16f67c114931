/**
 * The HTML report in a real browser: Debian's Chromium, driven headless by
 * playwright-core (which never downloads a browser of its own), opens the
 * page from a file, and the test checks that every picture is an inline SVG
 * with a visible size, that the page logged no console error and raised no
 * exception, and that it asked for nothing but itself (self-contained).
 * Without /usr/bin/chromium the test is skipped, and its name says why.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { chromium } from 'playwright-core';
import { exact, importance, infer } from '../src/index.js';
import { reportHtml } from '../src/report/index.js';
import corridor from './cli-models/corridor.js';
import { model as simulated } from './cli-models/simulated.js';

const CHROMIUM = '/usr/bin/chromium';
const missing = !existsSync(CHROMIUM);
const scratch = mkdtempSync(join(tmpdir(), 'cai-report-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('the report in Chromium', () => {
  it.skipIf(missing)(`loads with every SVG drawn and no console error${missing ? ` (skipped: ${CHROMIUM} not found; .ci/run installs it with apt-get install -y chromium)` : ''}`, async () => {
    const pages = [
      { name: 'exact.html', html: await reportHtml(infer(corridor, exact()), { source: 'corridor.ts', samples: 6 }), figures: 4 },
      { name: 'importance.html', html: await reportHtml(infer(simulated, importance({ particles: 300, seed: 1 })), { source: 'simulated.ts' }), figures: 2 },
    ];
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
    try {
      for (const { name, html, figures } of pages) {
        const file = join(scratch, name);
        writeFileSync(file, html);
        const page = await browser.newPage();
        const problems: string[] = [];
        const requests: string[] = [];
        page.on('console', (m) => (m.type() === 'error' || m.type() === 'warning') && problems.push(`${m.type()}: ${m.text()}`));
        page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
        page.on('request', (r) => requests.push(r.url()));
        const url = pathToFileURL(file).href;
        await page.goto(url, { waitUntil: 'load' });
        const boxes = await page.$$eval('figure > svg', (svgs) => svgs.map((s) => s.getBoundingClientRect()).map((r) => ({ width: r.width, height: r.height })));
        expect(boxes.length, name).toBe(figures);
        for (const b of boxes) {
          expect(b.width).toBeGreaterThan(50);
          expect(b.height).toBeGreaterThan(20);
        }
        expect(await page.title()).toBe('control-as-inference report');
        expect(await page.locator('table.facts').innerText()).toContain('log p(O)');
        expect(problems, name).toEqual([]);
        expect(requests, name).toEqual([url]);
        await page.close();
      }
    } finally {
      await browser.close();
    }
  });
});
