/**
 * The reward tables: r(s, a) (or r_t(s, a) for every t when the reward reads
 * t) summed over optimality parts, and r_T(s) over terminal parts. Rewards
 * must be finite or −Infinity; a reward that reads t without declaring it is
 * caught by probing.
 */
import { IssueList, show, thrownText as textOf, type CaiIssue } from '../errors.js';
import type { IndexedDomain } from '../types/factor-graph.js';
import type { OptimalityPart, TerminalPart } from '../types/model.js';
import { probeRewards } from './determinism.js';
import { guarded, showReturned, THREW } from './tables.js';

/** Faulty rewards (invalid or thrown) listed one by one; the rest are counted in one last issue. */
const REPORTED_REWARDS = 20;

export function buildReward(parts: readonly OptimalityPart[], states: IndexedDomain<unknown>, actions: IndexedDomain<unknown>, slices: number, horizon: number, issues: IssueList): Float64Array {
  const nS = states.size;
  const nA = actions.size;
  const reward = new Float64Array(slices * nS * nA);
  let reported = 0;
  const fault = (sv: unknown, av: unknown, t: number, r: unknown) => {
    if (reported++ >= REPORTED_REWARDS) return;
    const at = slices > 1 ? `, t=${t}` : '';
    issues.add(
      r === THREW
        ? { ...thrown!, state: sv, action: av, t: slices > 1 ? t : undefined, message: `optimality: r threw at s=${show(sv)}, a=${show(av)}${at}: ${thrownText}` }
        : {
            code: 'reward-invalid',
            part: 'optimality',
            state: sv,
            action: av,
            t: slices > 1 ? t : undefined, // a stationary reward has no t to report
            message: `optimality: r(s=${show(sv)}, a=${show(av)}${at}) is ${showReturned(r)}; rewards must be finite or −Infinity (a hard constraint)`,
          },
    );
  };
  let thrown: CaiIssue | undefined;
  let thrownText = '';
  const values = new Float64Array(parts.length);
  // Plain loops without per-call closures: this runs S·A (·T) times.
  for (let t = 0; t < slices; t++) {
    for (let s = 0; s < nS; s++) {
      const sv = states.values[s];
      for (let a = 0; a < nA; a++) {
        const av = actions.values[a];
        let count = 0;
        let hard = false;
        for (const part of parts) {
          let r: unknown;
          try {
            r = part.reward(sv, av, t);
          } catch (error) {
            thrownText = textOf(error);
            thrown = { code: 'function-threw', part: 'optimality', message: '', cause: error } as CaiIssue;
            fault(sv, av, t, THREW);
            continue;
          }
          if (typeof r !== 'number' || Number.isNaN(r) || r === Infinity) {
            fault(sv, av, t, r);
            continue;
          }
          if (r === -Infinity) hard = true;
          values[count++] = r;
        }
        const total = sortedSum(values, count);
        // Finite parts whose sum overflows (1e308 + 1e308): never a silent +∞, nor a −∞ that reads as a hard constraint.
        if (!hard && !Number.isFinite(total)) overflow(issues, sv, av, slices > 1 ? t : undefined, values.subarray(0, count), total);
        reward[(t * nS + s) * nA + a] = total;
      }
    }
  }
  // Randomness and an undeclared t are caught by calling again (see determinism.ts).
  probeRewards(parts, states, actions, horizon, slices === 1, issues);
  if (reported > REPORTED_REWARDS) {
    issues.add({
      code: 'reward-invalid',
      part: 'optimality',
      message: `optimality: ${reported - REPORTED_REWARDS} more faulty rewards not listed (${reported} in all)`,
    });
  }
  return reward;
}

function overflow(issues: IssueList, sv: unknown, av: unknown, t: number | undefined, parts: Float64Array, total: number): void {
  issues.add({
    code: 'reward-invalid',
    part: 'optimality',
    state: sv,
    action: av,
    t,
    message: `optimality: the sum of the optimality parts at s=${show(sv)}, a=${show(av)}${t === undefined ? '' : `, t=${t}`} overflows: ${[...parts].join(' + ')} = ${total}; expected a sum a double can hold (|Σ r| ≤ ${Number.MAX_VALUE}). Scale the rewards down (and α with them: only r/α matters)`,
  });
}

/**
 * Σ of the parts' rewards in ascending order, so that the order in which
 * optimality parts were listed cannot change the last bits (floating-point
 * addition is not associative): results are bit-identical across part orders.
 */
function sortedSum(values: Float64Array, count: number): number {
  if (count === 1) return values[0]!;
  const used = values.subarray(0, count).sort();
  let total = 0;
  for (let i = 0; i < count; i++) total += used[i]!;
  return total;
}

export function buildTerminal(parts: readonly TerminalPart[], states: IndexedDomain<unknown>, issues: IssueList): Float64Array {
  const terminal = new Float64Array(states.size);
  const values = new Float64Array(parts.length);
  for (let s = 0; s < states.size; s++) {
    const sv = states.values[s];
    let count = 0;
    for (const part of parts) {
      const r = guarded(issues, () => ({ part: 'optimality.terminal', state: sv, message: `optimality.terminal: r_T threw at s=${show(sv)}` }), () => part.reward(sv));
      if (r === THREW) continue;
      if (typeof r !== 'number' || Number.isNaN(r) || r === Infinity) {
        issues.add({
          code: 'reward-invalid',
          part: 'optimality.terminal',
          state: sv,
          message: `optimality.terminal: r_T(s=${show(sv)}) is ${showReturned(r)}; rewards must be finite or −Infinity (a hard constraint)`,
        });
        continue;
      }
      values[count++] = r;
    }
    terminal[s] = count === 0 ? 0 : sortedSum(values, count);
    if (Number.isNaN(terminal[s]!) || terminal[s] === Infinity || (terminal[s] === -Infinity && !values.subarray(0, count).includes(-Infinity))) {
      issues.add({
        code: 'reward-invalid',
        part: 'optimality.terminal',
        state: sv,
        message: `optimality.terminal: the sum of the terminal parts at s=${show(sv)} overflows: ${[...values.subarray(0, count)].join(' + ')} = ${terminal[s]}; expected a sum a double can hold (|Σ r_T| ≤ ${Number.MAX_VALUE}). Scale the rewards down (and α with them: only r/α matters)`,
      });
    }
  }
  return terminal;
}
