/**
 * Catalogue rows E150–E199 (issue 13, "Hostile inputs"): values and calls a
 * careful attacker tries — holes, deep nesting, unreadable values, Promises,
 * boxed numbers, impure functions, wrong arguments at the public entry
 * points. Spread into MALFORMED (test/helpers/malformed.ts), so each is run
 * by test/errors-catalogue.test.ts and listed in docs/errors.md.
 *
 * "Impure" functions here are counters, not Math.random, so that each message
 * is the same on every run; test/hostile.test.ts checks Math.random itself.
 */
import {
  action,
  categorical,
  compile,
  deterministic,
  evaluate,
  exact,
  horizon,
  importance,
  infer,
  inferReward,
  model,
  optimality,
  particlesOf,
  state,
  transition,
  valueGrid,
  type Distribution,
  type Model,
} from '../../src/index.js';
import { factorGraphDot } from '../../src/viz/index.js';
import { corridor, type Cell, type Move } from './corridor.js';
import type { MalformedInput } from './malformed.js';

/** [[[…[0]…]]], `depth` arrays deep. */
export function nested(depth: number): unknown {
  let v: unknown = 0;
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

/** A two-state line: x ∈ {0, 1}, R moves right, L left; `r` and `next` replaceable. */
export function line(r: (x: number, a: string, t: number) => unknown = (x) => (x === 1 ? 0 : -1), next: (x: number, a: string) => unknown = (_x, a) => deterministic(a === 'R' ? 1 : 0)): Model<number, string> {
  return model(state('x', [0, 1], { initial: 0 }), action('a', ['L', 'R']), transition(next as (x: number, a: string) => Distribution<number>), optimality(r as (x: number, a: string, t: number) => number), horizon(3));
}

/** A function whose result alternates between two values on successive calls: impure, but the same on every run. */
function alternating<T>(even: T, odd: T): () => T {
  let calls = 0;
  return () => (calls++ % 2 === 0 ? even : odd);
}

const hostileThrow = () => {
  throw {
    toString() {
      throw new Error('toString refused');
    },
  };
};

export const HOSTILE: readonly MalformedInput[] = [
  // --- values -----------------------------------------------------------------------------
  { id: 'E150', input: 'a domain with a hole (`[0, , 2]`)', run: () => state('x', [0, , 2]), code: 'invalid-value', message: "state('x'): value at index 1 is a hole (a sparse array such as [0, , 2] or new Array(3)); values must be finite numbers, strings, booleans or records of them" },
  { id: 'E151', input: 'a domain value nested 10^5 deep', run: () => state('x', [nested(1e5)]), code: 'invalid-value', message: "state('x'): value at index 0 contains a value that is nested more than 64 levels deep; values must be finite numbers, strings, booleans or records of them" },
  { id: 'E152', input: 'a domain value whose getter throws', run: () => state('x', [{ get x(): number { throw new Error('no x'); } }]), code: 'invalid-value', message: "state('x'): value at index 0 cannot be read (reading it threw: no x); a Proxy or a getter is not a plain value; values must be finite numbers, strings, booleans or records of them" },
  { id: 'E153', input: 'a Proxy as a domain value', run: () => state('x', [new Proxy({ x: 1 }, {})]), code: 'invalid-value', message: "state('x'): a value cannot be copied (#<Object> could not be cloned.); values must be plain data — not a Proxy, nor an object with getters" },
  { id: 'E154', input: 'a transition that returns a Promise', run: () => compile(line(undefined, (x, a) => (x === 1 && a === 'R' ? Promise.resolve(deterministic(1)) : deterministic(a === 'R' ? 1 : 0)))), code: 'transition-not-distribution', message: "transition: from s=1 with a='R' it returned a Promise (an async function or one that returns a Promise; the model is read synchronously — return the value itself), not a distribution; return categorical([[value, p], …]), deterministic(value) or uniform(values)" },
  { id: 'E155', input: 'a reward that returns a Promise', run: () => compile(line((x, a) => (x === 1 && a === 'R' ? Promise.resolve(0) : -1))), code: 'reward-invalid', message: "optimality: r(s=1, a='R') is a Promise (an async function or one that returns a Promise; the model is read synchronously — return the value itself); rewards must be finite or −Infinity (a hard constraint)" },
  { id: 'E156', input: 'a reward of `new Number(1)`', run: () => compile(line((x, a) => (x === 1 && a === 'R' ? new Number(1) : -1))), code: 'reward-invalid', message: "optimality: r(s=1, a='R') is new Number(1) (a boxed number; return the primitive, e.g. Number(x)); rewards must be finite or −Infinity (a hard constraint)" },
  { id: 'E157', input: 'a thrown object whose `toString` throws', run: () => compile(line(undefined, (x, a) => (x === 1 && a === 'R' ? hostileThrow() : deterministic(a === 'R' ? 1 : 0)))), code: 'function-threw', message: "transition threw at s=1, a='R': {toString:a function} (a thrown value that is not an Error)" },
  // --- purity and t ------------------------------------------------------------------------
  {
    id: 'E158',
    input: 'a transition that gives a different answer when called again (e.g. Math.random)',
    run: () => {
      const coin = alternating(0, 1);
      return compile(line(undefined, () => deterministic(coin())));
    },
    code: 'non-deterministic',
    message: "transition: called again at s=0, a='L' it returned {1: 1} after {0: 1}; the model must be a pure function: compile() tabulates one call, so a Math.random draw would be frozen silently. List the outcomes with categorical([[value, p], …]) (or return sampler((random) => …) and use an engine that simulates). Note: the check called 4 of 4 (s, a) pairs 16 times each; randomness that shows only elsewhere or rarely goes unseen",
  },
  {
    id: 'E159',
    input: 'a reward that gives a different answer when called again',
    run: () => {
      const coin = alternating(0, -1);
      return compile(line(() => coin()));
    },
    code: 'non-deterministic',
    message: "optimality: r(s=0, a='L', t=0) is 0, then -1 when called again; the model must be a pure function: compile() tabulates one call, so a Math.random draw would be frozen silently. Make the reward a function of (s, a, t) only. Note: the check called 4 of 4 (s, a) pairs 16 times each; randomness that shows only elsewhere or rarely goes unseen",
  },
  {
    id: 'E160',
    input: 'an action prior function that gives a different answer when called again',
    run: () => {
      const coin = alternating(0.5, 0.25);
      return compile(model(state('x', [0, 1], { initial: 0 }), action('a', ['L', 'R'], { prior: () => { const p = coin(); return categorical([['L', p], ['R', 1 - p]]); } }), transition(() => deterministic(0)), optimality(() => 0), horizon(2)));
    },
    code: 'non-deterministic',
    message: "action('a'): the prior called again at s=0 returned {'L': 0.25, 'R': 0.75} after {'L': 0.5, 'R': 0.5}; the model must be a pure function: compile() tabulates one call, so a Math.random draw would be frozen silently. Give the probabilities with categorical([[action, p], …]). Note: the check called 2 of 2 states 16 times each; randomness that shows only elsewhere or rarely goes unseen",
  },
  { id: 'E161', input: 'a reward `(s, a, t = 0) => …` that reads t only at t = 1', run: () => compile(line((_x, _a, t = 0) => (t === 1 ? -100 : 0))), code: 'reward-reads-t', message: "optimality: r(s=0, a='L') is 0 at t=0 but -100 at t=1, yet the reward declares no t parameter, so it would be tabulated at t=0 only; declare it as (s, a, t) => … or pass optimality(r, { timeVarying: true })" },
  { id: 'E162', input: "`optimality(r, { timeVarying: 'false' })`", run: () => optimality(() => 0, { timeVarying: 'false' as unknown as boolean }), code: 'option-invalid', message: "optimality: timeVarying must be true or false, got 'false'; leave it out to read the reward's declared parameters" },
  // --- wrong arguments at the entry points -----------------------------------------------
  { id: 'E163', input: "`infer(m, 'exact')`", run: () => infer(corridor(), 'exact' as never), code: 'argument-invalid', message: "infer(): expected an engine, got 'exact' (call it: exact()); pass one such as exact(), importance({ particles: 1000 }) or variational()" },
  { id: 'E164', input: '`infer(m, {})`', run: () => infer(corridor(), {} as never), code: 'argument-invalid', message: "infer(): expected an engine, got {}; pass one such as exact(), importance({ particles: 1000 }) or variational()" },
  { id: 'E165', input: '`infer(m)` without an engine', run: () => infer(corridor(), undefined as never), code: 'argument-invalid', message: "infer(): expected an engine, got undefined; pass one such as exact(), importance({ particles: 1000 }) or variational()" },
  { id: 'E166', input: '`infer(null, exact())`', run: () => infer(null as never, exact()), code: 'argument-invalid', message: "infer(): expected a model (or compile(model)), got null; build one with model(state(...), action(...), transition(...), optimality(...), horizon(T))" },
  { id: 'E167', input: '`compile(null)`', run: () => compile(null as never), code: 'argument-invalid', message: "compile(): expected a model, got null; build one with model(state(...), action(...), transition(...), optimality(...), horizon(T))" },
  { id: 'E168', input: '`compile({})`', run: () => compile({} as never), code: 'argument-invalid', message: "compile(): expected a model, got {}; build one with model(state(...), action(...), transition(...), optimality(...), horizon(T))" },
  { id: 'E169', input: '`compile(horizon(3))`: a part, not a model', run: () => compile(horizon(3) as never), code: 'argument-invalid', message: "compile(): expected a model, got a horizon(…) part, not a whole model; build one with model(state(...), action(...), transition(...), optimality(...), horizon(T))" },
  { id: 'E170', input: '`post.sample(3)` without options', run: () => infer(corridor(), exact()).sample(3, undefined as never), code: 'argument-invalid', message: "sample: expected options { seed } as the second argument, got undefined; every draw is seeded so that runs repeat — e.g. sample(3, { seed: 0 })" },
  { id: 'E171', input: '`post.logProb(null)`', run: () => infer(corridor(), exact()).logProb(null as never), code: 'argument-invalid', message: "logProb: expected a trajectory { states, actions } (as sample() returns), got null" },
  { id: 'E172', input: "`evaluate(m, 'uniform')`", run: () => evaluate(corridor(), 'uniform' as never), code: 'argument-invalid', message: "evaluate(): expected a policy — a posterior, a function (s, t) => categorical([[action, p], …]), { table } or, for a POMDP, { belief } — got 'uniform'; for the uniform policy pass (s, t) => uniform(actions)" },
  { id: 'E173', input: '`factorGraphDot(model)` without compiling', run: () => factorGraphDot(corridor() as never), code: 'argument-invalid', message: "factorGraph: expected a compiled factor graph — got a model, not its compiled graph; pass compileModel(model) (or compile(model))" },
  { id: 'E174', input: '`inferReward({ initial: [1] })`: options where the model goes', run: () => inferReward({ initial: [1] } as never, [], undefined as never), code: 'argument-invalid', message: "inferReward(): expected a model, got {initial:[1]}; build one with model(state(...), action(...), transition(...), optimality(...), horizon(T))" },
  { id: 'E175', input: 'an initial θ of the wrong length', run: () => inferReward(corridor(), [[{ state: { x: 0, y: 0 }, action: 'E' }]], { features: (s: Cell) => [s.x, 1], initial: [1] }), code: 'option-invalid', message: "inferReward: initial must be 2 finite starting weights θ_0, one per feature of φ, got [1] (length 1)" },
  { id: 'E176', input: 'a proposal function that throws', run: () => infer(corridor(), importance({ particles: 10, proposal: () => { throw new Error('no proposal here'); } })), code: 'function-threw', message: "importance(): the proposal threw at t=0, s={x:0,y:0}: no proposal here" },
  {
    id: 'E177',
    input: 'a proposal posterior of another model',
    run: () => {
      const other = infer(model(state('cell', [{ x: 0, y: 0 }, { x: 2, y: 0 }], { initial: { x: 0, y: 0 } }), action('move', ['E', 'W'] as Move[]), transition((s: Cell) => deterministic(s)), optimality(() => 0), horizon(3)), exact());
      return infer(corridor(), importance({ particles: 10, proposal: other }));
    },
    code: 'option-invalid',
    message: "importance(): the proposal posterior (exact) belongs to another model — s={x:1,y:0}, a state this model reaches at t=1, is not one of its states; give a posterior of this model (or of one with the same states and actions)",
  },
  {
    id: 'E178',
    input: 'a `layout.cellOf` that throws',
    run: () => {
      const m = corridor({ state: state('cell', [{ x: 0, y: 0 }, { x: 1, y: 0 }], { initial: { x: 0, y: 0 }, layout: { width: 2, height: 1, cellOf: () => { throw new Error('no cell'); } } }) });
      const post = infer(m, exact());
      return valueGrid(post.graph, post.V(0));
    },
    code: 'function-threw',
    message: "state('cell'): layout.cellOf threw at s={x:0,y:0}: no cell",
  },
  { id: 'E179', input: 'a demonstration state nested 5 000 deep', run: () => inferReward(corridor(), [[{ state: nested(5000) as Cell, action: 'E' }]], { features: (s: Cell) => [s.x] }), code: 'demonstration-invalid', message: "irl: demonstration 0, step 0: state [[[[[[[…]]]]]]] is not a state of the model" },
  { id: 'E180', input: '`particlesOf` of a posterior with no particles', run: () => particlesOf(infer(corridor(), exact())), code: 'unsupported-query', message: "exact(): particlesOf(posterior) is not available: this posterior holds no weighted trajectories; use a posterior from importance(), or sample(n, { seed }) for draws" },
];

