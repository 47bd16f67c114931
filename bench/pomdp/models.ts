/**
 * The POMDPs of `npm run bench:pomdp`, and their compiled tables as plain JSON
 * for the numpy implementation of the same recursion (bench/pomdp/belief.py).
 */
import { action, categorical, compile, deterministic, discount, horizon, model, observation, optimality, state, temperature, transition, type Model } from '../../src/index.js';

export { tiger } from '../../dsl-examples/tiger.js';
export { hiddenGoal } from '../../dsl-examples/hidden-goal.js';

type Baby = 'hungry' | 'sated';
type Care = 'feed' | 'sing' | 'ignore';

/**
 * The crying baby of Kochenderfer, Wheeler & Wray, Algorithms for Decision
 * Making, appendix F.7: hungry costs 10, feeding 5, singing 0.5; feeding sates
 * the baby, otherwise a sated baby becomes hungry with probability 0.1; a
 * hungry baby cries with probability 0.8 (0.9 while sung to), a sated one 0.1
 * (0 while sung to); γ = 0.9; the baby starts sated (as in POMDPModels.jl).
 */
export function cryingBaby(T: number): Model<Baby, Care> {
  return model<Baby, Care>(
    state('baby', ['hungry', 'sated'] as Baby[], { initial: 'sated' }),
    action('care', ['feed', 'sing', 'ignore'] as Care[]),
    transition((s: Baby, a: Care) => (a === 'feed' ? deterministic<Baby>('sated') : s === 'hungry' ? deterministic<Baby>('hungry') : categorical<Baby>([['hungry', 0.1], ['sated', 0.9]]))),
    optimality((s: Baby, a: Care) => (s === 'hungry' ? -10 : 0) + (a === 'feed' ? -5 : a === 'sing' ? -0.5 : 0)),
    observation((s: Baby, a: Care) => {
      const cry = s === 'hungry' ? (a === 'sing' ? 0.9 : 0.8) : a === 'sing' ? 0 : 0.1;
      return categorical([['crying', cry], ['quiet', 1 - cry]]);
    }),
    temperature(0),
    discount(0.9),
    horizon(T),
  );
}

/** The tables numpy reads: dense T[s][a][s'], Z[s'][a][o], r[s][a], prior, initial, γ, α, horizon. */
export function tablesOf(m: Model<unknown, unknown>): Record<string, unknown> {
  const g = compile(m);
  const z = g.observation!;
  const { nS, nA } = g;
  const T = new Array(nS * nA * nS).fill(0);
  for (let row = 0; row < nS * nA; row++) for (let k = g.dynamics.rowStart[row]!; k < g.dynamics.rowStart[row + 1]!; k++) T[row * nS + g.dynamics.next[k]!] = g.dynamics.prob[k]!;
  return {
    nS,
    nA,
    nO: z.nO,
    horizon: g.horizon,
    gamma: g.gamma,
    alpha: g.alpha,
    initial: [...g.initial],
    prior: [...g.prior.subarray(0, nA)],
    reward: [...g.reward.subarray(0, nS * nA)],
    T,
    Z: [...z.table],
  };
}
