/**
 * Issue 13, engine and numerics half: hostile numbers that used to give a
 * silent wrong answer. Large α (the soft value against an independent closed
 * form), reward sums that overflow, r/α that overflows.
 * Tolerances: soft values rtol 1e-12 (issue 13 item 3); each stated below.
 */
import { describe, expect, it } from 'vitest';
import { create, all } from 'mathjs';
import {
  action,
  CaiError,
  categorical,
  compile,
  deterministic,
  discount,
  exact,
  horizon,
  infer,
  model,
  optimality,
  state,
  temperature,
  transition,
} from '../src/index.js';

const big = create(all, { number: 'BigNumber', precision: 60 });

/**
 * V_0 = α log((1 + e^{−1/α})/2), the one-step bandit with rewards 0 and −1 and a
 * uniform prior, computed independently of the engine: for α ≥ 10 by the
 * series −1/2 + u/8 − u³/192 + u⁵/2880 − 17u⁷/645120 (u = 1/α, next term
 * < 3e-15 relative), else in 60-digit decimal arithmetic.
 */
function banditValue(alpha: number): number {
  if (alpha >= 10) {
    const u = 1 / alpha;
    return -0.5 + u / 8 - u ** 3 / 192 + u ** 5 / 2880 - (17 * u ** 7) / 645120;
  }
  const a = big.bignumber(alpha);
  const inner = big.divide(big.add(1, big.exp(big.divide(-1, a))), 2);
  return big.number(big.multiply(a, big.log(inner as never)) as never) as number;
}

const relClose = (actual: number, expected: number, rtol: number) => {
  if (!(Math.abs(actual - expected) <= rtol * Math.abs(expected))) expect(actual).toBe(expected);
};

const ALPHAS = [1e-300, 1e-100, 1e-10, 1e-3, 0.1, 1, 3, 10, 100, 1e3, 1e5, 1e8, 1e10, 1e12, 1e16, 1e20, 1e50, 1e100, 1e200, 1e300];

describe('large α keeps the soft value (issue 13 item 3)', () => {
  const bandit = (alpha: number) =>
    model(
      state('s', ['only']),
      action('a', ['zero', 'minus']),
      transition(() => deterministic('only')),
      optimality((_s, a) => (a === 'zero' ? 0 : -1)),
      temperature(alpha),
      horizon(1),
    );

  it.each(ALPHAS)('one-step bandit at α = %s: V_0 and log p(O) to 1e-12 relative, both backups', (alpha) => {
    const expected = banditValue(alpha);
    for (const backup of ['posterior', 'fixed-dynamics'] as const) {
      const post = infer(bandit(alpha), exact({ backup }));
      relClose(post.V(0)[0]!, expected, 1e-12);
      relClose(post.logEvidence, expected / alpha, 1e-12);
    }
  });

  /** Two states reached uniformly at random from each; r = 0 in 'good', −1 in 'bad' (every action). */
  const coin = (alpha: number, ...extra: Parameters<typeof model>) =>
    model(
      state('s', ['good', 'bad'], { initial: 'good' }),
      action('a', ['x', 'y']),
      transition(() => categorical([['good', 0.5], ['bad', 0.5]])),
      optimality((s) => (s === 'good' ? 0 : -1)),
      temperature(alpha),
      ...extra,
    );

  it.each(ALPHAS.filter((a) => a >= 1e-10))('stochastic dynamics at α = %s: posterior backup over successors, fixed-dynamics and discounted', (alpha) => {
    const L = banditValue(alpha);
    // posterior: V_0(good) = 0 + α log(½ e^{0} + ½ e^{−1/α}) = L
    relClose(infer(coin(alpha, horizon(2)), exact()).V(0)[0]!, L, 1e-12);
    // fixed dynamics: V_0(good) = 0 + ½(0 − 1) = −1/2 exactly
    relClose(infer(coin(alpha, horizon(2)), exact({ backup: 'fixed-dynamics' })).V(0)[0]!, -0.5, 1e-12);
    // discounted posterior, γ = ½: V(good) = γ(V(good) + L) ⇒ V(good) = γL/(1 − γ) = L
    // (the stopping tolerance is absolute, so it is set relative to |L|)
    relClose(infer(coin(alpha, discount(0.5)), exact({ tolerance: 1e-14 * Math.abs(L) })).V(0)[0]!, L, 1e-12);
  });
});
