/**
 * The learning engines against exact answers (issue 7). Every run is seeded,
 * so each number below is reproducible; the tolerances are what a correct
 * learner reaches at that budget with room to spare (constant step sizes
 * leave a noise floor of about 1e-3 in the trajectory KL), and each check
 * also fails a wrong answer that a plausible bug would give:
 *
 * - soft Q-learning and soft actor-critic reach the policy of
 *   exact({ backup: 'fixed-dynamics' }) — and not the exact posterior's;
 * - VIREL's β(ω) falls as its critic improves and its return reaches the
 *   hard optimum (α → 0, value iteration);
 * - on the lottery, pseudo-likelihood EM gambles and the others do not.
 */
import { describe, expect, it } from 'vitest';
import {
  action,
  categorical,
  discount,
  evaluate,
  exact,
  extend,
  gaussian,
  infer,
  learningFit,
  linearCritic,
  linearSoftmax,
  model,
  optimality,
  pseudoLikelihoodEM,
  sampler,
  softActorCritic,
  softQLearning,
  state,
  temperature,
  transition,
  virel,
  type Engine,
  type EngineInput,
  type Model,
  type Posterior,
} from '../src/index.js';
import { learningGridworld } from '../dsl-examples/learning-gridworld.js';
import { lottery } from '../dsl-examples/lottery.js';
import { cells } from './helpers/three-cells.js';

/**
 * A stochastic chain, discounted: 'right' slips back with 0.3, 'left' with 0.1; 'jump' (cost 0.2) lands on
 * cell 3 with probability 0.1, else on cell 0 — a gamble the optimistic exact posterior overrates. Cell 3 pays 2.
 */
function chain(transitionPart = transition((s: number, a: string) => categorical(chainStep(s, a)))): Model<number, string> {
  return model(
    state('cell', [0, 1, 2, 3], { initial: categorical([[0, 0.25], [1, 0.25], [2, 0.25], [3, 0.25]]) }),
    action('move', ['left', 'right', 'jump']),
    transitionPart,
    optimality((s: number, a: string) => (s === 3 ? 2 : 0) - (a === 'jump' ? 0.2 : 0)),
    discount(0.8),
  );
}

function chainStep(s: number, a: string): [number, number][] {
  if (a === 'right') return [[Math.min(s + 1, 3), 0.7], [s, 0.3]];
  if (a === 'left') return [[Math.max(s - 1, 0), 0.9], [s, 0.1]];
  return [[3, 0.1], [0, 0.9]]; // jump
}

/** The same chain with a transition that only samples (no tables), drawing by inverse CDF. */
const sampledChain = () =>
  chain(
    transition((s: number, a: string) =>
      sampler((random) => {
        let u = random.next();
        for (const [next, p] of chainStep(s, a)) if ((u -= p) < 0) return next;
        return s;
      }),
    ),
  );

/**
 * KL(p*(τ) ‖ p(τ)) between trajectory distributions that share the dynamics:
 * Σ_t E_{s ~ p*_t}[KL(π*_t(·|s) ‖ π_t(·|s))] over the reference's state marginals.
 * On the discounted horizon (stationary policies): the largest per-state KL instead.
 */
function policyKL(reference: Posterior<unknown, unknown, EngineInput>, learned: Posterior<unknown, unknown, EngineInput>, nS: number, nA: number): number {
  const rowKL = (p: Float64Array, q: Float64Array, s: number) => {
    let kl = 0;
    for (let a = 0; a < nA; a++) {
      const i = s * nA + a;
      if (p[i]! > 0) kl += p[i]! * Math.log(p[i]! / q[i]!);
    }
    return kl;
  };
  if (!Number.isFinite(reference.horizon)) {
    const p = reference.policyTable(0);
    const q = learned.policyTable(0);
    let worst = 0;
    for (let s = 0; s < nS; s++) worst = Math.max(worst, rowKL(p, q, s));
    return worst;
  }
  let total = 0;
  for (let t = 0; t < reference.horizon; t++) {
    const d = reference.stateMarginal(t);
    const p = reference.policyTable(t);
    const q = learned.policyTable(t);
    for (let s = 0; s < nS; s++) if (d[s]! > 0) total += d[s]! * rowKL(p, q, s);
  }
  return total;
}

type Learning = (options: { steps: number; seed: number }) => Engine<unknown, 'simulator'>;
const SOFT: readonly [string, Learning][] = [
  ['softQLearning', (o) => softQLearning(o) as Engine<unknown, 'simulator'>],
  ['softActorCritic', (o) => softActorCritic(o) as Engine<unknown, 'simulator'>],
];

describe.each(SOFT)('%s reaches the fixed-dynamics soft-optimal policy', (_name, engine) => {
  it('on the discounted stochastic chain: max_s KL ≤ 3e-3 after 20 000 steps (seed 1), while the optimistic posterior is > 0.05 away', () => {
    const m = chain();
    const fixed = infer(m, exact({ backup: 'fixed-dynamics' }));
    const post = infer(m, engine({ steps: 20_000, seed: 1 }));
    expect(policyKL(fixed, post, 4, 3)).toBeLessThan(3e-3);
    // The test can tell the two backups apart: the exact posterior's policy is far from what is learned.
    expect(policyKL(infer(m, exact()), post, 4, 3)).toBeGreaterThan(0.05);
  });

  it('on three cells (T = 4, state-dependent prior, time-varying and terminal rewards): trajectory KL ≤ 5e-3 after 20 000 steps (seed 2)', () => {
    const m = cells(4);
    const fixed = infer(m, exact({ backup: 'fixed-dynamics' }));
    const post = infer(m, engine({ steps: 20_000, seed: 2 }));
    expect(policyKL(fixed, post, 3, 2)).toBeLessThan(5e-3);
    // The ELBO of the learned policy is a lower bound, within the KL of the optimum's.
    expect(post.evidence.kind).toBe('lower-bound');
    expect(post.logEvidence).toBeLessThanOrEqual(fixed.logEvidence + 1e-12);
    expect(post.logEvidence).toBeGreaterThan(fixed.logEvidence - 5e-3);
  });
});

describe('capabilities', () => {
  it("only the engines whose target is the fixed-dynamics optimum claim 'fixed-dynamics'; none claims the exact policy", () => {
    const claims = (engine: { capabilities: readonly string[] }) => [engine.capabilities.includes('fixed-dynamics'), engine.capabilities.includes('exact-policy')];
    expect(claims(softQLearning())).toEqual([true, false]);
    expect(claims(softActorCritic())).toEqual([true, false]);
    expect(claims(virel())).toEqual([false, false]);
    expect(claims(pseudoLikelihoodEM())).toEqual([false, false]);
  });
});

describe('the learned posterior', () => {
  const m = cells(4);
  const post = infer(m, softQLearning({ steps: 4000, seed: 5 }));
  const fit = learningFit(post);

  it("reports π's exact ELBO, E[V^π_0]/α with the soft V^π of evaluate, and the gap to exact log p(O)", () => {
    const soft = evaluate(m, post, { soft: true });
    expect(post.logEvidence).toBeCloseTo(soft.value / post.graph.alpha, 12);
    const logZ = infer(m, exact()).logEvidence;
    expect(fit.logZ).toBeCloseTo(logZ, 12);
    expect(fit.gap).toBeCloseTo(logZ - post.logEvidence, 12);
    expect(fit.gap!).toBeGreaterThan(0);
    // Q(t) and V(t) are the policy's own soft values.
    expect(Array.from(post.V(1))).toEqual(Array.from(soft.V(1)));
    expect(Array.from(post.Q(2))).toEqual(Array.from(soft.Q(2)));
  });

  it('holds the critic table, curves per episode and the environment steps used', () => {
    expect(fit.environmentSteps).toBe(4000);
    expect(fit.episodes).toBe(1000); // T = 4 decisions per episode
    expect(fit.curves.return).toHaveLength(1000);
    expect(fit.curves.entropy).toHaveLength(1000);
    expect(fit.curves.criticError).toHaveLength(1000);
    expect(fit.curves.environmentSteps[999]).toBe(4000);
    expect(fit.updates).toBe(4000 - 64 + 1); // one update per step once the buffer holds a batch
    // The critic learned Q_0 within 0.05 of the fixed-dynamics soft Q wherever the prior lets it act
    // (p(s_0) covers every state); at s = 0 the prior forbids 'l', so that entry is never trained.
    const q = fit.criticTable!(0);
    const target = infer(m, exact({ backup: 'fixed-dynamics' })).Q(0);
    const prior = post.graph.kind === 'factor-graph' ? post.graph.prior : new Float64Array(0);
    let checked = 0;
    for (let i = 0; i < q.length; i++) {
      if (prior[i] === 0) continue;
      expect(Math.abs(q[i]! - target[i]!)).toBeLessThan(0.05);
      checked++;
    }
    expect(checked).toBe(5);
  });

  it('is reproducible from the seed and changes with it', () => {
    const again = infer(m, softQLearning({ steps: 4000, seed: 5 }));
    expect(Array.from(again.policyTable(0))).toEqual(Array.from(post.policyTable(0)));
    expect(Array.from(learningFit(again).curves.return)).toEqual(Array.from(fit.curves.return));
    const other = infer(m, softQLearning({ steps: 4000, seed: 6 }));
    expect(Array.from(other.policyTable(0))).not.toEqual(Array.from(post.policyTable(0)));
  });

  it('reports progress: infer’s context to a fraction of 1, onProgress once per episode', () => {
    const fractions: number[] = [];
    const episodes: number[] = [];
    infer(m, softQLearning({ steps: 400, seed: 1, onProgress: (p) => episodes.push(p.episode) }), { progress: (f) => fractions.push(f) });
    expect(fractions).toHaveLength(100);
    expect(fractions.at(-1)).toBe(1);
    expect(fractions.every((f, i) => i === 0 || f > fractions[i - 1]!)).toBe(true);
    expect(episodes).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
  });
});

describe('models that can only be simulated', () => {
  it('soft Q-learning on the sampled chain learns the tabulated chain’s fixed-dynamics policy (max KL ≤ 3e-3), and estimates its ELBO', () => {
    const fixed = infer(chain(), exact({ backup: 'fixed-dynamics' }));
    const post = infer(sampledChain(), softQLearning({ steps: 20_000, seed: 1 }));
    expect(post.graph.kind).toBe('simulator');
    expect(policyKL(fixed, post, 4, 3)).toBeLessThan(3e-3);
    expect(post.evidence.kind).toBe('estimate');
    // The Monte Carlo ELBO of a near-optimal policy lies within 4.5 standard errors of the optimum's (false-failure ≈ 7e-6).
    const se = post.evidence.standardError!;
    expect(se).toBeGreaterThan(0);
    expect(Math.abs(post.logEvidence - fixed.logEvidence)).toBeLessThan(4.5 * se + 2e-3);
    expect(() => post.Q(0)).toThrow(/softQLearning\(\): Q\(0\) is not available/);
  });

  it('linear critics and actors (one-hot features, which can hold the optimum) reach it too: trajectory KL ≤ 5e-3', () => {
    const m = cells(4);
    const oneHot = (s: number, a: string) => Array.from({ length: 6 }, (_, i) => (i === s * 2 + (a === 'l' ? 0 : 1) ? 1 : 0));
    const fixed = infer(m, exact({ backup: 'fixed-dynamics' }));
    const sq = infer(m, softQLearning({ steps: 20_000, seed: 3, critic: linearCritic(oneHot) }));
    expect(policyKL(fixed, sq, 3, 2)).toBeLessThan(5e-3);
    const sac = infer(m, softActorCritic({ steps: 20_000, seed: 3, critic: linearCritic(oneHot), actor: linearSoftmax(oneHot) }));
    expect(policyKL(fixed, sac, 3, 2)).toBeLessThan(5e-3);
  });
});

describe('a continuous state (state.simulated) with linear critics and actors', () => {
  // x' = x + push/2 + N(0, 0.1²), r = −x², γ = 0.8: the optimum pushes towards 0. Q is quadratic in x,
  // so φ(x, push) = [1, x², push·x, push²] can hold it; the actor's logits are linear in [push·x, push²].
  const m = model<number, number>(
    state.simulated('x', { initial: sampler((random) => 4 * random.next() - 2) }),
    action('push', [-1, 0, 1]),
    transition((x: number, push: number) => sampler((random) => x + 0.5 * push + 0.1 * gaussian(random))),
    optimality((x: number) => -x * x),
    discount(0.8),
  );
  const critic = linearCritic((x: number, push: number) => [1, x * x, push * x, push * push]);
  const actor = linearSoftmax((x: number, push: number) => [push * x, push * push]);

  it.each([
    ['softQLearning', () => softQLearning({ steps: 5000, seed: 1, critic })],
    ['softActorCritic', () => softActorCritic({ steps: 5000, seed: 1, critic, actor })],
    ['virel', () => virel({ steps: 5000, seed: 1, critic, actor })],
  ] as const)('%s pushes towards the origin from ±2 (π > 0.8, 5000 steps) and estimates its ELBO', (_name, make) => {
    const post = infer(m, make() as Engine<unknown, 'simulator'>);
    const right = post.policy(0, 2);
    const left = post.policy(0, -2);
    expect(right.probs[right.support.indexOf(-1)]!).toBeGreaterThan(0.8);
    expect(left.probs[left.support.indexOf(1)]!).toBeGreaterThan(0.8);
    expect(post.evidence.kind).toBe('estimate');
    expect(Number.isFinite(post.logEvidence)).toBe(true);
    expect(post.evidence.standardError!).toBeGreaterThan(0);
    expect(() => post.stateMarginal(0)).toThrow(expect.objectContaining({ code: 'unsupported-query' }));
  });
});

describe('soft actor-critic with a tuned temperature', () => {
  const lastFifth = (xs: Float64Array) => {
    const tail = xs.subarray(Math.floor(xs.length * 0.8));
    return tail.reduce((a, b) => a + b, 0) / tail.length;
  };

  it.each([0.1, 0.4])('drives the behaviour entropy to a target of %s nats (± 0.03 over the last fifth of 20 000 steps), which the fixed α = 1 misses', (target) => {
    const post = infer(cells(4), softActorCritic({ steps: 20_000, seed: 3, temperature: 'tuned', targetEntropy: target }));
    const { curves, temperature: alpha } = learningFit(post);
    expect(Math.abs(lastFifth(curves.entropy) - target)).toBeLessThan(0.03);
    expect(curves.temperature).toHaveLength(curves.return.length);
    expect(alpha).toBe(curves.temperature!.at(-1));
    const fixed = learningFit(infer(cells(4), softActorCritic({ steps: 20_000, seed: 3 })));
    expect(fixed.curves.temperature).toBeUndefined();
    expect(Math.abs(lastFifth(fixed.curves.entropy) - target)).toBeGreaterThan(0.05);
    // A lower target needs a cooler α, a higher one a warmer α, than the model's.
    expect(Math.sign(alpha - 1)).toBe(Math.sign(target - lastFifth(fixed.curves.entropy)));
  });
});

describe('VIREL', () => {
  const m = chain();
  const post = infer(m, virel({ steps: 20_000, seed: 1 }));
  const { curves, beta } = learningFit(post);

  it('β(ω) falls as the critic improves: the last tenth of episodes averages under a tenth of the first 1 % of them', () => {
    const measured = curves.beta!.filter(Number.isFinite);
    const tenth = Math.floor(measured.length / 10);
    const mean = (xs: Float64Array) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(measured.subarray(-tenth))).toBeLessThan(0.1 * mean(measured.subarray(0, Math.ceil(measured.length / 100))));
    expect(beta).toBe(curves.beta!.at(-1));
    // (The squared TD error itself need not fall: it also holds the variance of s', which grows here as
    // the policy turns greedy — which is why β is built from the mean TD error per (s, a) instead.)
  });

  it('reaches the hard optimum’s expected return within 0.5 % (value iteration: exact with temperature(0), fixed dynamics)', () => {
    const optimum = evaluate(m, infer(extend(m, temperature(0)), exact({ backup: 'fixed-dynamics' }))).value;
    const achieved = evaluate(m, post).value;
    expect(achieved).toBeLessThanOrEqual(optimum + 1e-9);
    expect(achieved).toBeGreaterThan(optimum - 0.005 * Math.abs(optimum));
    // The soft-optimal policy returns clearly less: VIREL is not soft.
    expect(evaluate(m, infer(m, exact({ backup: 'fixed-dynamics' }))).value).toBeLessThan(optimum - 0.5);
  });
});

describe('the lottery: pseudo-likelihood EM is risk-seeking', () => {
  // 'safe' pays 1 surely; 'gamble' pays 10 with probability 0.05 (expected 0.5), α = 1.
  const m = lottery(1);
  const gamble = (post: Posterior<string, string, EngineInput>) => {
    const pi = post.policy(0, 'start');
    return pi.probs[pi.support.indexOf('gamble')]!;
  };
  const run = (engine: Engine<unknown, 'simulator'>) => infer(m as Model<string, string>, engine);

  it('pseudoLikelihoodEM gambles (π(gamble) > 0.95 after 4000 steps) and earns less for it', () => {
    const em = run(pseudoLikelihoodEM({ steps: 4000, seed: 2 }) as Engine<unknown, 'simulator'>);
    expect(gamble(em)).toBeGreaterThan(0.95);
    // The exact posterior gambles too — it scores actions by E[exp(R/α)] as EM does, though it stays soft
    // where EM turns greedy — and the fixed-dynamics optimum does not.
    expect(gamble(infer(m as Model<string, string>, exact()))).toBeGreaterThan(0.95);
    expect(evaluate(m, em).value).toBeLessThan(0.55);
  });

  it.each([
    ['softQLearning', () => softQLearning({ steps: 4000, seed: 2 })],
    ['softActorCritic', () => softActorCritic({ steps: 4000, seed: 2 })],
    ['virel', () => virel({ steps: 4000, seed: 2 })],
  ] as const)('%s takes the sure prize (π(gamble) < 0.45; fixed dynamics: e^0.5/(e+e^0.5) = 0.378)', (_name, make) => {
    const post = run(make() as Engine<unknown, 'simulator'>);
    expect(gamble(post)).toBeLessThan(0.45);
    expect(evaluate(m, post).value).toBeGreaterThan(0.75);
  });
});

describe('pseudo-likelihood EM on a discounted horizon (stationary policy, episodes of 30 decisions)', () => {
  it('weights whole episodes, so it learns to reach the goal: E[return] > −9 after 20 000 steps, where the uniform policy gets −11.4 and never reaching the goal −10', () => {
    // Weighting each decision by its return to go instead lets the last decisions of every episode
    // (whose returns to go sum a reward or two) dominate a policy shared across t: it then collapses to
    // a deterministic policy that never reaches the goal, E[return] = −1/(1 − γ) = −10.
    const { gridworld } = learningGridworld(0.5, 0.1);
    const uniform = evaluate(gridworld, () => categorical([['N', 0.25], ['S', 0.25], ['E', 0.25], ['W', 0.25]])).value;
    expect(uniform).toBeLessThan(-11);
    for (const seed of [1, 2]) {
      const em = infer(gridworld, pseudoLikelihoodEM({ steps: 20_000, seed, episodeLength: 30 }));
      expect(evaluate(gridworld, em).value).toBeGreaterThan(-9);
    }
  });
});

describe('evaluate(…, { soft: true })', () => {
  it.each([
    ['three cells, T = 5', () => cells(5)],
    ['the discounted chain', () => chain()],
  ] as const)('of the fixed-dynamics optimum equals that backup’s soft V and Q (1e-9) on %s', (_name, make) => {
    const m = make() as Model<number, string>;
    const fixed = infer(m, exact({ backup: 'fixed-dynamics' }));
    const soft = evaluate(m, fixed, { soft: true });
    for (const t of [0, 1]) {
      const v = soft.V(t);
      const w = fixed.V(t);
      for (let s = 0; s < v.length; s++) expect(Math.abs(v[s]! - w[s]!)).toBeLessThan(1e-9);
      const q = soft.Q(t);
      const r = fixed.Q(t);
      for (let i = 0; i < q.length; i++) expect(Math.abs(q[i]! - r[i]!)).toBeLessThan(1e-9);
    }
    // E[V^π_0]/α is the fixed-dynamics ELBO the exact engine reports.
    expect(Math.abs(soft.value / fixed.graph.alpha - fixed.logEvidence)).toBeLessThan(1e-9);
  });

  it('charges α log(π/p): a uniform policy under a uniform prior pays nothing, a point mass pays α log |A|', () => {
    const m = chain();
    const uniform = () => categorical([['left', 1 / 3], ['right', 1 / 3], ['jump', 1 / 3]]);
    const uniformValue = evaluate(m, uniform);
    const uniformSoft = evaluate(m, uniform, { soft: true });
    expect(uniformSoft.value).toBeCloseTo(uniformValue.value, 9);
    const right = evaluate(m, () => categorical([['right', 1]]));
    const rightSoft = evaluate(m, () => categorical([['right', 1]]), { soft: true });
    // Σ_t γ^t α log 3 = log 3 / (1 − 0.8) at α = 1.
    expect(right.value - rightSoft.value).toBeCloseTo(Math.log(3) / 0.2, 8);
  });
});
