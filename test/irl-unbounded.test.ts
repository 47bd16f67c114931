/**
 * Honest convergence (issue 16 part 4, issue 13): when a weight's
 * maximum-likelihood value is infinite — a feature the demonstrations never
 * touch though they could, or always do the most of — inferReward says so
 * (`unbounded`, a note suggesting l2, `converged: false`) instead of reporting
 * `converged: true` at θ_k ≈ ±243. The certificate is checked against the
 * likelihood itself: along the reported direction it never falls, and along
 * the other weights the fit is a strict maximum.
 */
import { describe, expect, it } from 'vitest';
import { action, categorical, discount, horizon, model, optimality, state, temperature, transition, type Part } from '../src/index.js';
import { inferReward, rewardLikelihood, type Demonstration, type IrlVariant } from '../src/irl/index.js';

type Move = 'N' | 'S' | 'E' | 'W';
const W = 4;
const step = (s: number, a: Move) => {
  const x = s % W;
  const y = Math.floor(s / W);
  const [nx, ny] = a === 'N' ? [x, y - 1] : a === 'S' ? [x, y + 1] : a === 'E' ? [x + 1, y] : [x - 1, y];
  return nx < 0 || ny < 0 || nx >= W || ny >= W ? s : ny * W + nx;
};
const grid = (...tail: Part<number, Move>[]) =>
  model<number, Move>(
    state('cell', Array.from({ length: W * W }, (_, i) => i), { initial: categorical([[0, 0.6], [3, 0.4]]) }),
    action('move', ['N', 'S', 'E', 'W']),
    transition((s: number, a: Move) => categorical([[step(s, a), 1]])),
    optimality(() => 0),
    temperature(0.5),
    ...tail,
  );
/** Hand-made demonstrations that never enter the bog (cells 5, 6) and never move 'N', though both are possible. */
function walk(start: number, moves: Move[]): Demonstration<number, Move> {
  let s = start;
  return moves.map((a) => {
    const d = { state: s, action: a };
    s = step(s, a);
    return d;
  });
}
const demos = [walk(0, ['S', 'S', 'E', 'E']), walk(0, ['E', 'E', 'E', 'S']), walk(3, ['S', 'S', 'W', 'W']), walk(3, ['W', 'W', 'W', 'S'])];
/** bog (never entered: −∞), x/3 (mixed: finite), a = 'N' (never chosen: −∞). */
const phi = (s: number, a: Move) => [s === 5 || s === 6 ? 1 : 0, (s % W) / 3, a === 'N' ? 1 : 0];

const settings = [
  { name: 'horizon(4)', tail: () => [horizon(4)] },
  { name: 'horizon(4), discount(0.9)', tail: () => [horizon(4), discount(0.9)] },
  { name: 'the infinite horizon, discount(0.9)', tail: () => [discount(0.9)] },
];

describe('a weight whose maximum-likelihood value is infinite is reported, not "converged"', () => {
  for (const setting of settings) {
    for (const variant of ['maxent', 'causal'] as IrlVariant[]) {
      it(`${setting.name}, ${variant}: bog and 'N' → −∞ found; x is finite; l2 > 0 converges`, () => {
        const world = grid(...setting.tail());
        const fit = inferReward(world, demos, { features: phi, variant });
        expect(fit.unbounded).toEqual([
          { feature: 0, direction: -1 },
          { feature: 2, direction: -1 },
        ]);
        expect(fit.converged).toBe(false);
        expect(fit.notes.join(' ')).toContain('θ[0] → −∞, θ[2] → −∞');
        expect(fit.notes.join(' ')).toContain('Give l2 > 0');
        // The certificate against the likelihood: LL never falls as θ_0 → −∞ (from the fit and from 0) …
        const J = rewardLikelihood(world, demos, { features: phi, variant });
        for (const from of [Array.from(fit.theta), [0, 0.3, 0]]) {
          let previous = -Infinity;
          for (let c = 0; c <= 40; c += 4) {
            const ll = J.evaluate([from[0]! - c, from[1]!, from[2]!]).logLikelihood;
            expect(ll).toBeGreaterThanOrEqual(previous - 1e-9 * Math.abs(previous));
            previous = ll;
          }
        }
        // … while x has a finite optimum: LL falls either side of the fitted θ_1.
        const here = J.evaluate(fit.theta).logLikelihood;
        for (const h of [-0.5, 0.5]) expect(J.evaluate([fit.theta[0]!, fit.theta[1]! + h, fit.theta[2]!]).logLikelihood).toBeLessThan(here);
        // A prior keeps every weight finite: converged, nothing reported.
        const map = inferReward(world, demos, { features: phi, variant, l2: 0.5 });
        expect(map.converged).toBe(true);
        expect(map.unbounded).toEqual([]);
        expect(map.notes).toEqual([]);
      });
    }
  }

  it('a feature every demonstration does the most of → +∞; a finite fit reports nothing', () => {
    const world = grid(horizon(4));
    // 'S' or 'E' at every step from 0 or 3 (no 'N', no 'W' from 0): "moves S or E" is maximal.
    const se = [walk(0, ['S', 'S', 'E', 'E']), walk(0, ['E', 'E', 'E', 'S']), walk(3, ['S', 'S', 'S', 'S']), walk(0, ['S', 'E', 'S', 'E'])];
    const fit = inferReward(world, se, { features: (s: number, a: Move) => [a === 'S' || a === 'E' ? 1 : 0, (s % W) / 3] });
    expect(fit.unbounded).toEqual([{ feature: 0, direction: 1 }]);
    expect(fit.converged).toBe(false);
    const finite = inferReward(world, demos, { features: (s: number) => [(s % W) / 3] });
    expect(finite.converged).toBe(true);
    expect(finite.unbounded).toEqual([]);
  });

  it('a feature constant along every trajectory is unidentified, not unbounded', () => {
    const world = grid(horizon(4));
    const J = rewardLikelihood(world, demos, { features: (s: number) => [1, (s % W) / 3] });
    // Both directions pass the test for the constant feature, so it is not reported even when checked.
    expect(J.unboundedWeights()).toEqual({ weights: [], unchecked: 0 });
    expect(rewardLikelihood(world, demos, { features: phi }).unboundedWeights()?.weights).toEqual([
      { feature: 0, direction: -1 },
      { feature: 2, direction: -1 },
    ]);
  });
});
