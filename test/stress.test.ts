/**
 * Numerical stress (issue 6, RELIABILITY 3 and 6): horizons 1 … 10^5, rewards
 * ±1e6, temperatures 1e-6 … 1e6, −Infinity hard constraints. Nothing may be
 * NaN, and nothing may be −Infinity where a continuation avoiding every hard
 * constraint exists (and nothing finite where none does): every posterior here
 * passes the kit's `checkPosterior`, whose feasibility check is plain
 * reachability over the hard constraints, independent of the engine.
 *
 * 1. A stochastic ring with action-only rewards, where both backups have the
 *    closed form V_t(s) = (T − t)·α·L, log p(O) = T·L, π(a) = p(a) e^{r(a)/α − L}
 *    with L = log Σ_a p(a) e^{r(a)/α}: T ∈ {1, 10, 1000, 10^5} × α ∈ {1e-6, 1e-3,
 *    1, 1e3, 1e6} × three reward sets (±1e6 with a −∞ action; small; −1e6 near-ties).
 *    Tolerances: log p(O) and V relative 1e-10 (|log p(O)| reaches 1e17);
 *    probabilities atol 1e-12 for both backups (the fixed-dynamics expectation is
 *    taken relative to one successor's value, so equal values cost no rounding).
 * 2. A 5×5 slippery gridworld with a pit (every action −∞) and a goal:
 *    T ∈ {1, 10, 1000, 10^5}, α ∈ {1e-6, 1, 1e6}, step cost ×{1, 1e6} (three of the six
 *    pairs at T = 10^5, where one solve and forward pass takes ~1 s); V_t(pit) = −∞ and
 *    every other V_t finite at every t, checkPosterior up to T = 1000.
 * 3. Random tiny models (fast-check, seed 42; 60 per temperature, 300 in all) with
 *    rewards up to ±1e6, 25 % −∞ rewards and α ∈ {1e-6, 1e-3, 1, 1e3, 1e6}, both
 *    backups, against brute force (feasibility of every (t, s) must agree with
 *    enumeration; log quantities to atol 1e-13·M with M = max|r|·(T+1)/α + 10(T+1),
 *    the rounding of the enumeration itself).
 * 4. Every trajectory infeasible at T = 10^5: logEvidence = −∞, queries refuse.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { action, categorical, exact, horizon, infer, model, optimality, state, temperature, transition, type Model, type Posterior } from '../src/index.js';
import { arbitraryModelSpec, assertClose, bruteForce, buildModel, checkPosterior, expectPosteriorsClose, fixedDynamicsReference, mapRewards, PROB_TOL, type ModelSpec } from '../src/testing/index.js';
import { thrownCode } from './helpers/close.js';

const TIMEOUT = 60_000;
const HORIZONS = [1, 10, 1000, 100_000] as const;
const TEMPERATURES = [1e-6, 1e-3, 1, 1e3, 1e6] as const;
const BACKUPS = ['posterior', 'fixed-dynamics'] as const;

/** Scan every t: no NaN in V, Q, π; V finite everywhere (every state of these models has a feasible continuation). */
function scanAllFinite(post: Posterior<unknown, unknown>, label: string): void {
  const T = post.horizon;
  for (let t = 0; t < T; t++) {
    const V = post.V(t);
    for (let s = 0; s < V.length; s++) if (!Number.isFinite(V[s])) throw new Error(`${label}: V(${t})[${s}] = ${V[s]}`);
    if (t % 997 !== 0 && t !== T - 1) continue; // Q and π at a sample of steps (every one for T ≤ 1000)
    for (const x of post.Q(t)) if (Number.isNaN(x)) throw new Error(`${label}: NaN in Q(${t})`);
    for (const x of post.policyTable(t)) if (Number.isNaN(x)) throw new Error(`${label}: NaN in policyTable(${t})`);
  }
}

describe('a stochastic ring with action-only rewards: closed forms at every horizon, temperature and reward scale', () => {
  const prior = [0.5, 0.3, 0.2];
  const ring = (T: number, alpha: number, r: readonly number[]) =>
    model<number, string>(
      state('s', [0, 1, 2], { initial: categorical([[0, 0.5], [1, 0.5]]) }),
      action('a', ['a', 'b', 'c'], { prior: categorical([['a', prior[0]!], ['b', prior[1]!], ['c', prior[2]!]]) }),
      transition((s: number, a: string) =>
        a === 'a' ? categorical([[(s + 1) % 3, 0.7], [s, 0.3]]) : a === 'b' ? categorical([[(s + 2) % 3, 1]]) : categorical([[0, 0.25], [1, 0.25], [2, 0.5]]),
      ),
      optimality((_s: number, a: string) => r['abc'.indexOf(a)]!),
      temperature(alpha),
      horizon(T),
    );
  const REWARDS = [
    [1e6, -1e6, -Infinity], // ±1e6 and a forbidden action
    [0.5, -0.25, 0], // ordinary
    [-1e6, -1e6 + 1, -Infinity], // large, nearly tied, negative
  ] as const;
  /** π(a) = p(a) e^{(r(a) − r_max)/α} / Σ_b p(b) e^{(r(b) − r_max)/α} (differences of rewards are exact here). */
  const closedPolicy = (alpha: number, r: readonly number[]) => {
    const top = Math.max(...r);
    const w = r.map((x, k) => (x === -Infinity ? 0 : prior[k]! * Math.exp((x - top) / alpha)));
    const total = w.reduce((a, b) => a + b, 0);
    return { pi: w.map((x) => x / total), L: top / alpha + Math.log(total) };
  };

  for (const T of HORIZONS) {
    it(`T = ${T}: log p(O) = T·L, V_t = (T − t)·α·L and π = p(a)e^{r/α − L} for α ∈ {1e-6 … 1e6} and rewards ±1e6, with −∞ actions; no NaN, no −∞; ${T < 100_000 ? 'checkPosterior on every posterior' : 'checkPosterior at α ∈ {1e-6, 1e6} with rewards ±1e6'}`, () => {
      for (const alpha of TEMPERATURES) {
        for (const r of REWARDS) {
          const { pi: closed, L } = closedPolicy(alpha, r);
          const m = ring(T, alpha, r);
          for (const backup of BACKUPS) {
            const label = `T=${T}, α=${alpha}, r=[${r.join(', ')}], ${backup}`;
            const post = infer(m, exact({ backup }));
            const tol = { rtol: 1e-10, atol: 1e-10 };
            assertClose(post.logEvidence, T * L, tol, `${label}: log p(O)`);
            for (const t of [0, Math.floor(T / 2), T - 1]) {
              const V = post.V(t);
              for (let s = 0; s < 3; s++) assertClose(V[s]!, (T - t) * alpha * L, { rtol: 1e-10, atol: 1e-10 * Math.max(1, alpha) }, `${label}: V_${t}(${s})`);
              const pi = post.policyTable(t);
              const piTol = PROB_TOL;
              for (let s = 0; s < 3; s++) {
                for (let k = 0; k < 3; k++) {
                  assertClose(pi[s * 3 + k]!, closed[k]!, piTol, `${label}: π_${t}(${'abc'[k]}|${s})`);
                }
              }
            }
            scanAllFinite(post, label);
            const full = T < 100_000 || ((alpha === 1e-6 || alpha === 1e6) && r[0] === 1e6);
            if (full) checkPosterior(m, post);
          }
        }
      }
    }, TIMEOUT);
  }
});

describe('a 5×5 slippery gridworld with a pit (every action −∞) and a goal', () => {
  type Cell = { readonly x: number; readonly y: number };
  const cells: Cell[] = [];
  for (let y = 0; y < 5; y++) for (let x = 0; x < 5; x++) cells.push({ x, y });
  const moves = ['N', 'S', 'E', 'W'] as const;
  const clamp = (v: number) => Math.min(4, Math.max(0, v));
  const step = (s: Cell, a: string): Cell => ({ x: clamp(s.x + (a === 'E' ? 1 : a === 'W' ? -1 : 0)), y: clamp(s.y + (a === 'S' ? 1 : a === 'N' ? -1 : 0)) });
  const isPit = (s: Cell) => s.x === 2 && s.y === 2;
  const isGoal = (s: Cell) => s.x === 4 && s.y === 4;
  const grid = (T: number, alpha: number, cost: number) =>
    model<Cell, string>(
      state('cell', cells, { initial: { x: 0, y: 0 } }),
      action('move', [...moves]),
      // 0.8 to the intended cell, 0.2 slips sideways (clockwise); the pit is reachable by slipping.
      transition((s: Cell, a: string) => categorical([[step(s, a), 0.8], [step(s, a === 'N' ? 'E' : a === 'E' ? 'S' : a === 'S' ? 'W' : 'N'), 0.2]])),
      optimality((s: Cell) => (isPit(s) ? -Infinity : isGoal(s) ? 0 : -cost)),
      temperature(alpha),
      horizon(T),
    );

  /** (α, step cost) pairs: all six up to T = 1000; three at T = 10^5, where one solve and forward pass takes ~1 s. */
  const settings = (T: number): (readonly [number, number])[] =>
    T <= 1000 ? [1e-6, 1, 1e6].flatMap((alpha) => [[alpha, 1] as const, [alpha, 1e6] as const]) : [[1e-6, 1e6], [1, 1], [1e6, 1e6]];

  for (const T of HORIZONS) {
    it(`T = ${T}, (α, step cost) ∈ ${T <= 1000 ? '{1e-6, 1, 1e6} × {1, 1e6}' : '{(1e-6, 1e6), (1, 1), (1e6, 1e6)}'}, both backups: V_t(pit) = −∞ and finite elsewhere at every t, no NaN; ${T <= 1000 ? 'checkPosterior on every posterior' : 'marginals normalised at t = 0, T/2, T − 1'}`, () => {
      for (const [alpha, cost] of settings(T)) {
        {
          const m = grid(T, alpha, cost);
          for (const backup of BACKUPS) {
            const label = `T=${T}, α=${alpha}, cost=${cost}, ${backup}`;
            const post = infer(m, exact({ backup }));
            const pit = post.graph.states.indexOf({ x: 2, y: 2 });
            // Every cell but the pit keeps a safe continuation; under fixed dynamics the pit's neighbours must avoid the
            // moves that risk slipping in, which they can (there is always a move whose slip lands elsewhere).
            expect(Number.isFinite(post.logEvidence), `${label}: log p(O) = ${post.logEvidence}`).toBe(true);
            for (let t = 0; t < T; t++) {
              const V = post.V(t);
              for (let s = 0; s < V.length; s++) {
                if (s === pit ? V[s] !== -Infinity : !Number.isFinite(V[s])) throw new Error(`${label}: V(${t})[${s}] = ${V[s]}`);
              }
            }
            if (T <= 1000) checkPosterior(m as Model<Cell, string>, post);
            else {
              for (const t of [0, T / 2, T - 1]) {
                const marginal = post.stateMarginal(t);
                assertClose(marginal.reduce((a, b) => a + b, 0), 1, PROB_TOL, `${label}: Σ p(s_${t}|O)`);
                expect(marginal[pit], `${label}: p(s_${t} = pit | O)`).toBe(0);
                const table = post.policyTable(t);
                for (const x of table) if (Number.isNaN(x)) throw new Error(`${label}: NaN in policyTable(${t})`);
              }
            }
          }
        }
      }
    }, TIMEOUT);
  }
});

describe('random tiny models at extreme scales against brute force (seed 42)', () => {
  const RUNS = 60;
  for (const alpha of TEMPERATURES) {
    it(`${RUNS} models at α = ${alpha}, rewards ×{1, 1e3, 2e5} (|r| ≤ 1e6), 25 % −∞: checkPosterior with the brute-force reference (feasibility of every (t, s) agrees), and values within the enumeration's own rounding`, () => {
      const arb = fc
        .tuple(arbitraryModelSpec({ temperatures: [alpha], infeasibleRate: 0.25 }), fc.constantFrom(1, 1e3, 2e5))
        .map(([spec, k]): ModelSpec => mapRewards(spec, (r) => k * r, (r) => k * r));
      fc.assert(
        fc.property(arb, (spec) => {
          const m = buildModel(spec);
          const bf = bruteForce(m);
          let maxReward = 1;
          for (const slice of spec.reward) for (const row of slice) for (const r of row) if (Number.isFinite(r)) maxReward = Math.max(maxReward, Math.abs(r));
          for (const r of spec.terminal ?? []) if (Number.isFinite(r)) maxReward = Math.max(maxReward, Math.abs(r));
          // The enumeration's log-weights have magnitude up to M (rewards/α plus the log-probabilities of ≤ 2T + 1
          // factors) and carry ~1e-16·M of rounding; V and Q (reward units) get α times that.
          const M = (maxReward * (spec.T + 1)) / spec.alpha + 10 * (spec.T + 1);
          const tolerance = { log: { rtol: 1e-10, atol: 1e-13 * M }, prob: { rtol: 0, atol: Math.max(1e-12, 1e-13 * M) } };
          const post = infer(m, exact());
          checkPosterior(m, post, { reference: bf });
          expectPosteriorsClose(post, bf, tolerance, { label: 'posterior backup vs brute force' });
          const fixed = infer(m, exact({ backup: 'fixed-dynamics' }));
          checkPosterior(m, fixed, { reference: bf });
          expectPosteriorsClose(fixed, fixedDynamicsReference(m), tolerance, { label: 'fixed-dynamics vs its recursion' });
        }),
        { seed: 42, numRuns: RUNS },
      );
    }, TIMEOUT);
  }
});

describe('every trajectory infeasible at T = 10^5', () => {
  it('logEvidence = −∞ (both backups), V = −∞ from t = 0 where constraints bite, and queries throw "infeasible" rather than return NaN or zeros', () => {
    const T = 100_000;
    // The last decision is forbidden everywhere: nothing is feasible, from any state, at any t.
    const m = model<number, string>(
      state('s', [0, 1]),
      action('a', ['x', 'y']),
      transition((s: number) => categorical([[1 - s, 0.5], [s, 0.5]])),
      optimality((_s: number, _a: string, t: number) => (t === T - 1 ? -Infinity : 1e6)),
      temperature(1e-6),
      horizon(T),
    );
    for (const backup of BACKUPS) {
      const post = infer(m, exact({ backup }));
      expect(post.logEvidence).toBe(-Infinity);
      for (const t of [0, T / 2, T - 1]) expect(Array.from(post.V(t))).toEqual([-Infinity, -Infinity]);
      expect(thrownCode(() => post.stateMarginal(0))).toBe('infeasible');
      expect(thrownCode(() => post.sample(1, { seed: 1 }))).toBe('infeasible');
      checkPosterior(m, post);
    }
  }, TIMEOUT);
});
