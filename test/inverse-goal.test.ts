/**
 * inferGoal (issue 16, part 2; RELIABILITY 24): against an independent
 * reference (test/helpers/goal-reference.ts, which never imports the library)
 * to 1e-12; laws (one hypothesis ⇒ posterior 1; identical hypotheses split by
 * their prior); and the batched backward pass against separate runs.
 */
import { describe, expect, it } from 'vitest';
import { exact, infer, inferGoal, type Hypothesis } from '../src/index.js';
import { inferBatch } from '../src/engines/exact/batch/index.js';
import { tinyMdp, type TinyMdp } from './helpers/agents-reference.js';
import { goalReference } from './helpers/goal-reference.js';
import { modelOf } from './helpers/tiny-model.js';

/** A W×H grid (index x·H + y), moves N S E W that succeed with 0.9 and stay with 0.1; −1 per step, +2 at the goal. */
function gridMdp(goal: readonly [number, number], alpha: number, T = 8, W = 5, H = 4): TinyMdp {
  const nS = W * H;
  const id = (x: number, y: number) => x * H + y;
  const moves: [number, number][] = [[0, 1], [0, -1], [1, 0], [-1, 0]];
  const next = Array.from({ length: nS }, (_, s) =>
    moves.map(([dx, dy]) => {
      const x = Math.floor(s / H) + dx;
      const y = (s % H) + dy;
      const to = x >= 0 && x < W && y >= 0 && y < H ? id(x, y) : s;
      return to === s ? [[s, 1] as [number, number]] : [[to, 0.9] as [number, number], [s, 0.1] as [number, number]];
    }),
  );
  const reward = Array.from({ length: T }, () => Array.from({ length: nS }, (_, s) => moves.map(() => (s === id(goal[0], goal[1]) ? 2 : -1))));
  return { nS, nA: 4, T, gamma: 1, alpha, initial: Array.from({ length: nS }, (_, s) => (s === 0 ? 1 : 0)), prior: Array.from({ length: nS }, () => [0.25, 0.25, 0.25, 0.25]), next, reward, terminal: undefined };
}

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol: number) => {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!), `entry ${i}: ${a[i]} vs ${b[i]}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(b[i]!)));
};

describe('inferGoal against an independent reference', () => {
  const goals = [[4, 3], [4, 0], [0, 3]] as const;
  const alphas = [0.5, 2];
  const H = 4;
  const id = (x: number, y: number) => x * H + y;
  // (0,0) E → (1,0) E → (2,0) [unseen] → (2,1) N → (2,2) [next action unseen]
  const steps: [number, number | undefined][] = [[id(0, 0), 2], [id(1, 0), 2], [id(2, 0), undefined], [id(2, 1), 0], [id(2, 2), undefined]];
  const grid = goals.flatMap((g, i) => alphas.map((alpha) => ({ name: `goal ${i}, α=${alpha}`, mdp: gridMdp(g, alpha), kind: 'boltzmann' as const, prior: 1 + i })));
  const eu = { name: 'goal 0, EU α=1', mdp: gridMdp(goals[0], 1), kind: 'expected-utility' as const, prior: 2 };
  const all = [...grid, eu];

  it('a goals × α grid plus an expected-utility hypothesis: posterior(t), logLikelihood and predictions to 1e-12', () => {
    const hypotheses: Hypothesis<number, number>[] = all.map((h) => ({ name: h.name, model: modelOf(h.mdp), prior: h.prior, ...(h.kind === 'expected-utility' ? { engine: exact({ backup: 'expected-utility' }) } : {}) }));
    const result = inferGoal(hypotheses, steps.map(([state, action]) => (action === undefined ? { state } : { state, action })), { engine: exact({ backup: 'boltzmann' }) });
    const ref = goalReference(all, steps, all[0]!.mdp.next);
    expect(result.names).toEqual(all.map((h) => h.name));
    steps.forEach((_, t) => close(result.posterior(t), ref.posterior[t]!, 1e-12));
    close(result.logLikelihood, ref.logLikelihood, 1e-12);
    const actionProbs = [0, 1, 2, 3].map((a) => result.nextAction.probs[result.nextAction.support.indexOf(a)] ?? 0);
    close(actionProbs, ref.nextAction, 1e-12);
    const stateProbs = ref.nextState.map((_, s) => result.nextState.probs[result.nextState.support.indexOf(s)] ?? 0);
    close(stateProbs, ref.nextState, 1e-12);
    // The walk east then north favours goal 0 (4,3) over goal 1 (4,0) and goal 2 (0,3).
    const last = result.posterior(steps.length - 1);
    const byGoal = [0, 1, 2].map((g) => last[2 * g]! + last[2 * g + 1]! + (g === 0 ? last[6]! : 0));
    expect(byGoal[0]).toBeGreaterThan(byGoal[1]!);
    expect(byGoal[0]).toBeGreaterThan(byGoal[2]!);
  });

  it('an observed last action: nextAction is the prediction made before seeing it', () => {
    const observed: [number, number | undefined][] = [[id(0, 0), 2], [id(1, 0), 0]];
    const hypotheses = grid.map((h) => ({ name: h.name, model: modelOf(h.mdp), prior: h.prior }));
    const result = inferGoal(hypotheses, observed.map(([state, action]) => ({ state, action: action! })), { engine: exact({ backup: 'boltzmann' }) });
    const ref = goalReference(grid, observed, grid[0]!.mdp.next);
    close(result.posterior(1), ref.posterior[1]!, 1e-12);
    close([0, 1, 2, 3].map((a) => result.nextAction.probs[result.nextAction.support.indexOf(a)] ?? 0), ref.nextAction, 1e-12);
    close(ref.nextState.map((_, s) => result.nextState.probs[result.nextState.support.indexOf(s)] ?? 0), ref.nextState, 1e-12);
  });
});

describe('inferGoal laws', () => {
  const shapes = [
    { nS: 3, nA: 2, T: 4, alpha: 0.7 },
    { nS: 4, nA: 3, T: 5, alpha: 2, sparsePrior: true },
  ];
  const walk = (m: TinyMdp, seed: number, length: number) => {
    // A feasible walk under the model's own dynamics, some actions hidden.
    const out: { state: number; action?: number }[] = [];
    let s = 0;
    for (let k = 0; k < length; k++) {
      const a = (seed + k) % m.nA;
      const allowed = m.prior[s]![a]! > 0 ? a : m.prior[s]!.findIndex((p) => p > 0);
      out.push((seed + k) % 3 === 0 ? { state: s } : { state: s, action: allowed });
      s = m.next[s]![allowed]![0]![0];
    }
    return out;
  };

  it.each(shapes.flatMap((_shape, i) => [1, 2, 3].map((seed) => [i, seed] as const)))('shape %s, seed %s: one hypothesis has posterior 1 after every step', (i, seed) => {
    const m = tinyMdp(seed + 40, shapes[i]!);
    for (const backup of ['posterior', 'fixed-dynamics', 'boltzmann', 'expected-utility'] as const) {
      const result = inferGoal([{ name: 'only', model: modelOf(m), prior: 0.3 }], walk(m, seed, m.T), { engine: exact({ backup }) });
      for (let t = 0; t < m.T; t++) expect(result.posterior(t)).toEqual(new Float64Array([1]));
      expect(result.logMarginal).toBe(result.logLikelihood[0]);
      expect(Math.abs(result.nextAction.probs.reduce((x, y) => x + y, 0) - 1)).toBeLessThan(1e-12);
    }
  });

  it.each([1, 2, 3])('seed %s: hypotheses identical up to name split the mass by their prior', (seed) => {
    const m = tinyMdp(seed + 50, shapes[1]!);
    const other = tinyMdp(seed + 60, shapes[1]!);
    const hypotheses = [
      { name: 'a', model: modelOf(m), prior: 1 },
      { name: 'b', model: modelOf(other), prior: 2 },
      { name: 'a again', model: modelOf(m), prior: 3 },
    ];
    const result = inferGoal(hypotheses, walk(m, seed, 4), { engine: exact({ backup: 'boltzmann' }), world: modelOf(m) });
    for (let t = 0; t < 4; t++) {
      const p = result.posterior(t);
      expect(Math.abs(p[2]! - 3 * p[0]!)).toBeLessThan(1e-12);
      expect(Math.abs(p[0]! + p[1]! + p[2]! - 1)).toBeLessThan(1e-12);
    }
  });
});

describe('inferBatch: one backward pass over K reward tables equals K separate runs', () => {
  it.each(['posterior', 'fixed-dynamics', 'boltzmann', 'expected-utility'] as const)('backup %s: V_t and π_t to 1e-12', (backup) => {
    const base = tinyMdp(70, { nS: 5, nA: 3, T: 6, alpha: 1, terminal: true });
    // Same dynamics and prior; rewards, terminal rewards and α differ.
    const members = [0.3, 1, 4, 0].map((alpha, k) => {
      const other = tinyMdp(71 + k, { nS: 5, nA: 3, T: 6, alpha, terminal: true });
      return modelOf({ ...base, alpha, reward: other.reward, terminal: other.terminal });
    });
    const engine = exact({ backup });
    // K = 4 interleaves the members; K = 2 runs them one after another inside each step (batch/index.ts).
    const batched = inferBatch(members, engine);
    const pair = inferBatch(members.slice(1, 3), engine);
    members.slice(1, 3).forEach((m, k) => {
      const alone = infer(m, engine);
      for (let t = 0; t < 6; t++) close(pair[k]!.V(t), alone.V(t), 1e-12);
    });
    members.forEach((m, k) => {
      const alone = infer(m, engine);
      for (let t = 0; t < 6; t++) {
        close(batched[k]!.V(t), alone.V(t), 1e-12);
        close(batched[k]!.policyTable(t), alone.policyTable(t), 1e-12);
      }
      if (batched[k]!.logEvidence !== alone.logEvidence) expect(Math.abs(batched[k]!.logEvidence - alone.logEvidence)).toBeLessThanOrEqual(1e-10 * Math.max(1, Math.abs(alone.logEvidence)));
    });
  });
});

describe('inferGoal edge cases', () => {
  it('an observed last action one hypothesis forbids: that hypothesis drops to 0, the prediction made before it stays defined', () => {
    // Two one-step hypotheses on the three-cell TinyMdp; 'never' has the last action's prior at 0.
    const base = tinyMdp(90, { nS: 3, nA: 2, T: 2, alpha: 1 });
    const next = base.next[0]![0]![0]![0];
    const never = { ...base, prior: base.prior.map((row, s) => (s === next ? [1, 0] : row)) };
    const steps = [{ state: 0, action: 0 }, { state: next, action: 1 }];
    const hypotheses = [
      { name: 'base', model: modelOf(base) },
      { name: 'never', model: modelOf(never) },
    ];
    const result = inferGoal(hypotheses, steps, { engine: exact({ backup: 'expected-utility' }), world: modelOf(base) });
    expect(result.posterior(1)[1]).toBe(0);
    expect(result.logLikelihood[1]).toBe(-Infinity);
    const total = result.nextAction.probs.reduce((x, y) => x + y, 0);
    expect(Math.abs(total - 1)).toBeLessThan(1e-12);
    expect(result.nextAction.probs.every((p) => Number.isFinite(p))).toBe(true);
    const ref = goalReference(
      [{ mdp: base, kind: 'expected-utility', prior: 1 }, { mdp: never, kind: 'expected-utility', prior: 1 }],
      steps.map((x) => [x.state, x.action] as const),
      base.next,
    );
    close([0, 1].map((a) => result.nextAction.probs[result.nextAction.support.indexOf(a)] ?? 0), ref.nextAction, 1e-12);
    close(result.posterior(1), ref.posterior[1]!, 1e-12);
  });
});
