/** A `TinyMdp` (test/helpers/agents-reference.ts) written as a model of the DSL: states and actions are indices. */
import { action, categorical, discount, horizon, model, optimality, state, temperature, transition, type Model } from '../../src/index.js';
import type { TinyMdp } from './agents-reference.js';

export function modelOf(m: TinyMdp, extra: { infinite?: boolean } = {}): Model<number, number> {
  const states = Array.from({ length: m.nS }, (_, s) => s);
  const actions = Array.from({ length: m.nA }, (_, a) => a);
  return model<number, number>(
    state('s', states, { initial: categorical(states.map((s) => [s, m.initial[s]!] as const)) }),
    action('a', actions, { prior: (s: number) => categorical(actions.filter((a) => m.prior[s]![a]! > 0).map((a) => [a, m.prior[s]![a]!] as const)) }),
    transition((s: number, a: number) => categorical(m.next[s]![a]!)),
    extra.infinite ? optimality((s: number, a: number) => m.reward[0]![s]![a]!) : optimality((s: number, a: number, t: number) => m.reward[t]![s]![a]!),
    ...(m.terminal ? [optimality.terminal((s: number) => m.terminal![s]!)] : []),
    temperature(m.alpha),
    horizon(extra.infinite ? Infinity : m.T),
    ...(m.gamma < 1 ? [discount(m.gamma)] : []),
  );
}
