/**
 * The small model the importance tests share: three cells; 'r' moves right
 * with probability 0.7 (else stays), 'l' moves left surely; a state-dependent
 * action prior, time-varying and terminal rewards — every factor a particle
 * weight must carry.
 */
import { action, categorical, horizon, model, optimality, state, transition, type Model } from '../../src/index.js';

export const slip = (s: number, a: string) => (a === 'r' ? categorical([[Math.min(s + 1, 2), 0.7], [s, 0.3]]) : categorical([[Math.max(s - 1, 0), 1]]));

export function cells(T: number): Model<number, string> {
  return model(
    state('c', [0, 1, 2], { initial: categorical([[0, 0.5], [1, 0.25], [2, 0.25]]) }),
    action('m', ['l', 'r'], { prior: (s: number) => categorical([['l', s / 4], ['r', 1 - s / 4]]) }),
    transition(slip),
    optimality((s: number, a: string, t: number) => (s === 2 ? 0 : -1 - 0.5 * (t % 3)) + (a === 'l' ? -0.25 : 0)),
    optimality.terminal((s: number) => s),
    horizon(T),
  );
}
