/**
 * r/α must be representable for the engines that weight by exp(r/α) in
 * nats (importance, variational, the learning engines). With α = 5e-324 a
 * reward of −1 gives r/α = −Infinity, which these engines would read as a
 * hard constraint ("−Infinity rewards", "divergence"); exact() instead runs
 * the α → 0 limit in reward units. The check is the compile-time bound of
 * src/compile/overflow.ts divided by α:
 *
 *   (Σ_t max_{s,a} |r_t| + max_s |r_T|) / α  finite.
 *
 * On a simulated model there is no table; the engines check each r/α as
 * they draw it (`scaledReward`).
 *
 * A subnormal α (0 < α < 2^−1022 ≈ 2.2e-308) is refused by every engine,
 * exact() included: α·log(…) and r/α keep only as many digits as α has
 * (α = 5e-324 has one), so log p(O) = V_0/α of a bandit came out −4 for a
 * true −4·log 2 = −2.77. temperature(0) is the limit itself.
 */
import { fail, show } from '../errors.js';
import type { FactorGraph } from '../types/factor-graph.js';
import type { CompiledModel } from '../types/simulator.js';

const HINT = 'Use temperature(0) with exact() for the hard-max limit, or raise α (only r/α matters: scale r and α together)';

/** The smallest normal double, 2^−1022. */
const MIN_NORMAL = 2 ** -1022;

/** Refuse a subnormal temperature (see the file header), in any engine. */
export function checkTemperatureRange(alpha: number, part: string): void {
  if (!(alpha > 0 && alpha < MIN_NORMAL)) return;
  const hint = part === 'exact()' ? 'Use temperature(0) for the hard-max limit, or raise α (only r/α matters: scale r and α together)' : HINT;
  fail({
    code: 'temperature-invalid',
    part,
    message: `${part}: temperature α = ${alpha} is subnormal (below ${MIN_NORMAL}), so α·log(…) and r/α keep too few digits (1/α ${Number.isFinite(1 / alpha) ? `= ${1 / alpha}` : 'overflows'}); expected α = 0 or α ≥ ${MIN_NORMAL}. ${hint}`,
  });
}

/** Refuse a tabulated model whose r/α, or its sum over the horizon, overflows (see the file header). */
export function checkRewardScale(graph: CompiledModel, part: string): void {
  if (!(graph.alpha > 0)) return;
  // The engines weight by r·(1/α); a subnormal α loses digits, and below 5.6e-309 1/α = ∞ makes r = 0 a NaN.
  checkTemperatureRange(graph.alpha, part);
  if (graph.kind !== 'factor-graph') return;
  const g = graph as FactorGraph;
  const { alpha, nS, nA } = g;
  const slices = g.rewardTimeVarying ? g.horizon : 1;
  const steps = Number.isFinite(g.horizon) ? g.horizon : 1 / (1 - g.gamma);
  let worst = 0;
  let at = -1;
  let bound = 0;
  for (let t = 0; t < slices; t++) {
    let sliceMax = 0;
    for (let i = t * nS * nA; i < (t + 1) * nS * nA; i++) {
      const r = g.reward[i]!;
      if (r === -Infinity || Math.abs(r) <= sliceMax) continue;
      sliceMax = Math.abs(r);
      if (sliceMax > worst) {
        worst = sliceMax;
        at = i;
      }
    }
    bound += sliceMax;
  }
  if (slices === 1) bound *= steps;
  let terminal = 0;
  if (g.terminal) for (const r of g.terminal) if (r !== -Infinity && Math.abs(r) > terminal) terminal = Math.abs(r);
  if (Number.isFinite((bound + terminal) / alpha)) return;
  if (at < 0) {
    fail({ code: 'temperature-invalid', part, message: `${part}: temperature α = ${alpha} is so small that a terminal reward of magnitude ${terminal} divided by α overflows; expected finite r/α. ${HINT}` });
  }
  const row = at % (nS * nA);
  const sv = g.states.values[Math.floor(row / nA)];
  const av = g.actions.values[row % nA];
  const r = g.reward[at]!;
  const single = r / alpha;
  const what = Number.isFinite(single)
    ? `rewards of up to |r| = ${worst} (at s=${show(sv)}, a=${show(av)}) summed over ${steps} steps and divided by α exceed the largest double`
    : `r(s=${show(sv)}, a=${show(av)}) = ${r} gives r/α = ${single}`;
  fail({
    code: 'temperature-invalid',
    part,
    state: sv,
    action: av,
    message: `${part}: temperature α = ${alpha} is so small that r/α overflows: ${what}, which would read as ${r < 0 ? 'a hard constraint' : 'an infinite weight'}; expected finite r/α. ${HINT}`,
  });
}

/**
 * `scaled` = r/α (times γ^t) as the caller computed it from a reward a
 * simulator drew; refuses when a finite r overflowed.
 */
export function scaledReward(r: number, scaled: number, alpha: number, part: string, t: number): number {
  if (r === -Infinity || Number.isFinite(scaled)) return scaled;
  return fail({ code: 'temperature-invalid', part, t, message: `${part}: at t=${t} the reward r = ${r} divided by the temperature α = ${alpha} overflows to ${scaled}, which would read as ${r < 0 ? 'a hard constraint' : 'an infinite weight'}; expected finite r/α. ${HINT}` });
}
