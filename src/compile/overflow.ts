/**
 * Values accumulated over the horizon must be representable. Every engine
 * adds rewards along a trajectory (V_t = r_t + … + r_{T−1} + r_T, or
 * Σ γ^t r_t), and a sum past ±1.8e308 becomes ±Infinity: +∞ turns the
 * recursion into NaN, −∞ reads as a hard constraint ("infeasible"). The bound
 *
 *   Σ_t max_{s,a} |r_t(s,a)| + max_s |r_T(s)|      (finite rewards; Σ_t γ^t for a discount)
 *
 * caps |V| (and every partial return), so checking it once at compile time
 * refuses exactly the models where the accumulation could overflow.
 */
import { show, type IssueList } from '../errors.js';
import type { IndexedDomain } from '../types/factor-graph.js';

interface Largest {
  value: number;
  index: number;
}

function largest(table: Float64Array, from: number, to: number): Largest {
  const out = { value: 0, index: -1 };
  for (let i = from; i < to; i++) {
    const r = table[i]!;
    if (r !== -Infinity && Math.abs(r) > out.value) {
      out.value = Math.abs(r);
      out.index = i;
    }
  }
  return out;
}

/**
 * Adds a `reward-invalid` issue naming the state, action and overflowing sum
 * when the bound above is not finite. `slices` reward tables of nS·nA; the
 * horizon T (Infinity with a discount γ < 1, whose weights sum to 1/(1 − γ)).
 */
export function checkAccumulation(
  reward: Float64Array,
  terminal: Float64Array | undefined,
  states: IndexedDomain<unknown>,
  actions: IndexedDomain<unknown>,
  slices: number,
  horizon: number,
  gamma: number,
  issues: IssueList,
): void {
  const nSA = states.size * actions.size;
  const steps = Number.isFinite(horizon) ? horizon : Number((1 / (1 - gamma)).toPrecision(12));
  let bound = 0;
  let worst: Largest = { value: 0, index: -1 };
  if (slices === 1) {
    worst = largest(reward, 0, nSA);
    bound = worst.value * steps;
  } else {
    for (let t = 0; t < slices; t++) {
      const slice = largest(reward, t * nSA, (t + 1) * nSA);
      bound += slice.value;
      if (slice.value > worst.value) worst = slice;
    }
  }
  const end = terminal === undefined ? { value: 0, index: -1 } : largest(terminal, 0, terminal.length);
  if (Number.isFinite(bound + end.value)) return;
  const fix = 'Scale the rewards down (and α with them: only r/α matters)' + (Number.isFinite(horizon) ? ' or shorten the horizon' : ' or lower γ');
  const over = Number.isFinite(horizon) ? `the horizon T = ${horizon}` : `the discounted horizon Σ γ^t = 1/(1 − γ) = ${steps}`;
  if (worst.index >= 0 && Number.isFinite(worst.value) && !Number.isFinite(bound)) {
    const row = worst.index % nSA;
    const t = Math.floor(worst.index / nSA);
    const sv = states.values[Math.floor(row / actions.size)];
    const av = actions.values[row % actions.size];
    const r = reward[worst.index]!;
    issues.add({
      code: 'reward-invalid',
      part: 'optimality',
      state: sv,
      action: av,
      t: slices > 1 ? t : undefined,
      message: `optimality: r(s=${show(sv)}, a=${show(av)}${slices > 1 ? `, t=${t}` : ''}) = ${r} accumulated over ${over} reaches ${slices > 1 ? '' : `${steps} × ${r} = `}${Math.sign(r) * bound}, beyond the largest double (${Number.MAX_VALUE}); expected |Σ_t r_t| to be representable. ${fix}`,
    });
    return;
  }
  const sv = states.values[end.index];
  issues.add({
    code: 'reward-invalid',
    part: 'optimality.terminal',
    state: sv,
    message: `optimality.terminal: r_T(s=${show(sv)}) = ${terminal![end.index]} added to rewards of up to ${bound} in magnitude over ${over} reaches ${bound + end.value}, beyond the largest double (${Number.MAX_VALUE}); expected the return to be representable. ${fix}`,
  });
}
