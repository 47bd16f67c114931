/**
 * `model(...parts)` and `extend(model, ...parts)`: assemble parts into an
 * immutable model and check the whole (what is missing, what is repeated,
 * what contradicts). Every fault found is reported in one error.
 */
import { freeze } from './freeze.js';
import { unhandled } from './exhaustive.js';
import { fail, IssueList, show } from '../errors.js';
import type { ActionOf, ExplicitPart, ModelArgument, StateOf, StructureOf } from '../types/infer-model.js';
import type { Model, Part, PartKind } from '../types/model.js';

/** Kinds a model may hold at most once. */
const SINGLE: readonly PartKind[] = ['action', 'continuous-action', 'temperature', 'horizon', 'discount', 'observation'];

/** The fix for each part a model must have (a record over exactly these kinds, so none can be left out). */
const MISSING_FIX: Readonly<Record<'state' | 'action' | 'transition' | 'optimality', string>> = {
  state: 'a model needs a state variable',
  action: 'a model needs an action variable',
  transition: 'give transition((s, a) => distribution)',
  optimality: 'give optimality(r); for a pure prior use optimality(() => 0)',
};

const CALL: Record<PartKind, string> = {
  state: 'state(...)',
  'simulated-state': 'state.simulated(...)',
  action: 'action(...)',
  'continuous-action': 'action.continuous(...)',
  transition: 'transition(...)',
  optimality: 'optimality(...)',
  terminal: 'optimality.terminal(...)',
  temperature: 'temperature(α)',
  horizon: 'horizon(T)',
  discount: 'discount(γ)',
  observation: 'observation(...)',
};

/**
 * A model from its parts, in any order. Its state type S and action type A
 * are read off the `state` and `action` parts: the domain's value type
 * (widened: `state('cell', [0, 1, 2])` is `number`), a record
 * `{ [name]: value }` when several `state` parts make a factored state, and
 * the union of the listed actions (`action('move', ['left', 'right'])` is
 * `'left' | 'right'`). The callbacks of the parts that come after them —
 * `transition`, `optimality`, `optimality.terminal` — get `s: S` and `a: A`
 * without annotations, and a callback written for another state type does
 * not compile. Up to 16 parts are typed this way; with more, or with an
 * array spread into the call, S and A come from the parts' own types — give
 * them where that is not enough: `model<S, A>(...parts)`.
 * @example
 * const m = model(state('cell', cells, { initial: start }), action('move', moves),
 *                 transition(step), optimality(reward), horizon(20));
 */
export function model<P1, P2, P3, P4 = never, P5 = never, P6 = never, P7 = never, P8 = never, P9 = never, P10 = never, P11 = never, P12 = never, P13 = never, P14 = never, P15 = never, P16 = never>(
  p1: ModelArgument<P1, P1 | P2 | P3 | P4 | P5 | P6 | P7 | P8 | P9 | P10 | P11 | P12 | P13 | P14 | P15 | P16>,
  p2: ModelArgument<P2, P1 | P2 | P3 | P4 | P5 | P6 | P7 | P8 | P9 | P10 | P11 | P12 | P13 | P14 | P15 | P16>,
  p3: ModelArgument<P3, P1 | P2 | P3 | P4 | P5 | P6 | P7 | P8 | P9 | P10 | P11 | P12 | P13 | P14 | P15 | P16>,
  p4?: ModelArgument<P4, P1 | P2 | P3 | P4 | P5 | P6 | P7 | P8 | P9 | P10 | P11 | P12 | P13 | P14 | P15 | P16>,
  p5?: ModelArgument<P5, P1 | P2 | P3 | P4 | P5 | P6 | P7 | P8 | P9 | P10 | P11 | P12 | P13 | P14 | P15 | P16>,
  p6?: ModelArgument<P6, P1 | P2 | P3 | P4 | P5 | P6 | P7 | P8 | P9 | P10 | P11 | P12 | P13 | P14 | P15 | P16>,
  p7?: ModelArgument<P7, P1 | P2 | P3 | P4 | P5 | P6 | P7 | P8 | P9 | P10 | P11 | P12 | P13 | P14 | P15 | P16>,
  p8?: ModelArgument<P8, P1 | P2 | P3 | P4 | P5 | P6 | P7 | P8 | P9 | P10 | P11 | P12 | P13 | P14 | P15 | P16>,
  p9?: ModelArgument<P9, P1 | P2 | P3 | P4 | P5 | P6 | P7 | P8 | P9 | P10 | P11 | P12 | P13 | P14 | P15 | P16>,
  p10?: ModelArgument<P10, P1 | P2 | P3 | P4 | P5 | P6 | P7 | P8 | P9 | P10 | P11 | P12 | P13 | P14 | P15 | P16>,
  p11?: ModelArgument<P11, P1 | P2 | P3 | P4 | P5 | P6 | P7 | P8 | P9 | P10 | P11 | P12 | P13 | P14 | P15 | P16>,
  p12?: ModelArgument<P12, P1 | P2 | P3 | P4 | P5 | P6 | P7 | P8 | P9 | P10 | P11 | P12 | P13 | P14 | P15 | P16>,
  p13?: ModelArgument<P13, P1 | P2 | P3 | P4 | P5 | P6 | P7 | P8 | P9 | P10 | P11 | P12 | P13 | P14 | P15 | P16>,
  p14?: ModelArgument<P14, P1 | P2 | P3 | P4 | P5 | P6 | P7 | P8 | P9 | P10 | P11 | P12 | P13 | P14 | P15 | P16>,
  p15?: ModelArgument<P15, P1 | P2 | P3 | P4 | P5 | P6 | P7 | P8 | P9 | P10 | P11 | P12 | P13 | P14 | P15 | P16>,
  p16?: ModelArgument<P16, P1 | P2 | P3 | P4 | P5 | P6 | P7 | P8 | P9 | P10 | P11 | P12 | P13 | P14 | P15 | P16>,
): Model<StateOf<P1 | P2 | P3 | P4 | P5 | P6 | P7 | P8 | P9 | P10 | P11 | P12 | P13 | P14 | P15 | P16>, ActionOf<P1 | P2 | P3 | P4 | P5 | P6 | P7 | P8 | P9 | P10 | P11 | P12 | P13 | P14 | P15 | P16>, StructureOf<P1 | P2 | P3 | P4 | P5 | P6 | P7 | P8 | P9 | P10 | P11 | P12 | P13 | P14 | P15 | P16>>;
/**
 * A model with its state and action types given: `model<Cell, Move>(...parts)`.
 * Any number of parts, arrays spread in included.
 */
export function model<S, A>(...parts: readonly ExplicitPart<S, A>[]): Model<S, A>;
export function model(...parts: readonly Part[]): Model<unknown, unknown> {
  validateModel(parts);
  return freeze({ kind: 'model' as const, parts: [...parts] }, true) as Model<unknown, unknown>;
}

/**
 * A new model with more parts (the original is unchanged). Parts of a kind that
 * must be single (action, temperature, horizon, discount) replace the old one;
 * `optimality` parts add to the reward.
 * @example extend(gridworld, horizon(50), optimality(bonus))
 */
export function extend<S, A>(base: Model<S, A>, ...parts: readonly Part<S, A>[]): Model<S, A> {
  // (Checked here rather than with compile/arguments.ts, which imports this module.)
  if (typeof base !== 'object' || base === null || (base as { kind?: unknown }).kind !== 'model' || !Array.isArray((base as { parts?: unknown }).parts)) {
    fail({ code: 'argument-invalid', part: 'extend()', message: `extend(): expected a model, got ${show(base)}; build one with model(state(...), action(...), transition(...), optimality(...), horizon(T))` });
  }
  const added = parts as readonly Part[];
  checkAreParts(added);
  const replaced = new Set(added.filter((p) => SINGLE.includes(p.kind)).map((p) => p.kind));
  // A new frozen model that shares the kept parts (they are frozen already); the base is unchanged.
  const kept = (base as Model<unknown, unknown>).parts.filter((p) => !replaced.has(p.kind));
  const next = freeze({ ...(base as Model<unknown, unknown>), parts: [...kept, ...added] }, true);
  validateModel(next.parts);
  return next as Model<S, A>;
}

/** Every element is a part: an object whose kind is one of CALL's own keys ('constructor' or '__proto__' are not kinds). */
function checkAreParts(parts: readonly unknown[]): void {
  for (const p of parts) {
    let kind: unknown;
    try {
      kind = typeof p === 'object' && p !== null ? (p as { kind?: unknown }).kind : undefined;
    } catch {
      kind = undefined;
    }
    if (typeof kind !== 'string' || !Object.prototype.hasOwnProperty.call(CALL, kind) || !wellFormed(kind as PartKind, p as Record<string, unknown>)) {
      fail({
        code: 'missing-part',
        part: 'model()',
        message: `model(): ${show(p)} is not a model part; build parts with state(), action(), transition(), optimality(), horizon() …`,
      });
    }
  }
}

/** The fields each kind of part has when a combinator made it (a hand-made part may lack them). */
function wellFormed(kind: PartKind, p: Record<string, unknown>): boolean {
  // Exhaustive: a new kind of part fails to build here until it is handled (exhaustive.ts).
  switch (kind) {
    case 'state':
    case 'action': return typeof p['name'] === 'string' && Array.isArray(p['domain']);
    case 'simulated-state': return typeof p['name'] === 'string';
    case 'transition': return typeof p['next'] === 'function';
    case 'optimality':
    case 'terminal': return typeof p['reward'] === 'function';
    case 'temperature': return typeof p['alpha'] === 'number';
    case 'horizon': return typeof p['steps'] === 'number';
    case 'discount': return typeof p['gamma'] === 'number';
    case 'observation': return typeof p['emit'] === 'function' && typeof p['compile'] === 'function';
    case 'continuous-action': return typeof p['name'] === 'string' && Number.isInteger(p['dimension']);
    default: return unhandled(kind);
  }
}

/**
 * Check a model value built outside model() — `{ kind: 'model', parts }` by hand,
 * or from another copy of the library — the way model() checks its parts.
 */
export function checkModelParts(parts: readonly unknown[]): void {
  validateModel(parts as readonly Part[]);
}

function validateModel(parts: readonly Part[]): void {
  const issues = new IssueList();
  // A simulated state is a state variable like any other for these checks.
  const count = (kind: PartKind) => parts.filter((p) => p.kind === kind || (kind === 'state' && p.kind === 'simulated-state') || (kind === 'action' && p.kind === 'continuous-action')).length;
  checkAreParts(parts);
  for (const kind of SINGLE) {
    if (count(kind) > 1) {
      issues.add({
        code: 'duplicate-part',
        part: 'model()',
        message: `model(): ${count(kind)} ${CALL[kind]} parts; a model takes one (use extend() to replace it)`,
      });
    }
  }
  for (const kind of ['state', 'action', 'transition', 'optimality'] as const) {
    if (count(kind) === 0) {
      const fix = MISSING_FIX[kind];
      issues.add({ code: 'missing-part', part: 'model()', message: `model(): no ${CALL[kind]} part; ${fix}` });
    }
  }
  const states = parts.flatMap((p) => (p.kind === 'state' || p.kind === 'simulated-state' ? [p] : []));
  const names = new Set<string>();
  for (const s of states) {
    if (names.has(s.name)) {
      issues.add({
        code: 'duplicate-part',
        part: `${s.kind === 'state' ? 'state' : 'state.simulated'}('${s.name}')`,
        message: `model(): two state('${s.name}') parts; each state variable needs its own name`,
      });
    }
    names.add(s.name);
  }
  // With a repeated state name the transition checks would only repeat that fault.
  if (names.size === states.length) checkTransitions(parts, states, issues);

  const horizonPart = parts.find((p) => p.kind === 'horizon');
  const discountPart = parts.find((p) => p.kind === 'discount');
  const infinite = horizonPart === undefined || horizonPart.steps === Infinity;
  if (horizonPart === undefined && discountPart === undefined) {
    issues.add({
      code: 'missing-part',
      part: 'model()',
      message: 'model(): give horizon(T) or discount(γ); without either the model has no length',
    });
  }
  if (horizonPart !== undefined && infinite && discountPart === undefined) {
    issues.add({
      code: 'discount-invalid',
      part: 'horizon',
      message: 'horizon: an infinite horizon needs discount(γ) with γ < 1; give discount(0.99), say, or a finite horizon(T)',
    });
  }
  if (infinite && discountPart !== undefined) {
    if (discountPart.gamma >= 1) {
      issues.add({
        code: 'discount-invalid',
        part: 'discount',
        message: `discount: γ must be in [0, 1) for an infinite horizon, got ${show(discountPart.gamma)}. Give horizon(T) to use γ = 1`,
      });
    }
    if (parts.some((p) => p.kind === 'terminal')) {
      issues.add({
        code: 'missing-part',
        part: 'optimality.terminal',
        message: 'optimality.terminal: a terminal reward needs a finite horizon; give horizon(T)',
      });
    }
    if (parts.some((p) => p.kind === 'optimality' && p.timeVarying)) {
      issues.add({
        code: 'time-reward-infinite',
        part: 'optimality',
        message: 'optimality: the reward reads t, but the model has an infinite horizon (discount without horizon); give horizon(T) or drop the t argument',
      });
    }
  }
  issues.throwIfAny();
}

function checkTransitions(parts: readonly Part[], states: readonly { readonly name: string }[], issues: IssueList): void {
  if (states.length === 0) return;
  const transitions = parts.flatMap((p) => (p.kind === 'transition' ? [p] : []));
  if (states.length === 1) {
    const name = states[0]!.name;
    for (const t of transitions) {
      if (t.variable !== undefined && t.variable !== name) {
        issues.add({
          code: 'transition-unknown-variable',
          part: `transition('${t.variable}')`,
          message: `transition('${t.variable}'): there is no state('${t.variable}'); the state variable is '${name}'`,
        });
      }
    }
    if (transitions.length > 1) {
      issues.add({
        code: 'transition-duplicate',
        part: 'transition',
        message: `transition for '${name}' is given ${transitions.length} times; give one`,
      });
    }
    return;
  }
  const names = states.map((s) => s.name);
  for (const t of transitions) {
    if (t.variable === undefined) {
      issues.add({
        code: 'transition-unknown-variable',
        part: 'transition',
        message: `transition: the state is factored (${names.map((n) => `'${n}'`).join(', ')}); name the variable it moves: transition('${names[0]}', (s, a) => …)`,
      });
    } else if (!names.includes(t.variable)) {
      issues.add({
        code: 'transition-unknown-variable',
        part: `transition('${t.variable}')`,
        message: `transition('${t.variable}'): there is no state('${t.variable}'); state variables are ${names.map((n) => `'${n}'`).join(', ')}`,
      });
    }
  }
  for (const name of names) {
    const n = transitions.filter((t) => t.variable === name).length;
    if (n === 0 && transitions.length > 0) {
      {
        issues.add({
          code: 'transition-missing',
          part: `transition('${name}')`,
          message: `transition for '${name}' is missing; give transition('${name}', (s, a) => distribution)`,
        });
      }
    }
    if (n > 1) {
      issues.add({
        code: 'transition-duplicate',
        part: `transition('${name}')`,
        message: `transition for '${name}' is given ${n} times; give one`,
      });
    }
  }
}
