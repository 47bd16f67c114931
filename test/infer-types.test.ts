/**
 * `infer(model, exact())` is typed by the kernel that solves the model, when
 * `model(...)` can read the structure off its parts (the third parameter of
 * `Model`): a `BeliefPosterior` for a model with an `observation(...)` part, a
 * `GaussianPosterior` for a continuous action, a `Posterior` otherwise — with
 * no `beliefPosterior()`/`gaussianPosterior()` view needed. The
 * `expectTypeOf` and `@ts-expect-error` lines are checked by
 * `tsc --noEmit -p .`; the runtime `expect`s check that the values are what
 * their types say.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  action,
  categorical,
  deterministic,
  exact,
  horizon,
  importance,
  infer,
  isBeliefPosterior,
  isGaussianPosterior,
  isLqgPosterior,
  linearObservation,
  linearGaussian,
  model,
  observation,
  optimality,
  quadratic,
  state,
  temperature,
  transition,
  uniform,
} from '../src/index.js';
import type { BeliefPosterior, GaussianPosterior, LqgPosterior, ImportancePosterior, Model, Posterior } from '../src/index.js';

type Door = 'l' | 'r';
type Act = 'listen' | 'open';
const doors: Door[] = ['l', 'r'];
const acts: Act[] = ['listen', 'open'];
const hear = (s: Door, a: Act) => (a === 'listen' ? categorical([[s, 0.85], [s === 'l' ? 'r' : 'l', 0.15]]) : uniform(doors));

const tiger = model(
  state('door', doors),
  action('act', acts),
  transition((s) => deterministic(s)),
  optimality((s, a) => (a === 'listen' ? -1 : s === 'l' ? 10 : -100)),
  observation(hear),
  horizon(2),
);
/** The third parameter of a model type. */
type StructureOfModel<M> = M extends Model<unknown, unknown, infer X> ? X : never;

const fullyObserved = model(state('door', doors), action('act', acts), transition((s) => deterministic(s)), optimality((s, a) => (a === 'listen' ? -1 : s === 'l' ? 10 : -100)), horizon(2));
const lqr = model(state.simulated('x', { initial: [1] }), action.continuous('u', 1), linearGaussian({ A: 1, B: 1, W: 0.5 }), quadratic({ Q: 1, R: 1 }), temperature(0.5), horizon(3));

describe('the model type names its structure', () => {
  it('an observation part makes a Model<S, A, "belief">, a continuous action a Model<S, A, "gaussian">, anything else leaves it unknown', () => {
    expectTypeOf(tiger).toEqualTypeOf<Model<Door, Act, 'belief'>>();
    expectTypeOf<StructureOfModel<typeof lqr>>().toEqualTypeOf<'gaussian'>();
    expectTypeOf(fullyObserved).toEqualTypeOf<Model<Door, Act>>();
    expectTypeOf<StructureOfModel<typeof fullyObserved>>().toEqualTypeOf<unknown>();
    // Still a model wherever a model is taken.
    expectTypeOf(tiger).toMatchTypeOf<Model<Door, Act>>();
  });
});

describe('infer(model, exact()) is typed by the kernel', () => {
  it('a POMDP gives a BeliefPosterior, and it is one', () => {
    const post = infer(tiger, exact({ backup: 'fixed-dynamics' }));
    expectTypeOf(post).toEqualTypeOf<BeliefPosterior<Door, Act>>();
    expect(isBeliefPosterior(post)).toBe(true);
    expect(post.kind).toBe('belief-posterior');
    // A belief posterior answers by history; it has no state-indexed policy table.
    // @ts-expect-error — policyTable is a tabular posterior's, not a belief posterior's
    void post.policyTable;
  });

  it('a linear-Gaussian model gives a GaussianPosterior, and it is one', () => {
    const post = infer(lqr, exact());
    expectTypeOf(post).toEqualTypeOf<GaussianPosterior>();
    expect(isGaussianPosterior(post)).toBe(true);
    expect(post.kind).toBe('linear-gaussian');
  });

  it('a linear-Gaussian model observed through linearObservation gives an LqgPosterior, and it is one', () => {
    const lqg = model(state.simulated('x', { initial: [1] }), action.continuous('u', 1), linearGaussian({ A: 1, B: 1, W: 0.5 }), quadratic({ Q: 1, R: 1 }), linearObservation({ C: [[1]], V: [[0.1]] }), temperature(0.5), horizon(3));
    expectTypeOf<StructureOfModel<typeof lqg>>().toEqualTypeOf<'lqg'>();
    const post = infer(lqg, exact({ backup: 'fixed-dynamics' }));
    expectTypeOf(post).toEqualTypeOf<LqgPosterior>();
    expect(isLqgPosterior(post)).toBe(true);
  });

  it('a fully observed model gives a Posterior, as before; other engines keep their own types', () => {
    const post = infer(fullyObserved, exact());
    expectTypeOf(post).toEqualTypeOf<Posterior<Door, Act, 'tables'>>();
    expect(post.policy(0, 'l').probs).toHaveLength(2);
    expectTypeOf(infer(fullyObserved, importance({ particles: 10, seed: 1 }))).toEqualTypeOf<ImportancePosterior<Door, Act>>();
  });

  it('with the types written out (model<S, A>(...)) the structure is not read, and infer() gives a Posterior', () => {
    const written = model<Door, Act>(state('door', doors), action('act', acts), transition((s: Door) => deterministic(s)), optimality(() => 0), observation(hear), horizon(2));
    expectTypeOf(infer(written, exact())).toEqualTypeOf<Posterior<Door, Act, 'tables'>>();
  });
});
