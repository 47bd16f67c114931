/**
 * Catalogue rows E700–E729 (issue 14's bundle target: exact()'s kernel
 * dispatch and its options), kept in their own file and spread into
 * MALFORMED so that parallel edits to the main catalogue do not collide.
 */
import { action, categorical, compile, deterministic, evaluate, exact, horizon, infer, model, observation, optimality, state, transition, uniform } from '../../src/index.js';
import type { FactorGraph, Part } from '../../src/index.js';
import { corridor } from './corridor.js';
import type { MalformedInput } from './malformed.js';

type D = 'l' | 'r';
type K = 'listen' | 'open';
const door = (...more: Part<D, K>[]) =>
  model<D, K>(
    state('door', ['l', 'r'] as D[]),
    action('act', ['listen', 'open'] as K[]),
    transition((s: D) => deterministic(s)),
    optimality((s: D, a: K) => (a === 'listen' ? -1 : s === 'l' ? 10 : -10)),
    horizon(2),
    ...more,
  );
const hear = observation((s: D, a: K) => (a === 'listen' ? categorical([[s, 0.8], [s === 'l' ? 'r' : 'l', 0.2]]) : uniform(['l', 'r'])));

export const MALFORMED_KERNELS: readonly MalformedInput[] = [
  { id: 'E700', input: 'exact() with backup: null', run: () => exact({ backup: null as never }), code: 'option-invalid', message: "exact(): backup must be 'posterior', 'fixed-dynamics', 'boltzmann' or 'expected-utility', got null" },
  { id: 'E701', input: 'exact() with tolerance: null', run: () => exact({ tolerance: null as never }), code: 'option-invalid', message: 'exact(): tolerance must be a positive number, got null' },
  { id: 'E702', input: 'exact() with maxIterations: null', run: () => exact({ maxIterations: null as never }), code: 'option-invalid', message: 'exact(): maxIterations must be a positive integer, got null' },
  { id: 'E703', input: 'exact() with mergeTolerance: null', run: () => exact({ mergeTolerance: null as never }), code: 'option-invalid', message: 'exact(): mergeTolerance must be a number in (0, 0.5), got null' },
  { id: 'E704', input: 'exact() with maxBeliefs: null', run: () => exact({ maxBeliefs: null as never }), code: 'option-invalid', message: 'exact(): maxBeliefs must be a positive integer, got null' },
  { id: 'E705', input: 'exact() with beliefPoints: null', run: () => exact({ beliefPoints: null as never }), code: 'option-invalid', message: 'exact(): beliefPoints must be a positive integer, got null' },
  { id: 'E706', input: "a fully observed graph given a POMDP's kernel", run: () => infer({ ...compile(corridor()), kernel: compile(door(hear)).kernel } as FactorGraph, exact()), code: 'argument-invalid', message: "exact(): the 'factor-graph' graph carries the kernel 'belief', which does not solve it; expected the graph compile() made from the model. Pass the model itself to infer()" },
  { id: 'E707', input: "a POMDP's graph evaluated without its kernel", run: () => evaluate({ ...compile(door(hear)), kernel: undefined } as FactorGraph<D, K>, { belief: () => deterministic<K>('listen') }), code: 'argument-invalid', message: 'evaluate(): the graph has observation tables but carries no belief kernel (kernel is undefined); expected the graph compile() made from a model with an observation(...) part. Pass the model itself' },
  { id: 'E708', input: 'a hand-made observation part without its compile stage', run: () => door({ kind: 'observation', emit: () => deterministic('l') } as never), code: 'missing-part', message: "model(): {kind:'observation',emit:a function} is not a model part; build parts with state(), action(), transition(), optimality(), horizon() …" },
  { id: 'E709', input: "a POMDP's graph solved without its kernel", run: () => infer({ ...compile(door(hear)), kernel: undefined } as FactorGraph<D, K>, exact()), code: 'argument-invalid', message: "exact(): the 'factor-graph' graph carries the kernel undefined, which does not solve it; expected the graph compile() made from the model. Pass the model itself to infer()" },
];
