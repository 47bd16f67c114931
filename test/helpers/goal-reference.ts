/**
 * An independent goal-inference reference (RELIABILITY 19, 24): the likelihood
 * of observed steps under each hypothesis's agent policy and the true dynamics,
 * in plain arrays, from the policies of agents-reference.ts. Imports nothing
 * from the library.
 */
import { agentReference, type TinyMdp } from './agents-reference.js';

export interface ReferenceHypothesis {
  readonly mdp: TinyMdp;
  readonly kind: 'boltzmann' | 'expected-utility';
  readonly prior: number;
}

export interface ReferenceGoal {
  /** posterior[t][h] */
  readonly posterior: number[][];
  readonly logLikelihood: number[];
  readonly nextAction: number[];
  readonly nextState: number[];
}

/** steps: [state, action | undefined][]; `world` gives the true p(s'|s,a) as next[s][a] = [[s', p]]. */
export function goalReference(hypotheses: readonly ReferenceHypothesis[], steps: readonly (readonly [number, number | undefined])[], world: TinyMdp['next']): ReferenceGoal {
  const policies = hypotheses.map((h) => agentReference(h.mdp, h.kind).policy);
  const z = hypotheses.reduce((sum, h) => sum + h.prior, 0);
  const prior = hypotheses.map((h) => h.prior / z);
  const p = (s: number, a: number, s2: number) => world[s]![a]!.filter(([x]) => x === s2).reduce((sum, [, q]) => sum + q, 0);
  const likelihood = hypotheses.map(() => 1);
  const posterior: number[][] = [];
  let beforeLast = prior;
  steps.forEach(([s, a], k) => {
    hypotheses.forEach((_, h) => {
      const pi = policies[h]![k]![s]!;
      if (k > 0) {
        const [s0, a0] = steps[k - 1]!;
        likelihood[h]! *= a0 === undefined ? pi.reduce((sum, _q, b) => sum + policies[h]![k - 1]![s0]![b]! * p(s0, b, s), 0) : p(s0, a0, s);
      }
    });
    if (k === steps.length - 1) {
      const w = hypotheses.map((_, h) => prior[h]! * likelihood[h]!);
      const total = w.reduce((x, y) => x + y, 0);
      beforeLast = w.map((x) => x / total);
    }
    hypotheses.forEach((_, h) => {
      if (a !== undefined) likelihood[h]! *= policies[h]![k]![s]![a]!;
    });
    const w = hypotheses.map((_, h) => prior[h]! * likelihood[h]!);
    const total = w.reduce((x, y) => x + y, 0);
    posterior.push(w.map((x) => x / total));
  });
  const [sL, aL] = steps[steps.length - 1]!;
  const L = steps.length - 1;
  const nA = world[0]!.length;
  const nextAction = Array.from({ length: nA }, (_, b) => hypotheses.reduce((sum, _h, h) => sum + beforeLast[h]! * policies[h]![L]![sL]![b]!, 0));
  const nextState = new Array<number>(world.length).fill(0);
  hypotheses.forEach((_, h) => {
    for (let b = 0; b < nA; b++) {
      const pb = aL === undefined ? policies[h]![L]![sL]![b]! : b === aL ? 1 : 0;
      for (const [x, q] of world[sL]![b]!) nextState[x]! += posterior[L]![h]! * pb * q;
    }
  });
  return { posterior, logLikelihood: likelihood.map(Math.log), nextAction, nextState };
}
