/**
 * A grammar of hostile inputs for test/hostile-suite.test.ts (issue 13): a
 * small model, an engine and a call, with one or more slots replaced by a bad
 * value — NaN, ±Infinity, −0, 1e±308, huge and empty arrays, holes, Proxies,
 * Promises, symbols, boxed numbers, `__proto__`/`constructor` names,
 * non-deterministic and throwing functions — and `judge`, which runs one
 * input and says what happened: a CaiError with a catalogued code, a result
 * that equals the brute-force reference (exact engines; importance() with the
 * exact posterior as proposal) and has no NaN, or a failure (a raw error, a CaiError with an
 * uncatalogued code, a NaN, a wrong answer).
 *
 * Rewards of ±1e308 (whose sums overflow) and subnormal temperatures are in the
 * grammar: both must end in a catalogued refusal.
 */
import fc from 'fast-check';
import {
  action,
  CaiError,
  categorical,
  exact,
  horizon,
  importance,
  infer,
  inferReward,
  model,
  optimality,
  state,
  temperature,
  transition,
  type Distribution,
  type Part,
} from '../../src/index.js';
// Files and JSON text alike: the Node entry's loader (the root's takes text only).
import { loadDemonstrations } from '../../src/node/index.js';
import { bruteForce, fixedDynamicsReference } from '../../src/testing/index.js';

/** A hostile value with a label, made fresh for each use (Proxies and counters carry state). */
export interface Bad {
  readonly label: string;
  readonly make: () => unknown;
}
const bad = (label: string, make: () => unknown): Bad => ({ label, make });

const throwingProxy = () =>
  new Proxy(
    {},
    {
      get() {
        throw new Error('proxy get');
      },
      ownKeys() {
        throw new Error('proxy ownKeys');
      },
      getPrototypeOf() {
        throw new Error('proxy getPrototypeOf');
      },
    },
  );
const hostileObject = () => ({
  toString() {
    throw new Error('toString');
  },
  valueOf() {
    throw new Error('valueOf');
  },
});
const nestedValue = (depth: number): unknown => {
  let v: unknown = 0;
  for (let i = 0; i < depth; i++) v = [v];
  return v;
};
const cyclic = () => {
  const o: Record<string, unknown> = {};
  o['self'] = o;
  return o;
};
class Point {
  constructor(readonly x: number) {}
}

/** Numbers that are wrong somewhere: not finite, signed zero, extremes, subnormal. */
export const BAD_NUMBERS: readonly Bad[] = [NaN, Infinity, -Infinity, -0, 1e308, -1e308, 1e-308, 5e-324, 2.5, -1, 0].map((x) => bad(String(Object.is(x, -0) ? '-0' : x), () => x));

/** Values that are not numbers, or are numbers only in disguise. */
export const BAD_VALUES: readonly Bad[] = [
  ...BAD_NUMBERS,
  bad('undefined', () => undefined),
  bad('null', () => null),
  bad("''", () => ''),
  bad("'__proto__'", () => '__proto__'),
  bad("'constructor'", () => 'constructor'),
  bad('a symbol', () => Symbol('s')),
  bad('1n', () => 1n),
  bad('new Number(1)', () => new Number(1)),
  bad('a Promise', () => Promise.resolve(1)),
  bad('a throwing Proxy', throwingProxy),
  bad('a benign Proxy', () => new Proxy({ x: 1 }, {})),
  bad('an object whose toString throws', hostileObject),
  bad('a throwing getter', () => ({
    get x(): number {
      throw new Error('getter');
    },
  })),
  bad('a cyclic object', cyclic),
  bad('a class instance', () => new Point(1)),
  bad('a function', () => () => 0),
  bad('[] (empty)', () => []),
  bad('[0, , 2] (a hole)', () => [0, , 2]),
  bad('nested 10^4 deep', () => nestedValue(1e4)),
  bad("{ __proto__: 1 } as an own field", () => JSON.parse('{"__proto__": 1}')),
  bad('Object.create(null)', () => Object.create(null)),
];

/** Arrays for domains: holes, huge, empty, Proxies, and arrays holding a bad value. */
export const BAD_DOMAINS: readonly Bad[] = [
  bad('[] (empty)', () => []),
  bad('new Array(3)', () => new Array(3)),
  bad('[0, , 2]', () => [0, , 2]),
  bad('2^24 + 1 holes (huge)', () => new Array(2 ** 24 + 1)),
  bad('[0, 0] (a duplicate)', () => [0, 0]),
  bad('[0, -0] (a signed-zero duplicate)', () => [0, -0]),
  bad('a Proxy over [0, 1]', () => new Proxy([0, 1], {})),
  bad('a throwing Proxy', throwingProxy),
  bad("'01' (a string)", () => '01'),
  bad('a Promise', () => Promise.resolve([0, 1])),
  ...BAD_VALUES.map((v) => bad(`[0, ${v.label}]`, () => [0, v.make()])),
];

/** Names: the ones JavaScript objects already use, empty, and not strings at all. */
export const NAMES: readonly Bad[] = ['x', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', '', 'a"b\\', '→ü'].map((n) => bad(`'${n}'`, () => n)).concat([bad('a symbol', () => Symbol('n')), bad('null', () => null), bad('3', () => 3)]);

/** A function of the model (transition, reward, prior) that misbehaves. */
export interface BadFunction {
  readonly label: string;
  /** `good` is what a well-behaved function returns here. */
  readonly make: (good: (...args: never[]) => unknown) => (...args: never[]) => unknown;
}
const badFunction = (label: string, make: BadFunction['make']): BadFunction => ({ label, make });

export const BAD_FUNCTIONS: readonly BadFunction[] = [
  badFunction('well-behaved', (good) => good),
  badFunction('throws an Error', () => () => {
    throw new Error('boom');
  }),
  badFunction('throws an object whose toString throws', () => () => {
    throw hostileObject();
  }),
  badFunction('throws a string', () => () => {
    throw 'a string';
  }),
  badFunction('is async (returns a Promise)', (good) => async (...args: never[]) => good(...args)),
  badFunction('calls Math.random', (good) => (...args: never[]) => (Math.random() < 0.5 ? good(...args) : (good(...args) as number) - 1)),
  badFunction('answers differently on every call (a counter)', (good) => {
    let calls = 0;
    return (...args: never[]) => {
      const r = good(...args);
      return calls++ % 2 === 0 ? r : typeof r === 'number' ? r - 1 : r;
    };
  }),
  badFunction('reads t only at t = 1 (default parameter)', (good) => (s: never, a: never, t = 0) => (t === 1 ? -3 : good(s, a))),
  ...BAD_VALUES.map((v) => badFunction(`returns ${v.label}`, () => () => v.make())),
];

/** Hostile option objects for the engines. */
export const BAD_OPTIONS: readonly Bad[] = [
  bad('{}', () => ({})),
  bad('null', () => null),
  bad("'fast'", () => 'fast'),
  bad('{ __proto__ } (own)', () => JSON.parse('{"__proto__": {"particles": 1}}')),
  bad('{ constructor: 1 }', () => ({ constructor: 1 })),
  bad('a throwing Proxy', throwingProxy),
  ...BAD_VALUES.flatMap((v) => [...(v.label === '1e+308' ? [] : [bad(`{ particles: ${v.label} }`, () => ({ particles: v.make() }))]), bad(`{ seed: ${v.label} }`, () => ({ seed: v.make() })), bad(`{ backup: ${v.label} }`, () => ({ backup: v.make() }))]),
];

/** Demonstrations files as text. */
export const BAD_FILES: readonly Bad[] = [
  bad('BOM + valid', () => '\uFEFF{ "demonstrations": [[{ "state": 0, "action": "R" }]] }'),
  bad('valid bare array', () => '[[{ "state": 0, "action": "R" }, { "state": 1, "action": "R" }]]'),
  bad('empty', () => ''),
  bad('{}', () => '{}'),
  bad('[]', () => '[]'),
  bad('[[]]', () => '[[]]'),
  bad('NaN state', () => '[[{ "state": NaN, "action": "R" }]]'),
  bad('__proto__ step', () => '[[{ "__proto__": { "state": 0, "action": "R" } }]]'),
  bad('constructor step', () => '[[{ "state": 0, "action": "constructor" }]]'),
  bad('nested 5000 deep', () => `[[{ "state": ${'['.repeat(5000)}0${']'.repeat(5000)}, "action": "R" }]]`),
  bad('truncated', () => '[[{ "state": 0, "act'),
  bad('unknown state 1e308', () => '[[{ "state": 1e308, "action": "R" }]]'),
  bad('too long for the horizon', () => `[[${Array.from({ length: 5 }, () => '{ "state": 0, "action": "L" }').join(',')}]]`),
  bad('impossible step', () => '[[{ "state": 1, "action": "R" }, { "state": 0, "action": "R" }]]'),
];

/** One generated input: which slots are hostile, and which call runs. */
export interface HostileInput {
  readonly name: Bad | undefined;
  readonly domain: Bad | undefined;
  readonly initial: Bad | undefined;
  readonly transition: BadFunction;
  readonly reward: BadFunction;
  readonly prior: BadFunction | undefined;
  readonly alpha: Bad | undefined;
  readonly horizon: Bad | undefined;
  readonly engine: 'exact' | 'fixed-dynamics' | 'importance';
  readonly options: Bad | undefined;
  readonly file: Bad | undefined;
}

/** A slot that is hostile about once in `every` inputs (undefined: the well-behaved default). */
const sometimes = <T>(values: readonly T[], every: number): fc.Arbitrary<T | undefined> =>
  fc.oneof({ weight: every - 1, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom(...values) });
const usually = (values: readonly BadFunction[], every: number): fc.Arbitrary<BadFunction> =>
  fc.oneof({ weight: every - 1, arbitrary: fc.constant(values[0]!) }, { weight: 1, arbitrary: fc.constantFrom(...values) });

/** About one or two hostile slots per input, so that each fault is reached rather than masked by an earlier one. */
export const hostileInput: fc.Arbitrary<HostileInput> = fc.record({
  name: sometimes(NAMES, 8),
  domain: sometimes(BAD_DOMAINS, 6),
  initial: sometimes(BAD_VALUES, 8),
  transition: usually(BAD_FUNCTIONS, 4),
  // Rewards of ±1e308 whose sum over the horizon overflows are refused at compile time (reward-invalid).
  reward: usually(BAD_FUNCTIONS, 4),
  prior: sometimes(BAD_FUNCTIONS, 8),
  // α = 0 (or −0) is the hard-max limit, with no brute-force sum to compare to; a subnormal α is refused (temperature-invalid).
  alpha: sometimes([...BAD_NUMBERS.filter((b) => !['0', '-0'].includes(b.label)), bad('0.5', () => 0.5)], 8),
  horizon: sometimes(BAD_VALUES, 10),
  engine: fc.constantFrom('exact' as const, 'fixed-dynamics' as const, 'importance' as const),
  options: sometimes(BAD_OPTIONS, 8),
  file: sometimes(BAD_FILES, 8),
});

/** The input in words, for a failure message. */
export function describeInput(x: HostileInput): string {
  const parts = [
    x.name && `name ${x.name.label}`,
    x.domain && `domain ${x.domain.label}`,
    x.initial && `initial ${x.initial.label}`,
    x.transition.label !== 'well-behaved' && `transition ${x.transition.label}`,
    x.reward.label !== 'well-behaved' && `reward ${x.reward.label}`,
    x.prior && `prior ${x.prior.label}`,
    x.alpha && `α ${x.alpha.label}`,
    x.horizon && `horizon ${x.horizon.label}`,
    x.options && `options ${x.options.label}`,
    x.file && `file ${x.file.label}`,
  ].filter(Boolean);
  return `${x.engine}: ${parts.join('; ') || 'no hostile slot'}`;
}

/** What one input gave. */
export type Outcome =
  | { readonly kind: 'typed'; readonly code: string }
  | { readonly kind: 'right'; readonly what: string }
  | { readonly kind: 'failed'; readonly why: string };

/**
 * Build the model from the input and run the call. A CaiError must carry a
 * catalogued code; a result must have no NaN and, on exact engines, equal the
 * brute-force reference to 1e-10 (log p(O)) and 1e-12 (policy at t = 0).
 */
export function judge(x: HostileInput, catalogued: ReadonlySet<string>): Outcome {
  try {
    return run(x);
  } catch (error) {
    if (error instanceof CaiError) {
      if (!catalogued.has(error.code)) return { kind: 'failed', why: `CaiError with an uncatalogued code '${error.code}': ${error.message}` };
      for (const issue of error.issues) if (!catalogued.has(issue.code)) return { kind: 'failed', why: `an issue with an uncatalogued code '${issue.code}'` };
      if (typeof error.message !== 'string' || error.message.length === 0) return { kind: 'failed', why: 'a CaiError with no message' };
      return { kind: 'typed', code: error.code };
    }
    let text: string;
    try {
      text = String(error instanceof Error ? `${error.name}: ${error.message}` : typeof error);
    } catch {
      text = 'an unprintable throw';
    }
    return { kind: 'failed', why: `raw error: ${text}` };
  }
}

function run(x: HostileInput): Outcome {
  const name = x.name?.make() ?? 'x';
  const domain = x.domain?.make() ?? [0, 1, 2];
  const initial = x.initial?.make() ?? 0;
  const step = (s: number, a: string): Distribution<number> => categorical([[Math.min(2, Math.max(0, s + (a === 'R' ? 1 : -1))), 0.75], [s, 0.25]]);
  const reward = (s: number, a: string): number => (s === 2 ? 0 : -1) + (a === 'R' ? -0.5 : 0);
  const prior = (): Distribution<string> => categorical([['L', 0.4], ['R', 0.6]]);
  const parts: Part<number, string>[] = [
    state(name as string, domain as number[], { initial: initial as number }),
    action('a', ['L', 'R'], x.prior !== undefined ? { prior: x.prior.make(prior as never) as () => Distribution<string> } : {}),
    transition(x.transition.make(step as never) as typeof step),
    optimality(x.reward.make(reward as never) as typeof reward),
    horizon((x.horizon?.make() ?? 3) as number),
  ];
  if (x.alpha !== undefined) parts.push(temperature(x.alpha.make() as number));
  const m = model(...parts);
  const options = (x.options?.make() ?? {}) as Record<string, unknown>;
  if (x.file !== undefined) {
    const demos = loadDemonstrations(x.file.make() as string);
    const fit = inferReward(m as never, demos as never, { features: (s: number) => [s === 2 ? 1 : 0], steps: 3 });
    if (Array.from(fit.theta).some(Number.isNaN) || Number.isNaN(fit.logLikelihood)) return { kind: 'failed', why: `inferReward gave NaN: θ = ${Array.from(fit.theta)}` };
    return { kind: 'right', what: 'inferReward without NaN' };
  }
  // Hostile options go to the engine as they are (spreading a throwing Proxy here would throw in the test, not the library).
  const engine =
    x.engine === 'importance'
      ? importance((x.options !== undefined ? options : { particles: 64, seed: 1 }) as never)
      : exact((x.options !== undefined ? options : x.engine === 'fixed-dynamics' ? { backup: 'fixed-dynamics' } : {}) as never);
  const post = infer(m, engine);
  const s0 = post.graph.kind === 'factor-graph' ? post.graph.states.values.find((_, i) => post.graph.kind === 'factor-graph' && post.graph.initial[i]! > 0) : initial;
  const logZ = post.logEvidence;
  if (Number.isNaN(logZ)) return { kind: 'failed', why: 'log p(O) is NaN' };
  let pi: readonly number[] | undefined;
  try {
    pi = post.policy(0, s0 as number).probs;
  } catch (error) {
    if (!(error instanceof CaiError)) throw error;
  }
  if (pi !== undefined && pi.some(Number.isNaN)) return { kind: 'failed', why: `π_0 has NaN: ${pi}` };
  if (x.engine === 'importance') {
    // A reference the estimate must equal: with the exact posterior as proposal every weight is
    // equal and Ẑ = Z (docs/reliability.md, promise 13), checked against brute force.
    if (x.options !== undefined || post.graph.kind !== 'factor-graph' || !(post.graph.alpha > 0)) return { kind: 'right', what: 'importance without NaN' };
    const brute = bruteForce(m);
    if (brute.logZ === -Infinity) return { kind: 'right', what: 'importance without NaN' };
    const guided = infer(m, importance({ particles: 64, seed: 1, proposal: infer(m, exact()) })).logEvidence;
    if (!(Math.abs(guided - brute.logZ) <= 1e-10 * (1 + Math.abs(brute.logZ)))) return { kind: 'failed', why: `importance with the exact proposal gave ${guided}, brute force ${brute.logZ}` };
    return { kind: 'right', what: 'importance (exact proposal) equals brute force' };
  }
  // References from src/testing, independent of the engines: brute-force enumeration for the
  // posterior backup, the plain-loop recursion for fixed dynamics.
  // (The backup the engine settled on: options such as { backup: null } fall back to the default.)
  const backup = (engine as { options?: { backup?: string } }).options?.backup;
  const brute = backup === 'fixed-dynamics' ? fixedDynamicsReference(m) : bruteForce(m);
  const close = (a: number, b: number, tol: number) => a === b || Math.abs(a - b) <= tol * (1 + Math.abs(b));
  if (!close(logZ, brute.logEvidence, 1e-10)) return { kind: 'failed', why: `log p(O) ${logZ} but the reference ${brute.logEvidence}` };
  if (post.graph.kind === 'factor-graph') {
    const table = post.policyTable(0);
    const reference = brute.policyTable(0);
    for (let i = 0; i < table.length; i++) if (!close(table[i]!, reference[i]!, 1e-12)) return { kind: 'failed', why: `π_0 entry ${i}: ${table[i]} but brute force ${reference[i]}` };
  }
  return { kind: 'right', what: `exact(${backup}) equals its reference` };
}

/** What calling every exported function with hostile arguments gave. */
export interface EntryPointScan {
  readonly calls: number;
  readonly typed: number;
  /** The caller's own exception (a Proxy trap that throws) passed through unchanged. */
  readonly passedThrough: number;
  /** Anything else thrown that is not a CaiError with a catalogued code: the bugs this looks for. */
  readonly raw: readonly string[];
}

/**
 * Every exported function of the package called with hostile arguments: a bad
 * value first; a well-formed model first and a bad value second; a posterior
 * first and a bad value second. A function may return (constructors such as
 * deterministic(NaN) do not judge; compile() does) or throw a CaiError with a
 * catalogued code; a throwing Proxy's own error may pass through.
 */
export function scanEntryPoints(api: Readonly<Record<string, unknown>>, model: unknown, posterior: unknown, catalogued: ReadonlySet<string>): EntryPointScan {
  const raw: string[] = [];
  let calls = 0;
  let typed = 0;
  let passedThrough = 0;
  for (const [name, f] of Object.entries(api)) {
    if (typeof f !== 'function' || /^[A-Z]/.test(name)) continue;
    const lists: [string, () => unknown[]][] = BAD_VALUES.flatMap((v) => [
      [`${name}(${v.label})`, () => [v.make()]],
      [`${name}(model, ${v.label})`, () => [model, v.make()]],
      [`${name}(posterior, ${v.label})`, () => [posterior, v.make()]],
    ]);
    for (const [label, args] of lists) {
      calls++;
      try {
        const result = (f as (...a: unknown[]) => unknown)(...args());
        // An async function's refusal arrives later; it is a CaiError too or it is reported.
        if (result instanceof Promise) result.catch(() => undefined);
      } catch (error) {
        if (error instanceof CaiError && catalogued.has(error.code)) typed++;
        else if (error instanceof Error && /^proxy (get|ownKeys|getPrototypeOf)$/.test(error.message)) passedThrough++;
        else raw.push(`${label}: ${error instanceof Error ? `${error.name}: ${error.message}` : typeof error}`.slice(0, 200));
      }
    }
  }
  return { calls, typed, passedThrough, raw };
}
