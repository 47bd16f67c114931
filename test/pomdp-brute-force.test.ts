/**
 * The belief kernel of exact() against brute force (issue 15, RELIABILITY 23):
 * random small POMDPs (|S|, |A|, |O| ≤ 3, T ≤ 3, ~8 % −Infinity rewards, an
 * action prior, observed or unobserved s_0; fast-check, seed 15) against an
 * independent enumeration over hidden-state sequences, observation histories
 * and action sequences (test/helpers/pomdp-brute.ts imports nothing from src):
 *
 * - fixed-dynamics, α ∈ {0, 0.5, 1, 2}, γ ∈ {1, 0.9}, with or without a terminal reward: the value at the start,
 *   V_t, Q_t and π_t after every history of positive probability, to 1e-9;
 * - posterior (γ = 1, α ∈ {0.5, 1, 2}): log p(O) and p(a_t | h_t, O) of the
 *   unrolled graph, to 1e-9;
 * - Bayes' rule: belief(h) equals p(s_t | h) by enumeration, to 1e-12;
 * - evaluate(model, { belief }): a stochastic belief policy's return, to 1e-9.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { beliefPosterior, categorical, evaluate, exact, infer } from '../src/index.js';
import { beliefByEnumeration, fixedDynamics, fixedDynamicsValue, histories, posteriorByEnumeration, sequences, type Hist, type PomdpSpec } from './helpers/pomdp-brute.js';
import { arbitraryPomdp, pomdpModel } from './helpers/pomdp-model.js';

const SEED = 15;
const TOL = 1e-9;

function close(a: number, b: number, tol: number, label: string): void {
  if (a === b) return;
  if (!(Math.abs(a - b) <= tol * (1 + Math.abs(b)))) throw new Error(`${label}: ${a} vs ${b}`);
}

/** The history as the library takes it (observations are the strings 'o0', 'o1', …). */
const toHistory = (h: Hist) => ({
  actions: h.actions,
  observations: h.observations.map((o) => `o${o}`),
  ...(h.initial !== undefined ? { initial: `o${h.initial}` } : {}),
});

/** π(a) = p(a) exp((Q − V)/α), or the prior on the maximisers at α = 0 (the library's tie rule). */
function policyOf(spec: PomdpSpec, q: readonly number[], v: number): number[] {
  const w = q.map((x, a) => (spec.prior[a]! > 0 && x > -Infinity ? (spec.alpha > 0 ? spec.prior[a]! * Math.exp((x - v) / spec.alpha) : x >= v - 1e-10 * Math.max(1, Math.abs(v)) ? spec.prior[a]! : 0) : 0));
  const sum = w.reduce((x, y) => x + y, 0);
  return w.map((x) => x / sum);
}

/** Histories of positive probability up to the last decision. */
function reachable(spec: PomdpSpec): Hist[] {
  const out: Hist[] = [];
  for (let t = 0; t < spec.T; t++) for (const h of histories(spec, t)) if (beliefByEnumeration(spec, h) !== undefined) out.push(h);
  return out;
}

describe('belief kernel vs enumeration over observation histories', () => {
  it('fixed-dynamics: value, V, Q and π after every history (120 random POMDPs, α ∈ {0, 0.5, 1, 2}, γ ∈ {1, 0.9}, some with a terminal reward)', () => {
    fc.assert(
      fc.property(arbitraryPomdp({ alphas: [0, 0.5, 1, 2], gammas: [1, 0.9], maxT: 3, terminal: true }), (spec) => {
        const reference = fixedDynamicsValue(spec);
        let post;
        try {
          post = beliefPosterior<number, number, string>(infer(pomdpModel(spec), exact({ backup: 'fixed-dynamics' })));
        } catch (error) {
          throw new Error(`engine threw ${String(error)} (reference value ${reference})`);
        }
        close(post.value, reference, TOL, 'value');
        for (const h of reachable(spec)) {
          const t = h.actions.length;
          const { q, v } = fixedDynamics(spec, h);
          const mine = post.Q(t, toHistory(h));
          close(post.V(t, toHistory(h)), v, TOL, `V_${t}`);
          q.forEach((x, a) => close(mine[a]!, x, TOL, `Q_${t}(·, ${a})`));
          if (v === -Infinity) continue;
          const pi = post.policy(t, toHistory(h));
          policyOf(spec, q, v).forEach((p, a) => close(pi.probs[pi.support.indexOf(a)]!, p, TOL, `π_${t}(${a})`));
        }
      }),
      { seed: SEED, numRuns: 120 },
    );
  });

  it('posterior: log p(O) and p(a_t | h_t, O) of the unrolled graph (60 random POMDPs, γ = 1, α ∈ {0.5, 1, 2})', () => {
    fc.assert(
      fc.property(arbitraryPomdp({ alphas: [0.5, 1, 2], gammas: [1], maxT: 3 }), (spec) => {
        const reference = posteriorByEnumeration(spec);
        if (reference.logZ === -Infinity) {
          expect(() => infer(pomdpModel(spec), exact({ backup: 'posterior' })).logEvidence).not.toThrow();
          return;
        }
        const post = beliefPosterior<number, number, string>(infer(pomdpModel(spec), exact({ backup: 'posterior' })));
        close(post.logEvidence, reference.logZ, TOL, 'log p(O)');
        for (const h of reachable(spec)) {
          const expected = reference.policy(h);
          if (expected === undefined) continue; // the history is impossible given O
          const pi = post.policy(h.actions.length, toHistory(h));
          expected.forEach((p, a) => close(pi.probs[pi.support.indexOf(a)]!, p, TOL, `p(a_${h.actions.length} = ${a} | h, O)`));
        }
      }),
      { seed: SEED + 1, numRuns: 60 },
    );
  });

  it("belief(h) is Bayes' rule by enumeration, to 1e-12 (60 random POMDPs)", () => {
    fc.assert(
      fc.property(arbitraryPomdp({ alphas: [1], gammas: [1], maxT: 3 }), (spec) => {
        const post = beliefPosterior<number, number, string>(infer(pomdpModel(spec), exact({ backup: 'fixed-dynamics' })));
        for (const h of reachable(spec)) {
          const expected = beliefByEnumeration(spec, h)!;
          const b = post.belief(toHistory(h));
          expected.forEach((p, s) => expect(Math.abs(b[s]! - p)).toBeLessThanOrEqual(1e-12));
        }
      }),
      { seed: SEED + 2, numRuns: 60 },
    );
  });
});

describe('evaluate(model, { belief }) vs enumeration', () => {
  it('the expected return of a stochastic belief policy equals a recursion over observation histories with beliefs by enumeration (60 random POMDPs, γ ∈ {1, 0.9}, 1e-9)', () => {
    fc.assert(
      fc.property(arbitraryPomdp({ alphas: [1], gammas: [1, 0.9], maxT: 3 }), fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 9, maxLength: 9 }), (spec, w) => {
        // π_t(a | b) ∝ exp(Σ_s b(s) w[a·3 + s] + t·w[a]): any smooth function of the belief and t.
        const piOf = (t: number, b: readonly number[]) => {
          const logits = Array.from({ length: spec.nA }, (_, a) => b.reduce((x, p, s) => x + p * w[(a * 3 + s) % 9]!, 0) + t * w[a]!);
          const m = Math.max(...logits);
          const e = logits.map((x) => Math.exp(x - m));
          const z = e.reduce((x, y) => x + y, 0);
          return e.map((x) => x / z);
        };
        const policy = (t: number, b: { support: readonly number[]; probs: readonly number[] }) => {
          const dense = Array.from({ length: spec.nS }, (_, s) => {
            const i = b.support.indexOf(s);
            return i < 0 ? 0 : b.probs[i]!;
          });
          return categorical(piOf(t, dense).map((p, a) => [a, p] as const));
        };
        // Reference: recurse over histories; the belief by enumeration, the return by expectation.
        const value = (h: Hist): number => {
          const t = h.actions.length;
          const b = beliefByEnumeration(spec, h)!;
          const pi = piOf(t, b);
          let v = 0;
          for (let a = 0; a < spec.nA; a++) {
            if (!(pi[a]! > 0)) continue;
            let r = 0;
            let forbidden = false;
            b.forEach((p, s) => {
              if (p === 0) return;
              if (spec.r[s]![a] === -Infinity) forbidden = true;
              else r += p * spec.r[s]![a]!;
            });
            if (forbidden) return -Infinity;
            let future = 0;
            if (t < spec.T - 1) {
              const total = sequences(spec, h).reduce((x, p) => x + p.w, 0);
              for (let o = 0; o < spec.nO; o++) {
                const child = { ...h, actions: [...h.actions, a], observations: [...h.observations, o] };
                const pO = sequences(spec, child).reduce((x, p) => x + p.w, 0) / total;
                if (pO > 0) future += pO * value(child);
              }
            }
            v += pi[a]! * (r + spec.gamma * future);
          }
          return v;
        };
        let reference = 0;
        if (spec.z0 === undefined) reference = value({ actions: [], observations: [] });
        else {
          for (let o = 0; o < spec.nO; o++) {
            const p = spec.p0.reduce((x, q, s) => x + q * spec.z0![s]![o]!, 0);
            if (p > 0) reference += p * value({ actions: [], observations: [], initial: o });
          }
        }
        const result = evaluate(pomdpModel(spec), { belief: policy });
        close(result.value, reference, TOL, 'V^π');
      }),
      { seed: SEED + 3, numRuns: 60 },
    );
  });
});
