/**
 * `cai irl` and `cai report --demos` (issue 16 part 4): named weights with 95 %
 * Laplace intervals (equal to the library's `fit.laplace()`), the start
 * convention, unbounded weights reported with the l2 advice, and the HTML
 * report with θ and the learned reward map beside the true one.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { demonstrationsFrom, demonstrationsJSON, exact, indicatorFeatures, infer, inferReward } from '../src/index.js';
import corridor from './cli-models/corridor.js';
import line, { features as lineFeatures } from './cli-models/irl-line.js';
import { runCai } from './helpers/cai.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const CORRIDOR = 'test/cli-models/corridor.ts';
const LINE = 'test/cli-models/irl-line.ts';
const scratch = mkdtempSync(join(tmpdir(), 'cai-irl-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const cai = (argv: string[]) => runCai(argv, root);

function demosFile(name: string, text: string): string {
  const file = join(scratch, name);
  writeFileSync(file, text);
  return file;
}

interface Json {
  start: string;
  converged: boolean;
  unbounded: { feature: number; direction: number }[];
  notes: string[];
  weights: { name: string; theta: number; standardError?: number; interval95?: [number, number]; unbounded?: number }[];
}

describe('cai irl: named θ with Laplace intervals', () => {
  const demos = demonstrationsFrom(infer(line, exact()).sample(25, { seed: 3 }));
  const file = demosFile('line.json', demonstrationsJSON(demos));

  it("a feature export with featureNames: the names, θ and intervals are the library's (1e-9)", async () => {
    const r = await cai(['irl', LINE, file, '--l2', '0.5', '--json']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const s = JSON.parse(r.out) as Json;
    const fit = inferReward(line, demos, { features: lineFeatures, l2: 0.5 });
    const laplace = fit.laplace();
    expect(s.start).toBe('observed');
    expect(s.weights.map((w) => w.name)).toEqual(['goal', 'position', 'stay']);
    s.weights.forEach((w, k) => {
      expect(Math.abs(w.theta - fit.theta[k]!)).toBeLessThanOrEqual(1e-9);
      expect(Math.abs(w.standardError! - laplace.standardErrors[k]!)).toBeLessThanOrEqual(1e-9);
      const [lo, hi] = laplace.interval(k, 0.95);
      expect(Math.abs(w.interval95![0] - lo)).toBeLessThanOrEqual(1e-9);
      expect(Math.abs(w.interval95![1] - hi)).toBeLessThanOrEqual(1e-9);
    });
    const text = await cai(['irl', LINE, file, '--l2', '0.5']);
    const [lo, hi] = laplace.interval(1, 0.95);
    expect(text.out).toMatch(new RegExp(`^\\s+position\\s+${fit.theta[1]!.toFixed(4)}\\s+${laplace.standardErrors[1]!.toFixed(4)}\\s+\\[${lo.toFixed(3)}, ${hi.toFixed(3)}\\]`, 'm'));
    expect(text.out).toMatch(/^start states\s+observed \(each demonstration's first state is given\)/m);
    // --start posterior is the other convention, and a different fit.
    const tilted = JSON.parse((await cai(['irl', LINE, file, '--l2', '0.5', '--json', '--start', 'posterior'])).out) as Json;
    expect(tilted.start).toBe('posterior');
    expect(Math.abs(tilted.weights[0]!.theta - s.weights[0]!.theta)).toBeGreaterThan(1e-6);
  });

  it('one-hot states on a grid: named by state; unbounded weights at l2 = 0 are reported with the l2 advice', async () => {
    // Along the bottom row to the goal, never through the top row's first three cells.
    const cell = (x: number, y: number) => ({ x, y });
    const path = (cells: { x: number; y: number }[], moves: string[]) => cells.map((c, t) => ({ state: c, action: moves[t]! }));
    const handMade = [
      path([cell(0, 1), cell(1, 1), cell(2, 1), cell(3, 1), cell(3, 0), cell(3, 0)], ['E', 'E', 'E', 'N', 'N', 'N']),
      path([cell(0, 1), cell(0, 1), cell(1, 1), cell(2, 1), cell(3, 1), cell(3, 0)], ['E', 'E', 'E', 'E', 'N', 'W']),
    ];
    const grid = demosFile('corridor.json', demonstrationsJSON(handMade));
    const r = await cai(['irl', CORRIDOR, grid, '--json']);
    const s = JSON.parse(r.out) as Json;
    expect(s.weights[0]!.name).toBe('{x:0,y:0}');
    expect(s.converged).toBe(false);
    expect(s.unbounded.length).toBeGreaterThan(0);
    for (const u of s.unbounded) expect(s.weights[u.feature]!.unbounded).toBe(u.direction);
    expect(s.notes.join(' ')).toContain('Give l2 > 0');
    const text = await cai(['irl', CORRIDOR, grid]);
    expect(text.out).toContain('NOT converged: unbounded weights, see the note');
    expect(text.out).toMatch(/→ [+−]∞ \(unbounded\)/);
    expect(text.out).toContain('note: The maximum-likelihood weights are infinite');
    const fit = inferReward(corridor, handMade, { features: indicatorFeatures('state') });
    expect(s.unbounded).toEqual(fit.unbounded);
    expect(fit.unbounded.map((u) => u.feature)).toEqual(expect.arrayContaining([0, 1, 2]));
  });
});

describe('the IRL report (cai irl --out, cai report --demos)', () => {
  const corridorDemos = demosFile('c.json', demonstrationsJSON(demonstrationsFrom(infer(corridor, exact()).sample(12, { seed: 5 }))));
  const lineDemos = demosFile('l.json', demonstrationsJSON(demonstrationsFrom(infer(line, exact()).sample(12, { seed: 5 }))));

  it('a grid model: θ with intervals, the learned reward map and the true one beside it', async () => {
    const r = await cai(['report', CORRIDOR, '--demos', corridorDemos, '--l2', '0.5', '--truth', '--out', join(scratch, 'r.html')]);
    expect(r.code).toBe(0);
    const html = r.files.get(join(scratch, 'r.html'))!;
    expect(html).toContain('Weights θ (95 % Laplace intervals)');
    expect(html).toContain('<th>{x:0,y:0}</th>');
    expect(html).toContain('Learned reward r_θ');
    expect(html).toContain('True reward');
    // The same page from cai irl --out.
    const viaIrl = await cai(['irl', CORRIDOR, corridorDemos, '--l2', '0.5', '--truth', '--out', join(scratch, 'i.html')]);
    expect(viaIrl.files.get(join(scratch, 'i.html'))).toContain('Learned reward r_θ');
    const withoutTruth = await cai(['report', CORRIDOR, '--demos', corridorDemos, '--l2', '0.5', '--out', join(scratch, 'n.html')]);
    expect(withoutTruth.files.get(join(scratch, 'n.html'))).not.toContain('True reward');
  });

  it('a model without a grid: the reward map is a table, learned beside true', async () => {
    const r = await cai(['report', LINE, '--demos', lineDemos, '--l2', '0.5', '--truth', '--out', join(scratch, 'line.html')]);
    expect(r.code).toBe(0);
    const html = r.files.get(join(scratch, 'line.html'))!;
    expect(html).toContain('Reward by state: learned and true');
    expect(html).toContain('<th>position</th>');
    // The true r̄(4) = Σ_a p(a|s) r(4, a) = 1 + 0.5 − 0.3/3 = 1.4000.
    expect(html).toMatch(/<th>4<\/th><td>-?\d+\.\d{4}<\/td><td>1\.4000<\/td>/);
  });

  it('--l2 and --truth without --demos are usage errors', async () => {
    const r = await cai(['report', CORRIDOR, '--truth', '--out', join(scratch, 'x.html')]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--l2 and --truth apply to --demos');
  });
});
