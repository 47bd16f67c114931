/**
 * The playground in a real browser: Debian's Chromium, headless through
 * playwright-core (which never downloads a browser), opens the page built by
 * `buildPlayground` from a file:// URL and is used as a person would: load
 * the flagship, run it, read log p(O) and π_0 from the page and compare them
 * with the library in Node to 1e-12, move α and see the numbers follow (and
 * equal the model written with that α), open the link the page wrote and get
 * the same answer, start a long run and cancel it, type a broken model and
 * see the error at its line. Throughout: no console error or warning, no
 * uncaught exception, and no request beyond the page itself and its worker's
 * blob: URL. Without /usr/bin/chromium the test is skipped, and says why.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { chromium, type Page } from 'playwright-core';
import { exact, infer } from '../src/index.js';
import { buildPlayground } from '../src/playground/build.js';
import { cliffWalk } from '../dsl-examples/slippery-gridworld.js';
import { close } from './helpers/close.js';

const CHROMIUM = '/usr/bin/chromium';
const missing = !existsSync(CHROMIUM);
const scratch = mkdtempSync(join(tmpdir(), 'cai-playground-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const TOL = { atol: 1e-12, rtol: 1e-12 };

/** Do `act` and wait until the page has answered a run it started (data-run moves on and the run is over). */
async function answer(page: Page, act: () => Promise<unknown>): Promise<string> {
  const before = await page.evaluate(RUN);
  await act();
  await page.waitForFunction(`${RUN} !== ${JSON.stringify(before)} && ${RUN} !== null && ${STATE} !== 'running'`);
  return String(await page.evaluate(STATE));
}
/** The page's run counter and state (expressions evaluated in the page, written as text: this file has no DOM types). */
const RUN = "(document.getElementById('answers')?.dataset.run ?? null)";
const STATE = "(document.getElementById('answers')?.dataset.state ?? null)";

const logp = async (page: Page) => Number(await page.getAttribute('#logp', 'data-value'));
const startPolicy = async (page: Page) => {
  const cells = await page.locator('#policy tr[data-state="{x:0,y:3}"] td[data-value]').all();
  return Promise.all(cells.map(async (td) => Number(await td.getAttribute('data-value'))));
};

describe('the playground in Chromium', () => {
  it.skipIf(missing)(`runs the flagship as the library does, follows α and the backup, restores a link, cancels, and shows a broken model's error at its line${missing ? ` (skipped: ${CHROMIUM} not found; .ci/run installs it with apt-get install -y chromium)` : ''}`, async () => {
    const { file } = await buildPlayground(scratch);
    const url = pathToFileURL(file).href;
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
    const problems: string[] = [];
    const requests: string[] = [];
    const watch = (page: Page) => {
      page.on('console', (m) => (m.type() === 'error' || m.type() === 'warning') && problems.push(`${m.type()}: ${m.text()}`));
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      page.on('request', (r) => requests.push(r.url()));
      page.on('worker', (w) => w.on('console', (m) => (m.type() === 'error' || m.type() === 'warning') && problems.push(`worker ${m.type()}: ${m.text()}`)));
      return page;
    };
    try {
      const page = watch(await browser.newPage({ viewport: { width: 1400, height: 1000 } }));
      // The page runs the flagship on load; then load it from the menu and run it, as a person would.
      expect(await answer(page, () => page.goto(url))).toBe('done');
      expect(await page.inputValue('#example')).toBe('slippery-gridworld');
      await answer(page, () => page.selectOption('#example', 'slippery-gridworld'));
      expect(await answer(page, () => page.click('#run'))).toBe('done');

      const node = infer(cliffWalk().gridworld, exact());
      expect(close(await logp(page), node.logEvidence, TOL), 'log p(O)').toBe(true);
      expect(await page.textContent('#kind')).toBe('exact');
      const pi = node.policy(0, { x: 0, y: 3 }).probs;
      const row = await startPolicy(page);
      expect(row).toHaveLength(4);
      row.forEach((p, a) => expect(close(p, pi[a]!, TOL), `π_0(${a} | start)`).toBe(true));
      for (const id of ['#values svg', '#marginals svg', '#rollout svg circle']) expect(await page.locator(id).count(), id).toBeGreaterThan(0);

      // α moves the numbers, live: the run is small, so a change of the control re-runs it.
      expect(await answer(page, () => page.fill('#alpha', '0.5').then(() => page.dispatchEvent('#alpha', 'change')))).toBe('done');
      const warm = cliffWalk({ temperature: 0.5 }).gridworld;
      expect(await logp(page)).not.toBe(node.logEvidence);
      expect(close(await logp(page), infer(warm, exact()).logEvidence, TOL), 'log p(O) at α = 0.5').toBe(true);
      expect(await page.textContent('#facts')).toContain("α = 0.5 (model's 0.2)");

      // So does the backup: fixed-dynamics gives its ELBO, a lower bound on log p(O).
      expect(await answer(page, () => page.selectOption('#backup', 'fixed-dynamics'))).toBe('done');
      expect(await page.textContent('#kind')).toBe('lower-bound');
      expect(close(await logp(page), infer(warm, exact({ backup: 'fixed-dynamics' })).logEvidence, TOL), 'ELBO at α = 0.5').toBe(true);

      // The address bar restores the code and the settings.
      const link = page.url();
      expect(link).toMatch(/#v1\./);
      const again = watch(await browser.newPage());
      expect(await answer(again, () => again.goto(link))).toBe('done');
      expect(await again.inputValue('#alpha')).toBe('0.5');
      expect(await again.inputValue('#backup')).toBe('fixed-dynamics');
      expect(await logp(again)).toBe(await logp(page));
      await again.close();

      // A long run shows progress and can be cancelled; the page answers again afterwards.
      await answer(page, () => page.selectOption('#example', 'learning-gridworld'));
      await page.fill('#steps', '2000000'); // about a minute of soft Q-learning; progress every 20 000 steps
      await page.click('#run');
      await page.waitForFunction("/^\\d+% softQLearning: step/.test(document.getElementById('status').textContent)");
      expect(await page.isVisible('#progress')).toBe(true);
      await page.click('#cancel');
      expect(await page.getAttribute('#answers', 'data-state')).toBe('cancelled');
      expect(await page.textContent('#status')).toBe('cancelled');

      // A broken model: its CaiError beside the code, at the line of the empty domain.
      const broken = "import { model, state, action, horizon } from 'control-as-inference';\n\nexport default model(\n  state('cell', []),\n  action('move', ['a']),\n  horizon(2),\n);\n";
      await page.click('.cm-content');
      await page.keyboard.press('Control+A');
      await page.keyboard.insertText(broken);
      expect(await answer(page, () => page.keyboard.press('Control+Enter'))).toBe('error');
      expect(await page.isVisible('#error')).toBe(true);
      expect(await page.textContent('#error strong')).toBe('CaiError [empty-domain]');
      expect(await page.textContent('#error')).toContain("state('cell'): the domain is empty");
      expect(await page.getAttribute('#error a', 'data-line')).toBe('4');
      expect(await page.locator('.cm-lint-marker-error').count()).toBe(1);

      expect(problems).toEqual([]);
      expect(requests.filter((r) => !r.startsWith('file://') && !r.startsWith('blob:'))).toEqual([]);
      await page.close();
    } finally {
      await browser.close();
    }
  });
});
