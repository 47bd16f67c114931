/**
 * Every file in dsl-examples/ is imported and its `main()` run at a small
 * size, with console.log captured (the strict console setup fails a test
 * that prints; capturing here is the test's own spy). A new example is picked
 * up automatically; give it small options in SMALL if its defaults are slow.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';

const folder = fileURLToPath(new URL('../dsl-examples/', import.meta.url));
const files = readdirSync(folder)
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
  .sort();

/** Options that keep each example fast; examples not listed run with their defaults. */
const SMALL: Record<string, unknown> = {
  'sutton-barto-gridworld.ts': { size: 5 },
  'slippery-gridworld.ts': { width: 5, height: 3, horizon: 10, samples: 1 },
  'lottery.ts': {},
  'learning-gridworld.ts': { steps: 4000, plotWidth: 30 },
  'tiger.ts': { horizon: 4 },
  'hidden-goal.ts': { size: 4, horizon: 14 },
  'pendulum.ts': { steps: 4000, carSteps: 1000, plotWidth: 30 },
};

/**
 * The best search of the hidden-goal example by brute force: every order of
 * the four candidate cells of a 4×4 grid (Manhattan distances, no walls), the
 * expected arrival time over a uniform goal, minimised; and the mean distance
 * when the goal is seen.
 */
function bestSearch(): { hidden: number; seen: number } {
  const cells = [[0, 3], [3, 0], [3, 3], [2, 2]] as const;
  const dist = (a: readonly number[], b: readonly number[]) => Math.abs(a[0]! - b[0]!) + Math.abs(a[1]! - b[1]!);
  let best = Infinity;
  const orders = (rest: number[], prefix: number[]): void => {
    if (rest.length === 0) {
      let at: readonly number[] = [0, 0];
      let time = 0;
      let total = 0;
      for (const i of prefix) {
        time += dist(at, cells[i]!);
        at = cells[i]!;
        total += time / 4;
      }
      best = Math.min(best, total);
      return;
    }
    rest.forEach((i) => orders(rest.filter((j) => j !== i), [...prefix, i]));
  };
  orders([0, 1, 2, 3], []);
  return { hidden: best, seen: cells.reduce((x, c) => x + dist([0, 0], c) / 4, 0) };
}

/** What each example must say, beyond running and printing something. */
const CHECKS: Record<string, (lines: readonly string[]) => void> = {
  'pendulum.ts': (lines) => {
    // SAC's Gaussian actor learns to swing the pendulum (seed 1, 4000 steps; measured −199.5 → −164.0):
    // the last tenth of the run beats the first by more than 20 reward units, and it swings above the horizontal.
    const m = /mean return: first tenth of the run (-?[\d.]+), last tenth (-?[\d.]+)/.exec(lines.join('\n'));
    expect(m).not.toBeNull();
    expect(Number(m![2])).toBeGreaterThan(Number(m![1]) + 20);
    const h = /highest point per episode .*: (-?[\d.]+)$/m.exec(lines.join('\n'));
    expect(Number(h![1])).toBeGreaterThan(0);
  },
  'hidden-goal.ts': (lines) => {
    const text = lines.join('\n');
    const { hidden, seen } = bestSearch();
    expect(text).toContain(`expected cost ${hidden.toFixed(3)} when the goal must be searched for`);
    expect(text).toContain(`${seen.toFixed(3)} when it is seen from the start`);
  },
  'tiger.ts': (lines) => {
    const text = lines.join('\n');
    // The optimal Tiger values at T = 1 … 4 (γ = 1), and the discounted infinite horizon.
    expect(text).toMatch(/^ 3 {5}2\.720 {5}2\.310/m);
    expect(text).toMatch(/^ 4 {5}2\.421/m);
    expect(text).toContain('V(½) = 19.3714');
    expect(text).toMatch(/^\(nothing\) +\[0\.500\] +listen$/m);
    // The posterior backup is optimistic and skips listening; the belief agent listens.
    expect(text).toMatch(/posterior backup V = [\d.]+, P\(listen\) = 0\.000/);
    expect(text).toMatch(/fixed-dynamics {2}V = -[\d.]+, P\(listen\) = 1\.000/);
  },
  'sutton-barto-gridworld.ts': (lines) => {
    const text = lines.join('\n');
    // V*(A) of Figure 3.5 and V^random(A) of Figure 3.2.
    expect(text).toMatch(/^22\.0 24\.4 22\.0 19\.4 17\.5$/m);
    expect(text).toMatch(/^ 3\.3  8\.8  4\.4  5\.3  1\.5$/m);
  },
  'slippery-gridworld.ts': (lines) => {
    const row = (name: string) => lines.find((l) => l.startsWith(`${name} `))?.trim().split(/\s+/);
    const posterior = row('posterior');
    const fixed = row('fixed-dynamics');
    expect(posterior).toBeDefined();
    expect(fixed).toBeDefined();
    // columns: backup, log p(O) / ELBO, E[return], P(cliff), P(goal)
    const [, logZ, returnP, cliffP] = posterior!;
    const [, elbo, returnF, cliffF] = fixed!;
    expect(Number(elbo)).toBeLessThanOrEqual(Number(logZ)); // the ELBO bounds log p(O)
    expect(returnP).toBe('-∞'); // the optimistic policy can fall into the cliff
    expect(Number(cliffP)).toBeGreaterThan(0);
    expect(Number.isFinite(Number(returnF))).toBe(true);
    expect(cliffF).toBe('0.000');
    expect(lines.join('\n')).toContain('×'); // cliff cells are infeasible in the policy grids
  },
  'soft-lqr.ts': (lines) => {
    const gains = (label: string) => lines.find((l) => l.startsWith(label))!.trim().split(/\s+/).slice(-2).map(Number);
    // The fixed-dynamics gain is the LQR gain at every α; the posterior's differs (it conditions the noise).
    expect(gains('α = 0.1 fixed-dynamics')).toEqual(gains('LQR (α = 0)'));
    expect(gains('α = 1 fixed-dynamics')).toEqual(gains('LQR (α = 0)'));
    expect(gains('α = 0.1 posterior')[0]).toBeLessThan(gains('LQR (α = 0)')[0]!);
    // sd²/α is one number for every α: the covariance is linear in α.
    const ratios = lines.filter((l) => /^\s+[\d.]+\s+[\d.]+\s+[\d.]+$/.test(l)).map((l) => l.trim().split(/\s+/)[2]);
    expect(ratios.length).toBe(4);
    expect(new Set(ratios).size).toBe(1);
    // Discounted: K_0 of horizon(1000) at γ = 0.99 is the stationary gain to the printed decimals, and T = 10 is visibly short of it.
    for (const backup of ['fixed-dynamics', 'posterior']) {
      const [pos, vel] = gains(`${backup} T = 1000`);
      const stationary = lines.find((l) => l.startsWith(`${backup} T = ∞`))!.slice(26).trim().split(/\s+/).slice(0, 2).map(Number);
      expect(Math.abs(pos! - stationary[0]!)).toBeLessThan(2e-4);
      expect(Math.abs(vel! - stationary[1]!)).toBeLessThan(2e-4);
      expect(Math.abs(gains(`${backup} T = 10`)[0]! - stationary[0]!)).toBeGreaterThan(Math.abs(pos! - stationary[0]!));
    }
  },
  'point-mass.ts': (lines) => {
    // Starting left of the target at x = −1, the plan pushes right first: p(push = +1 | O) at t = 0.
    const first = lines.find((l) => /^\s+0\s/.test(l))?.trim().split(/\s+/);
    expect(first).toBeDefined();
    expect(Number(first!.at(-1))).toBeGreaterThan(0.5);
    expect(Number(first!.at(-1))).toBeGreaterThan(Number(first!.at(-3)));
  },
  'irl-gridworld.ts': (lines) => {
    // θ learned has the sign of θ true for every feature (goal +, water −, sand −).
    const theta = (name: string) => lines.find((l) => l.startsWith(`${name} `))?.trim().split(/\s+/).slice(1).map(Number);
    for (const name of ['goal', 'water', 'sand']) {
      const [truth, learned] = theta(name)!;
      expect(Math.sign(learned!)).toBe(Math.sign(truth!));
    }
    expect(lines.join('\n')).toMatch(/L-BFGS iterations, converged/);
  },
  'learning-gridworld.ts': (lines) => {
    // A table row: the cells after the policy's name (env steps, ELBO, mean KL, max KL, E[return]).
    const row = (name: string) => {
      const line = lines.find((l) => l.startsWith(`${name}  `));
      expect(line, name).toBeDefined();
      return line!.slice(name.length).trim().split(/\s+/);
    };
    const [, logZ] = row('exact posterior: log p(O)');
    const [, bestElbo, bestKl, , softReturn] = row('exact fixed-dynamics');
    const [, , , , hardReturn] = row('hard optimum (α = 0)');
    expect(bestKl).toBe('0.000');
    expect(Number(bestElbo)).toBeLessThanOrEqual(Number(logZ));
    expect(Number(hardReturn)).toBeGreaterThan(Number(softReturn));
    const engines = ['softQLearning', 'softActorCritic', 'virel', 'pseudoLikelihoodEM'];
    const score = Object.fromEntries(
      engines.map((name) => {
        const [steps, elbo, kl, , value] = row(name);
        return [name, { steps, elbo: Number(elbo), kl: Number(kl), value: Number(value) }];
      }),
    );
    for (const name of engines) {
      const s = score[name]!;
      expect(s.steps).toBe('4000');
      // No policy beats the best ELBO of the fixed dynamics, nor the hard optimum's return.
      expect(s.elbo).toBeLessThanOrEqual(Number(bestElbo));
      expect(s.value).toBeLessThanOrEqual(Number(hardReturn));
      expect(lines.some((l) => l.startsWith(`${name}: `) && /learned|close|falls short/.test(l))).toBe(true);
    }
    // Soft Q-learning and SAC head for the soft optimum: a high ELBO, above greedy VIREL's;
    // VIREL heads for the hard optimum: a higher return than soft Q-learning's.
    for (const name of ['softQLearning', 'softActorCritic']) {
      expect(score[name]!.elbo).toBeGreaterThan(Number(bestElbo) - 0.5);
      expect(score[name]!.elbo).toBeGreaterThan(score.virel!.elbo);
    }
    expect(score.virel!.value).toBeGreaterThan(score.softQLearning!.value);
    const text = lines.join('\n');
    expect(text).toContain('virel: β(ω)');
    expect(text).toMatch(/exact \(soft-opt\.\)\s+softQLearning\s+softActorCritic\s+virel\s+pseudoLikelihoodEM/);
  },
  'goal-inference.ts': (lines) => {
    // Rows: step, (x,y), move, then bar + probability for donut, noodle, veg. Each row sums to 1;
    // east first favours the café (V), the turn north at x = 2 the noodle bar (N).
    const rows = lines.filter((l) => /^\s+\d+\s+\(\d,\d\)/.test(l)).map((l) => [...l.matchAll(/(\d\.\d{3})/g)].map((m) => Number(m[1])));
    expect(rows).toHaveLength(6);
    for (const p of rows) expect(Math.abs(p[0]! + p[1]! + p[2]! - 1)).toBeLessThanOrEqual(0.0015);
    expect(rows[0]![2]).toBeGreaterThan(rows[0]![1]!);
    expect(rows[5]![1]).toBeGreaterThan(0.9);
    expect(lines.join('\n')).toMatch(/next move at \(4,2\): .*E 0\.[89]/);
  },
  'nested-agents.ts': (lines) => {
    // level, p(A) expected-utility, p(A) posterior: level 0 is the popularity; each level sharpens.
    const rows = lines.filter((l) => /^\s+\d+\s+0\.\d{4}/.test(l)).map((l) => l.trim().split(/\s+/).map(Number));
    expect(rows.length).toBeGreaterThanOrEqual(3);
    expect(rows[0]![1]).toBe(0.55);
    for (let k = 1; k < rows.length; k++) expect(rows[k]![1]!).toBeGreaterThan(rows[k - 1]![1]!);
  },
  'lottery.ts': (lines) => {
    const text = lines.join('\n');
    expect(text).toMatch(/α = 1: variational prefers safe; log p\(O\) − ELBO = \d/);
    expect(text).toContain('α = 1: the posterior prefers the gamble; fixed-dynamics prefers safe.');
    expect(text).toContain('α = 0: the posterior prefers the gamble; fixed-dynamics prefers safe.');
    // E[return] column: the fixed-dynamics policy earns more under the real coin.
    const returns = (backup: string) =>
      lines.filter((l) => new RegExp(`^\\S+( \\(max\\))?\\s+${backup}\\s+-?\\d`).test(l)).map((l) => Number(l.trim().split(/\s+/).at(-2)));
    const p = returns('posterior');
    const f = returns('fixed-dynamics');
    expect(p.length).toBe(2);
    p.forEach((v, i) => expect(v).toBeLessThan(f[i]!));
  },
};

type Example = { main?: (options?: unknown) => void };

/** Run `fn` with console.log captured line by line (a console.log call may hold several lines). */
async function capture(fn: () => unknown | Promise<unknown>): Promise<string[]> {
  const lines: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    lines.push(...args.map(String).join(' ').split('\n'));
  });
  await fn();
  return lines;
}

describe('dsl-examples', () => {
  it('the folder holds the examples the docs name', () => {
    expect(files).toEqual(expect.arrayContaining(['sutton-barto-gridworld.ts', 'slippery-gridworld.ts', 'lottery.ts']));
  });

  for (const file of files) {
    it(`${file}: exports main(), prints nothing on import, and runs small`, async () => {
      let module: Example = {};
      const onImport = await capture(async () => {
        module = (await import(new URL(`../dsl-examples/${file}`, import.meta.url).href)) as Example;
      });
      expect(onImport).toEqual([]);
      expect(typeof module.main).toBe('function');
      const lines = await capture(() => module.main!(SMALL[file] ?? {}));
      expect(lines.length).toBeGreaterThan(0);
      expect(lines.join('\n')).not.toMatch(/NaN|undefined|\[object Object\]/);
      CHECKS[file]?.(lines);
    });
  }

  it('the flagship (npm run demo) stays compact at its default size', async () => {
    const { main } = (await import('../dsl-examples/slippery-gridworld.js')) as Required<Example>;
    const lines = await capture(() => main());
    expect(lines.length).toBeLessThan(60);
    expect(Math.max(...lines.map((l) => [...l].length))).toBeLessThanOrEqual(100);
  });
});
