/**
 * Types that follow the model: `model(...)` reads the state type S and the
 * action type A off its `state` and `action` parts, and everything built on
 * the model — callbacks, posteriors, evaluate, inferReward, simulators,
 * pictures — is typed by them without annotations. The `expectTypeOf` lines
 * and the `@ts-expect-error` lines are checked by `tsc --noEmit -p .` (part of
 * `npm test`): an expected error that does not occur is itself an error, so
 * each line below fails the type-check if the inference it pins regresses.
 * The runtime `expect`s check that the typed values are what they claim.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  action,
  categorical,
  compile,
  demonstrationsFrom,
  deterministic,
  discount,
  evaluate,
  exact,
  extend,
  horizon,
  importance,
  infer,
  inferReward,
  model,
  optimality,
  sampler,
  simulatorOf,
  state,
  temperature,
  transition,
  uniform,
  valueGrid,
  softQLearning,
  variational,
  type Categorical,
  type Engine,
  type ImportancePosterior,
  type LearnedPosterior,
  type VariationalPosterior,
  type FactorGraph,
  type Model,
  type Part,
  type Posterior,
  type Simulator,
  type Trajectory,
} from '../src/index.js';
import { valueHeatmapSvg } from '../src/viz/svg/index.js';
import { reportHtml } from '../src/report/index.js';
import type { ActionOf, ModelAction, ModelState, StateOf } from '../src/index.js';

// The README's corridor, with no annotation anywhere: s and a are typed by state(...) and action(...).
const corridor = model(
  state('cell', [0, 1, 2, 3, 4], { initial: 0 }),
  action('move', ['left', 'right']),
  transition((s, a) => (a === 'right' ? categorical([[Math.min(s + 1, 4), 0.8], [s, 0.2]]) : deterministic(Math.max(s - 1, 0)))),
  optimality((s) => (s === 4 ? 0 : -1)),
  horizon(8),
);

type Move = 'left' | 'right';

describe('model() infers S and A from its parts', () => {
  it('a numeric corridor is Model<number, "left" | "right">: domains widen, listed actions stay literal', () => {
    expectTypeOf(corridor).toEqualTypeOf<Model<number, Move>>();
    expect(corridor.parts.map((p) => p.kind)).toEqual(['state', 'action', 'transition', 'optimality', 'horizon']);
  });

  it('transition, optimality and terminal callbacks get typed parameters', () => {
    const seen: string[] = [];
    const m = model(
      state('cell', [0, 1, 2], { initial: 0 }),
      action('move', ['left', 'right']),
      transition((s, a) => {
        expectTypeOf(s).toEqualTypeOf<number>();
        expectTypeOf(a).toEqualTypeOf<Move>();
        seen.push(`${s}${a}`);
        return deterministic(a === 'right' ? Math.min(s + 1, 2) : s);
      }),
      optimality((s, a, t) => {
        expectTypeOf(s).toEqualTypeOf<number>();
        expectTypeOf(a).toEqualTypeOf<Move>();
        expectTypeOf(t).toEqualTypeOf<number>();
        return s === 2 ? 0 : -1;
      }),
      optimality.terminal((s) => {
        expectTypeOf(s).toEqualTypeOf<number>();
        return s;
      }),
      horizon(2),
    );
    expectTypeOf(m).toEqualTypeOf<Model<number, Move>>();
    compile(m);
    expect(seen).toContain('1right');
  });

  it('callbacks annotated as in the README, (s: number, a: string), still compile', () => {
    const m = model(
      state('cell', [0, 1, 2, 3, 4], { initial: 0 }),
      action('move', ['left', 'right']),
      transition((s: number, a: string) => (a === 'right' ? categorical([[Math.min(s + 1, 4), 0.8], [s, 0.2]]) : deterministic(Math.max(s - 1, 0)))),
      optimality((s: number) => (s === 4 ? 0 : -1)),
      horizon(8),
    );
    expectTypeOf(m).toEqualTypeOf<Model<number, Move>>();
    expect(infer(m, exact()).logEvidence).toBe(infer(corridor, exact()).logEvidence);
  });

  it('a callback written for another state type is a compile error', () => {
    const build = () =>
      model(
        state('cell', [0, 1, 2], { initial: 0 }),
        action('move', ['left', 'right']),
        // @ts-expect-error — the state is a number, not a string
        transition((s: string) => deterministic(`${s}!`)),
        optimality(() => 0),
        horizon(2),
      );
    // Types only: at run time the model builds, and compile() refuses the strings the transition returns.
    expect(() => compile(build())).toThrow(/not in state\('cell'\)/);
  });

  it('a typo in an action is a compile error inside the callbacks', () => {
    const typo = () =>
      model(
        state('cell', [0, 1, 2], { initial: 0 }),
        action('move', ['left', 'right']),
        // @ts-expect-error — 'rigth' is not one of the listed actions, so the comparison can never hold
        transition((s, a) => deterministic(a === 'rigth' ? s + 1 : s)),
        optimality(() => 0),
        horizon(2),
      );
    // Types only: at run time the model still builds (the comparison is just always false).
    expect(compile(typo()).nS).toBe(3);
  });

  it('a callback before the state part gets s: unknown, but the model is typed all the same (docs/sharp-edges.md)', () => {
    const early = model(
      transition((s) => (expectTypeOf(s).toEqualTypeOf<unknown>(), deterministic(s as number))),
      state('cell', [0, 1], { initial: 0 }),
      action('move', ['left', 'right']),
      optimality((s) => (expectTypeOf(s).toEqualTypeOf<number>(), -s)),
      horizon(2),
    );
    expectTypeOf(early).toEqualTypeOf<Model<number, Move>>();
    expect(infer(early, exact()).logEvidence).toBe(0);
  });

  it('an array spread into the call (here making 17 parts) takes the explicit form, which infers S and A from the parts', () => {
    const bonus = (k: number) => optimality((s: number) => (s === k ? 0 : -1));
    const many = model(
      state('cell', [0, 1, 2], { initial: 0 }),
      action('move', ['left', 'right']),
      transition((s: number, a: Move) => deterministic(a === 'right' ? Math.min(s + 1, 2) : s)),
      ...[0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0].map(bonus),
      horizon(1),
    );
    expectTypeOf(many).toEqualTypeOf<Model<number, Move>>();
    expect(many.parts).toHaveLength(17);
  });

  it('several state parts make a record type { [name]: value }, in callbacks and in the model', () => {
    const m = model(
      state('x', [0, 1, 2], { initial: 0 }),
      state('door', ['open', 'shut'], { initial: 'shut' }),
      action('push', [1, -1]),
      transition('x', (s, a) => {
        expectTypeOf(s).toEqualTypeOf<{ x: number; door: string }>();
        expectTypeOf(a).toEqualTypeOf<1 | -1>();
        return deterministic(Math.min(2, Math.max(0, s.x + a)));
      }),
      transition('door', (s) => deterministic(s.x === 2 ? 'open' : s.door)),
      optimality((s) => (s.door === 'open' ? 0 : -1)),
      horizon(4),
    );
    expectTypeOf(m).toEqualTypeOf<Model<{ x: number; door: string }, 1 | -1>>();
    const post = infer(m, exact());
    expectTypeOf(post.mostProbable().states).toEqualTypeOf<readonly { x: number; door: string }[]>();
    expect(post.mostProbable().states.at(-1)).toEqual({ x: 2, door: 'open' });
    // @ts-expect-error — a factored state is a record, not one of its variables
    expect(() => post.policy(0, 0)).toThrow();
  });

  it('records, simulated states and action priors are typed too', () => {
    type Cell = { x: number; y: number };
    const cells: Cell[] = [
      { x: 0, y: 0 },
      { x: 1, y: 0 },
    ];
    const grid = model(
      state('cell', cells, { initial: { x: 0, y: 0 } }),
      action('move', ['E', 'W']),
      transition((s, a) => deterministic({ x: a === 'E' ? 1 : 0, y: s.y })),
      optimality((s) => (s.x === 1 ? 0 : -1)),
      horizon(2),
    );
    expectTypeOf(grid).toEqualTypeOf<Model<Cell, 'E' | 'W'>>();

    // An action prior written as a function of the state gets the state type.
    const leaning = model(
      state('cell', cells, { initial: { x: 0, y: 0 } }),
      action('move', ['E', 'W'], {
        prior: (s) => (expectTypeOf(s).toEqualTypeOf<Cell>(), categorical([['E', s.x === 0 ? 0.75 : 0.5], ['W', s.x === 0 ? 0.25 : 0.5]])),
      }),
      transition((s, a) => deterministic({ x: a === 'E' ? 1 : 0, y: s.y })),
      optimality(() => 0),
      horizon(1),
    );
    expect(infer(leaning, exact()).policy(0, { x: 0, y: 0 }).probs).toEqual([0.75, 0.25]);

    const mass = model(
      state.simulated('x', { initial: 0 }),
      action('push', [-1, 1]),
      transition((s, a) => sampler((random) => s + a + random.next())),
      optimality((s) => -Math.abs(s)),
      horizon(3),
    );
    expectTypeOf(mass).toEqualTypeOf<Model<number, -1 | 1>>();
    expect(infer(mass, importance({ particles: 10, seed: 1 })).horizon).toBe(3);
  });

  it('StateOf and ActionOf name the types a model is given', () => {
    expectTypeOf<StateOf<ReturnType<typeof state<number, 'cell'>>>>().toEqualTypeOf<number>();
    expectTypeOf<StateOf<ReturnType<typeof state<number, 'x'>> | ReturnType<typeof state<string, 'y'>>>>().toEqualTypeOf<{ x: number; y: string }>();
    expectTypeOf<ActionOf<ReturnType<typeof action<'N' | 'S'>>>>().toEqualTypeOf<'N' | 'S'>();
    expectTypeOf<StateOf<never>>().toEqualTypeOf<unknown>();
    expectTypeOf<ModelState<typeof corridor>>().toEqualTypeOf<number>();
    expectTypeOf<ModelAction<typeof corridor>>().toEqualTypeOf<Move>();
    // The state part's name is the literal key of the record type, and the part holds it at run time.
    expect(state('x', [0]).name).toBe('x');
  });

  it('explicit types and spread arrays still work: model<S, A>(...parts)', () => {
    const parts: Part<number, Move>[] = [state('cell', [0, 1]), action('move', ['left', 'right']), transition((s: number) => deterministic(s)), optimality(() => 0)];
    const m = model<number, Move>(...parts, horizon(2));
    expectTypeOf(m).toEqualTypeOf<Model<number, Move>>();
    expectTypeOf(extend(m, temperature(0.5))).toEqualTypeOf<Model<number, Move>>();
    // Without type arguments a spread array is typed by its element type.
    expectTypeOf(model(...parts, horizon(2))).toEqualTypeOf<Model<number, Move>>();
    // …and a callback that contradicts the state part is still an error there.
    const still = parts.filter((p) => p.kind !== 'transition');
    // @ts-expect-error — the state is a number
    expect(() => compile(model(...still, transition((s: string) => deterministic(`${s}!`)), horizon(2)))).toThrow(/not in state\('cell'\)/);
    // extend() types the callbacks of the parts it adds by the model's S and A.
    const more = extend(
      m,
      optimality((s, a) => {
        expectTypeOf(s).toEqualTypeOf<number>();
        expectTypeOf(a).toEqualTypeOf<Move>();
        return 0;
      }),
    );
    expect(more.parts).toHaveLength(6);
  });
});

describe('everything built on the model is typed by S and A', () => {
  const post = infer(corridor, exact());

  it('posteriors: policy, samples, the mode and logProb take and give S and A', () => {
    expectTypeOf(post).toEqualTypeOf<Posterior<number, Move, 'tables'>>();
    expectTypeOf(post.policy(0, 0)).toEqualTypeOf<Categorical<Move>>();
    expectTypeOf(post.sample(2, { seed: 1 })).toEqualTypeOf<Trajectory<number, Move>[]>();
    expectTypeOf(post.graph).toEqualTypeOf<FactorGraph<number, Move>>();
    // @ts-expect-error — 'seven' is not a state of a numeric corridor
    expect(() => post.policy(0, 'seven')).toThrow();
    // @ts-expect-error — 'up' is not an action of the corridor
    expect(() => post.logProb({ states: [0], actions: ['up'] })).toThrow();
    expect(post.policy(0, 0).support).toEqual(['left', 'right']);
  });

  it('an engine with a richer posterior gives its own type, typed by the same S and A', () => {
    const sampled = infer(corridor, importance({ particles: 50, seed: 1 }));
    expectTypeOf(sampled).toEqualTypeOf<ImportancePosterior<number, Move>>();
    expect(sampled.particles.logWeights).toHaveLength(50);
    const fitted = infer(corridor, variational({ steps: 3, seed: 1 }));
    expectTypeOf(fitted).toEqualTypeOf<VariationalPosterior<number, Move>>();
    expect(fitted.fit.elbo.length).toBeGreaterThan(0);
    const learned = infer(corridor, softQLearning({ steps: 64, seed: 1 }));
    expectTypeOf(learned).toEqualTypeOf<LearnedPosterior<number, Move>>();
    expect(learned.fit.environmentSteps).toBe(64);
    // An engine typed only as Engine<unknown, R> gives the plain Posterior.
    const anyEngine: Engine<unknown, 'simulator'> = importance({ particles: 10, seed: 1 });
    expectTypeOf(infer(corridor, anyEngine)).toEqualTypeOf<Posterior<number, Move, 'simulator'>>();
    const [first] = sampled.sample(1, { seed: 2 });
    expectTypeOf(first!.actions).toEqualTypeOf<readonly Move[]>();
    expect(first!.states[0]).toBe(0);
  });

  it('evaluate() types the policy function it is given', () => {
    const always = evaluate(corridor, (s, t) => {
      expectTypeOf(s).toEqualTypeOf<number>();
      expectTypeOf(t).toEqualTypeOf<number>();
      return deterministic('right');
    });
    // The actions a policy function returns are not checked against the model's: `uniform(['left', 'right'])`
    // is a Categorical<string> (TypeScript widens the literals), and it must compile.
    expect(evaluate(corridor, () => uniform(['left', 'right'])).value).toBeLessThan(always.value);
    expect(always.value).toBeLessThan(0);
  });

  it('inferReward() types features and demonstrations', () => {
    const demos = demonstrationsFrom(post.sample(5, { seed: 3 }));
    expectTypeOf(demos).toEqualTypeOf<import('../src/index.js').Demonstration<number, Move>[]>();
    const fit = inferReward(corridor, demos, {
      features: (s, a) => {
        expectTypeOf(s).toEqualTypeOf<number>();
        expectTypeOf(a).toEqualTypeOf<Move>();
        return [s === 4 ? 1 : 0];
      },
      steps: 5,
    });
    // @ts-expect-error — a demonstration's state must be a state of the model
    expect(() => inferReward(corridor, [[{ state: 'seven', action: 'left' }]], { features: () => [0] })).toThrow();
    expect(fit.theta).toHaveLength(1);
  });

  it('simulators and pictures take the model’s state type', async () => {
    const sim = simulatorOf(post.graph);
    expectTypeOf(sim).toEqualTypeOf<Simulator<unknown, number, Move>>();
    expect(sim.nA).toBe(2);
    const text = valueGrid(post.graph, post.V(0), {
      layout: { width: 5, height: 1, cellOf: (s) => (expectTypeOf(s).toEqualTypeOf<number>(), { x: s, y: 0 }) },
    });
    expect(text.split('\n').length).toBeGreaterThan(0);
    const svg = await valueHeatmapSvg(post.graph, post.V(0), {
      layout: { width: 5, height: 1, cellOf: (s) => ({ x: s, y: 0 }) },
      marks: (s) => (expectTypeOf(s).toEqualTypeOf<number>(), s === 4 ? 'G' : undefined),
    });
    expect(svg.startsWith('<svg')).toBe(true);
    const page = await reportHtml(post, {
      samples: 0,
      marks: (s) => (expectTypeOf(s).toEqualTypeOf<number>(), s === 4 ? 'G' : undefined),
    });
    expect(page).toContain('<html');
  });

  it('a discounted model is typed the same way', () => {
    const m = model(state('cell', [0, 1], { initial: 0 }), action('stay', [true]), transition((s) => deterministic(s)), optimality((s) => -s), discount(0.9));
    expectTypeOf(m).toEqualTypeOf<Model<number, true>>();
    expect(infer(m, exact()).horizon).toBe(Infinity);
  });
});
