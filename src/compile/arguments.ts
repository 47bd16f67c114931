/**
 * Arguments of the public entry points, checked before they are used: a
 * JavaScript caller (or a TypeScript one with a cast) can pass anything, and
 * "Cannot read properties of null" names neither the call nor the fix.
 * Every refusal is a CaiError with code `argument-invalid`.
 */
import { checkModelParts } from '../dsl/model.js';
import { fail, isThenable, show } from '../errors.js';

const PART_KINDS = new Set(['state', 'simulated-state', 'action', 'transition', 'optimality', 'terminal', 'temperature', 'horizon', 'discount']);

/** What a wrong argument is, in a few words: `null`, `'exact'`, `a horizon(T) part`, `a Promise`. */
export function describeArgument(value: unknown): string {
  if (isThenable(value)) return 'a Promise';
  if (typeof value === 'object' && value !== null) {
    let kind: unknown;
    try {
      kind = (value as { kind?: unknown }).kind;
    } catch {
      return 'an object that cannot be read';
    }
    if (typeof kind === 'string' && PART_KINDS.has(kind)) return `a ${kind}(…) part, not a whole model`;
    if (kind === 'model') return 'a model';
    if (kind === 'factor-graph') return 'a compiled factor graph';
  }
  return show(value);
}

function kindOf(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return undefined;
  try {
    return (value as { kind?: unknown }).kind;
  } catch {
    return undefined;
  }
}

function promiseHint(value: unknown): string {
  return isThenable(value) ? ' (await it first)' : '';
}

/** `value` is what model(...) returns: `{ kind: 'model', parts }`. */
export function requireModel(where: string, value: unknown): void {
  if (kindOf(value) === 'model' && Array.isArray((value as { parts?: unknown }).parts)) {
    // Cheap (no function of the model is called): a hand-made { kind: 'model', parts } gets model()'s checks.
    checkModelParts((value as { parts: readonly unknown[] }).parts);
    return;
  }
  fail({
    code: 'argument-invalid',
    part: where,
    message: `${where}: expected a model, got ${describeArgument(value)}${promiseHint(value)}; build one with model(state(...), action(...), transition(...), optimality(...), horizon(T))`,
  });
}

/** A model, or a graph compile() / compileModel() made from one. */
export function requireModelOrGraph(where: string, value: unknown): void {
  const kind = kindOf(value);
  if (kind === 'factor-graph' || kind === 'simulator') return;
  if (kind === 'model' && Array.isArray((value as { parts?: unknown }).parts)) {
    checkModelParts((value as { parts: readonly unknown[] }).parts);
    return;
  }
  fail({
    code: 'argument-invalid',
    part: where,
    message: `${where}: expected a model (or compile(model)), got ${describeArgument(value)}${promiseHint(value)}; build one with model(state(...), action(...), transition(...), optimality(...), horizon(T))`,
  });
}

/** An engine value, what exact(), importance(), variational() … return. */
export function requireEngine(where: string, value: unknown): void {
  if (typeof value === 'object' && value !== null) {
    try {
      if (typeof (value as { run?: unknown }).run === 'function' && typeof (value as { name?: unknown }).name === 'string') return;
    } catch {
      // an unreadable object is refused below
    }
  }
  const named = typeof value === 'string' ? ` (call it: ${value}())` : '';
  fail({
    code: 'argument-invalid',
    part: where,
    message: `${where}: expected an engine, got ${describeArgument(value)}${named}; pass one such as exact(), importance({ particles: 1000 }) or variational()`,
  });
}

/** A posterior, what infer() returns. */
export function requirePosterior(where: string, value: unknown): void {
  if (typeof value === 'object' && value !== null) {
    try {
      const p = value as { graph?: unknown; policy?: unknown; engine?: unknown };
      if (typeof p.policy === 'function' && typeof p.graph === 'object' && p.graph !== null && typeof p.engine === 'string') return;
    } catch {
      // refused below
    }
  }
  fail({
    code: 'argument-invalid',
    part: where,
    message: `${where}: expected a posterior, got ${describeArgument(value)}${promiseHint(value)}; pass what infer(model, engine) returns`,
  });
}

/** The options of sample(n, { seed, steps }): draws are seeded, so the options are required. */
export function requireSampleOptions(value: unknown): { readonly seed: number | string; readonly steps?: number } {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as { seed: number | string; steps?: number };
  return fail({
    code: 'argument-invalid',
    part: 'sample',
    message: `sample: expected options { seed } as the second argument, got ${describeArgument(value)}; every draw is seeded so that runs repeat — e.g. sample(3, { seed: 0 })`,
  });
}

/** A trajectory `{ states, actions }` as sample() returns. */
export function requireTrajectory(where: string, value: unknown): void {
  if (typeof value === 'object' && value !== null) {
    try {
      const τ = value as { states?: unknown; actions?: unknown };
      if (Array.isArray(τ.states) && Array.isArray(τ.actions)) return;
    } catch {
      // refused below
    }
  }
  fail({
    code: 'argument-invalid',
    part: where,
    message: `${where}: expected a trajectory { states, actions } (as sample() returns), got ${describeArgument(value)}`,
  });
}
