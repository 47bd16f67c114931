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
import { action, categorical, exact, horizon, importance, infer, model, optimality, softQLearning, state, transition } from '../src/index.js';
import { reportHtml } from '../src/report/index.js';
import corridor from './cli-models/corridor.js';
import { model as simulated } from './cli-models/simulated.js';
import { pointMass } from '../dsl-examples/point-mass.js';
import { tiger } from '../dsl-examples/tiger.js';
import { learningGridworld } from '../dsl-examples/learning-gridworld.js';

/** A factored, non-grid model (inventory-style): the report draws a policy table grouped by regime. */
const inventory = model(
  state('stock', [0, 1, 2, 3] as number[], { initial: 1 }),
  state('regime', ['lo', 'hi'], { initial: 'lo' }),
  action('order', [0, 1, 2] as number[]),
  transition('stock', (s: { stock: number; regime: string }, a: number) => {
    const after = Math.min(3, s.stock + a);
    return categorical([[Math.max(0, after - (s.regime === 'hi' ? 2 : 1)), 0.7], [after, 0.3]]);
  }),
  transition('regime', (s: { stock: number; regime: string }) => categorical([[s.regime, 0.8], [s.regime === 'lo' ? 'hi' : 'lo', 0.2]])),
  optimality((s: { stock: number; regime: string }, a: number) => -0.5 * a - (s.stock === 0 ? 3 : 0) - 0.1 * s.stock),
  horizon(5),
);
/** Where the pages and their screenshots are kept for a human to look at (H18B_SCREENSHOTS=dir). */
const SHOTS = process.env['H18B_SCREENSHOTS'];

const CHROMIUM = '/usr/bin/chromium';
const missing = !existsSync(CHROMIUM);
const scratch = mkdtempSync(join(tmpdir(), 'cai-report-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('the report in Chromium', () => {
  it.skipIf(missing)(`loads with every SVG drawn and no console error${missing ? ` (skipped: ${CHROMIUM} not found; .ci/run installs it with apt-get install -y chromium)` : ''}`, async () => {
    // One page per model kind, with the number of drawn figures each must show.
    const pages = [
      // V₀, where the agent goes, the rollout, grid marginals, the factor graph.
      { name: 'grid.html', html: await reportHtml(infer(corridor, exact()), { source: 'corridor.ts', samples: 6 }), figures: 5 },
      // Policy table, marginals, the particle fan, ESS and lineages, the factor graph.
      { name: 'importance.html', html: await reportHtml(infer(simulated, importance({ particles: 300, seed: 1 })), { source: 'simulated.ts' }), figures: 5 },
      // The fan and ESS / lineages of a continuous state (no table), and the graph.
      { name: 'simulated.html', html: await reportHtml(infer(pointMass(-1, 0.3, 15), importance({ particles: 400, resample: 'systematic', essThreshold: 0.5, seed: 1 })), { source: 'point-mass.ts' }), figures: 3 },
      // Policy table grouped by regime, marginals with abbreviated labels, the graph.
      { name: 'factored.html', html: await reportHtml(infer(inventory, exact()), { source: 'inventory' }), figures: 3 },
      // Learned values where visited, where it goes, the rollout, the graph (discounted: no marginals over a horizon).
      { name: 'learning.html', html: await reportHtml(infer(learningGridworld().gridworld, softQLearning({ steps: 150, warmup: 16, batchSize: 16, episodeLength: 30, seed: 1 })), { source: 'learning-gridworld.ts, softQLearning' }), figures: 4 },
      // Belief over time and the policy along it, the policy over the belief simplex, the graph.
      { name: 'pomdp.html', html: await reportHtml(infer(tiger({ horizon: 5, alpha: 1 }), exact({ backup: 'fixed-dynamics' })), { source: 'tiger.ts' }), figures: 3 },
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
        expect(await page.locator('table.facts').first().innerText()).toContain('log p(O)');
        expect(problems, name).toEqual([]);
        expect(requests, name).toEqual([url]);
        expect(html, name).not.toMatch(/<script/i);
        if (SHOTS !== undefined) {
          writeFileSync(join(SHOTS, `h18b-${name}`), html);
          await page.setViewportSize({ width: 1040, height: 900 });
          await page.screenshot({ path: join(SHOTS, `h18b-${name.replace('.html', '.png')}`), fullPage: true });
        }
        await page.close();
      }
    } finally {
      await browser.close();
    }
  });
});
