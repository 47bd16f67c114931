/**
 * Malformed input → what the error says (RELIABILITY, hygiene 17): one test per
 * fault, each pinning the error's class, `code`, fields (`part`, `state`,
 * `action`, `t`), the number of issues and the full message text. A model with
 * several faults reports all of them in one error.
 */
import { describe, expect, it } from 'vitest';
import {
  action,
  CaiError,
  categorical,
  compile,
  deterministic,
  discount,
  evaluate,
  exact,
  extend,
  horizon,
  infer,
  model,
  optimality,
  probOf,
  state,
  temperature,
  transition,
  uniform,
  type Distribution,
  type ErrorCode,
  type Part,
} from '../src/index.js';
import { cells, corridor, corridorExceptAt, defaults, moves, type Cell, type Move } from './helpers/corridor.js';


// ---------------------------------------------------------------------------

/** The CaiError `run` throws; fails the test if it throws nothing or something else. */
function caught(run: () => unknown): CaiError {
  let error: unknown;
  try {
    run();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(CaiError);
  return error as CaiError;
}

interface Expected {
  code: ErrorCode;
  part?: string;
  state?: unknown;
  action?: unknown;
  t?: number;
  /** How many issues the error holds (1 unless given). */
  issues?: number;
  message: string;
}

/** Pin the error: class, code, every field (absent means undefined), issue count and full text. */
function expectError(run: () => unknown, expected: Expected): CaiError {
  const error = caught(run);
  const { message, issues = 1, ...fields } = expected;
  expect({ code: error.code, part: error.part, state: error.state, action: error.action, t: error.t }).toStrictEqual({
    part: undefined,
    state: undefined,
    action: undefined,
    t: undefined,
    ...fields,
  });
  expect(error.message).toBe(message);
  expect(error.issues).toHaveLength(issues);
  expect(error.name).toBe('CaiError');
  return error;
}

const codes = (error: CaiError) => error.issues.map((i) => i.code);

// ---------------------------------------------------------------------------

describe('transitions', () => {
  it('a row that sums to 1.2 names the state, the action and the sum', () => {
    const bad = corridorExceptAt(0, 'E', () =>
      categorical([
        [{ x: 1, y: 0 }, 0.8],
        [{ x: 0, y: 0 }, 0.4],
      ]),
    );
    expectError(() => compile(corridor({ transition: bad })), {
      code: 'probability-unnormalised',
      part: 'transition',
      state: { x: 0, y: 0 },
      action: 'E',
      message: "transition: p(·|s={x:0,y:0}, a='E') sums to 1.2; expected 1 ± 1e-9 (no silent renormalisation)",
    });
  });

  it('a row that sums to 0.9 is refused, not renormalised (the sum is shown rounded: 0.6 + 0.3 → 0.9)', () => {
    const bad = corridorExceptAt(1, 'W', () =>
      categorical([
        [{ x: 0, y: 0 }, 0.6],
        [{ x: 1, y: 0 }, 0.3],
      ]),
    );
    expectError(() => infer(corridor({ transition: bad }), exact()), {
      code: 'probability-unnormalised',
      part: 'transition',
      state: { x: 1, y: 0 },
      action: 'W',
      message: "transition: p(·|s={x:1,y:0}, a='W') sums to 0.9; expected 1 ± 1e-9 (no silent renormalisation)",
    });
  });

  it.each([
    [-0.1, '-0.1'],
    [NaN, 'NaN'],
    [Infinity, 'Infinity'],
  ])('a probability of %s is refused', (p, shown) => {
    const bad = corridorExceptAt(1, 'W', () =>
      categorical([
        [{ x: 0, y: 0 }, 1.1],
        [{ x: 1, y: 0 }, p],
      ]),
    );
    expectError(() => compile(corridor({ transition: bad })), {
      code: 'probability-invalid',
      part: 'transition',
      state: { x: 1, y: 0 },
      action: 'W',
      message: `transition: p(·|s={x:1,y:0}, a='W') gives probability ${shown} to {x:1,y:0}; probabilities must be finite and ≥ 0`,
    });
  });

  it('a successor outside the domain names where it came from (every such row is reported)', () => {
    const noWalls = transition((s: Cell, a: Move) => deterministic({ x: s.x + (a === 'E' ? 1 : -1), y: s.y }));
    const error = expectError(() => compile(corridor({ transition: noWalls })), {
      code: 'successor-unknown',
      part: 'transition',
      state: { x: 0, y: 0 },
      action: 'W',
      issues: 2,
      message: [
        "transition: from s={x:0,y:0} with a='W' it returned {x:-1,y:0}, which is not in state('cell')",
        "transition: from s={x:1,y:0} with a='E' it returned {x:2,y:0}, which is not in state('cell')",
      ].join('\n'),
    });
    expect(error.issues[1]).toMatchObject({ state: { x: 1, y: 0 }, action: 'E' });
  });

  it('a transition function that throws: the original message in the text, the original error as `cause`', () => {
    const original = new Error('wall lookup failed');
    const throwing = corridorExceptAt(1, 'W', () => {
      throw original;
    });
    const error = expectError(() => compile(corridor({ transition: throwing })), {
      code: 'function-threw',
      part: 'transition',
      state: { x: 1, y: 0 },
      action: 'W',
      message: "transition threw at s={x:1,y:0}, a='W': wall lookup failed",
    });
    expect(error.cause).toBe(original);
  });

  it('a transition that returns a state instead of a distribution', () => {
    const bare = corridorExceptAt(0, 'E', () => ({ x: 1, y: 0 }));
    expectError(() => compile(corridor({ transition: bare })), {
      code: 'transition-not-distribution',
      part: 'transition',
      state: { x: 0, y: 0 },
      action: 'E',
      message:
        "transition: from s={x:0,y:0} with a='E' it returned {x:1,y:0} (an object), not a distribution; return categorical([[value, p], …]), deterministic(value) or uniform(values)",
    });
  });

  it('a transition that returns nothing (a missing `return`)', () => {
    const silent = corridorExceptAt(0, 'E', () => undefined);
    expectError(() => compile(corridor({ transition: silent })), {
      code: 'transition-not-distribution',
      part: 'transition',
      state: { x: 0, y: 0 },
      action: 'E',
      message:
        "transition: from s={x:0,y:0} with a='E' it returned undefined (does the function return a value on every path?), not a distribution; return categorical([[value, p], …]), deterministic(value) or uniform(values)",
    });
  });
});

describe('rewards', () => {
  it.each([
    [NaN, 'NaN'],
    [Infinity, 'Infinity'],
    ['1', "'1' (a string)"],
    [undefined, 'undefined (does the function return a value on every path?)'],
  ])('a reward of %s is refused; −Infinity is the only infinity allowed', (r, shown) => {
    const reward = optimality((s: Cell, a: Move) => (s.x === 1 && a === 'E' ? (r as number) : -1));
    expectError(() => compile(corridor({ optimality: reward })), {
      code: 'reward-invalid',
      part: 'optimality',
      state: { x: 1, y: 0 },
      action: 'E',
      message: `optimality: r(s={x:1,y:0}, a='E') is ${shown}; rewards must be finite or −Infinity (a hard constraint)`,
    });
  });

  it('a time-varying reward names t', () => {
    const reward = optimality((s: Cell, a: Move, t: number) => (t === 1 && s.x === 0 && a === 'W' ? NaN : 0));
    expectError(() => compile(corridor({ optimality: reward })), {
      code: 'reward-invalid',
      part: 'optimality',
      state: { x: 0, y: 0 },
      action: 'W',
      t: 1,
      message: "optimality: r(s={x:0,y:0}, a='W', t=1) is NaN; rewards must be finite or −Infinity (a hard constraint)",
    });
  });

  it('a NaN terminal reward', () => {
    const terminal = optimality.terminal((s: Cell) => (s.x === 1 ? NaN : 0));
    expectError(() => compile(corridor({}, terminal)), {
      code: 'reward-invalid',
      part: 'optimality.terminal',
      state: { x: 1, y: 0 },
      message: 'optimality.terminal: r_T(s={x:1,y:0}) is NaN; rewards must be finite or −Infinity (a hard constraint)',
    });
  });

  it('a long horizon of faulty rewards lists 20 and counts the rest in one issue', () => {
    const reward = optimality((_s: Cell, _a: Move, t: number) => (t >= 0 ? NaN : 0));
    const error = caught(() => compile(corridor({ optimality: reward, horizon: horizon(100) })));
    expect(error.issues).toHaveLength(21);
    expect(error.issues[20]!.message).toBe('optimality: 380 more faulty rewards not listed (400 in all)');
    expect(error.message.split('\n').at(-1)).toBe('… and 13 more');
  });
});

describe('domains', () => {
  it('an empty domain', () => {
    expectError(() => state('cell', []), {
      code: 'empty-domain',
      part: "state('cell')",
      message: "state('cell'): the domain is empty; give at least one value",
    });
  });

  it('a value listed twice (compared by content, whatever the key order)', () => {
    expectError(() => state('cell', [{ x: 0, y: 0 }, { x: 1, y: 2 }, { x: 1, y: 0 }, { y: 2, x: 1 }]), {
      code: 'duplicate-value',
      part: "state('cell')",
      state: { x: 1, y: 2 },
      message: "state('cell'): value {y:2,x:1} appears twice (indices 1 and 3); each value must be listed once",
    });
  });

  const cyclic: Record<string, unknown> = { x: 0 };
  cyclic.self = cyclic;
  it.each([
    ['NaN', [0, 1, NaN], 2, 'is NaN'],
    ['a function', [0, () => 1], 1, 'is a function'],
    ['a cyclic object', [cyclic], 0, 'contains a value that is a cyclic object'],
    ['a class instance', [new Date(0)], 0, 'is a class instance'],
  ])('%s in a domain', (_name, domain, index, why) => {
    expectError(() => state('n', domain as unknown[]), {
      code: 'invalid-value',
      part: "state('n')",
      message: `state('n'): value at index ${index} ${why}; values must be finite numbers, strings, booleans or records of them`,
    });
  });

  it('every fault of a domain in one error', () => {
    const error = expectError(() => state('n', [NaN, 1, 1]), {
      code: 'invalid-value',
      part: "state('n')",
      issues: 2,
      message: [
        "state('n'): value at index 0 is NaN; values must be finite numbers, strings, booleans or records of them",
        "state('n'): value 1 appears twice (indices 1 and 2); each value must be listed once",
      ].join('\n'),
    });
    expect(codes(error)).toEqual(['invalid-value', 'duplicate-value']);
  });

  it('an initial value that is not in the domain', () => {
    const start = state('cell', cells, { initial: { x: 9, y: 9 } });
    expectError(() => compile(corridor({ state: start })), {
      code: 'initial-unknown',
      part: "state('cell')",
      state: { x: 9, y: 9 },
      message: "state('cell'): initial value {x:9,y:9} is not in the domain",
    });
  });

  it('an initial distribution that gives mass outside the domain', () => {
    const initial = categorical([
      [{ x: 0, y: 0 }, 0.5],
      [{ x: 9, y: 9 }, 0.5],
    ]);
    expectError(() => compile(corridor({ state: state('cell', cells, { initial }) })), {
      code: 'initial-unknown',
      part: "state('cell')",
      message: "state('cell'): the initial distribution gives mass to {x:9,y:9}, which is not in the domain",
    });
  });

  it('initial probabilities that sum to 0.9', () => {
    const initial = categorical([
      [{ x: 0, y: 0 }, 0.5],
      [{ x: 1, y: 0 }, 0.4],
    ]);
    expectError(() => compile(corridor({ state: state('cell', cells, { initial }) })), {
      code: 'initial-unnormalised',
      part: "state('cell')",
      message: "state('cell'): the initial distribution sums to 0.9; expected 1 ± 1e-9 (no silent renormalisation)",
    });
  });

  it('a negative initial probability', () => {
    const initial = categorical([
      [{ x: 0, y: 0 }, -0.5],
      [{ x: 1, y: 0 }, 1.5],
    ]);
    expectError(() => compile(corridor({ state: state('cell', cells, { initial }) })), {
      code: 'probability-invalid',
      part: "state('cell')",
      message: "state('cell'): the initial distribution gives probability -0.5 to {x:0,y:0}; probabilities must be finite and ≥ 0",
    });
  });
});

describe('actions', () => {
  it('no actions', () => {
    expectError(() => action('move', []), {
      code: 'empty-domain',
      part: "action('move')",
      message: "action('move'): the domain is empty; give at least one value",
    });
  });

  it('an action listed twice (the value is in the `action` field)', () => {
    expectError(() => action('move', ['N', 'S', 'N']), {
      code: 'duplicate-value',
      part: "action('move')",
      action: 'N',
      message: "action('move'): value 'N' appears twice (indices 0 and 2); each value must be listed once",
    });
  });

  it('a prior that sums to 0.9 is reported once, not at every state', () => {
    const prior = categorical<Move>([
      ['E', 0.5],
      ['W', 0.4],
    ]);
    expectError(() => compile(corridor({ action: action('move', moves, { prior }) })), {
      code: 'prior-unnormalised',
      part: "action('move')",
      state: { x: 0, y: 0 },
      message: "action('move'): the prior p(·|s={x:0,y:0}) sums to 0.9; expected 1 ± 1e-9 (no silent renormalisation)",
    });
  });

  it('a prior that gives 0 to every action at some state', () => {
    const prior = (s: Cell) =>
      s.x === 1
        ? categorical<Move>([
            ['E', 0],
            ['W', 0],
          ])
        : uniform(moves);
    expectError(() => compile(corridor({ action: action('move', moves, { prior }) })), {
      code: 'prior-zero',
      part: "action('move')",
      state: { x: 1, y: 0 },
      message:
        "action('move'): the prior gives 0 to every action at s={x:1,y:0}; every state needs at least one allowed action (use a −Infinity reward to forbid actions)",
    });
  });

  it('a prior that gives mass to an unknown action', () => {
    const prior = (s: Cell) => (s.x === 1 ? categorical([['N', 1]]) : uniform(moves));
    expectError(() => compile(corridor({ action: action('move', moves, { prior: prior as (s: Cell) => Distribution<Move> }) })), {
      code: 'unknown-action',
      part: "action('move')",
      state: { x: 1, y: 0 },
      message: "action('move'): at s={x:1,y:0} the prior gives mass to 'N', which is not in the action domain",
    });
  });

  it('a prior function that returns something other than a distribution', () => {
    const prior = (() => 'E') as unknown as (s: Cell) => Distribution<Move>;
    expectError(() => compile(corridor({ action: action('move', moves, { prior }) })), {
      code: 'transition-not-distribution',
      part: "action('move')",
      state: { x: 0, y: 0 },
      issues: 2,
      message: [
        "action('move'): the prior p(·|s={x:0,y:0}) is 'E' (a string), not a distribution; return categorical([[value, p], …]), deterministic(value) or uniform(values)",
        "action('move'): the prior p(·|s={x:1,y:0}) is 'E' (a string), not a distribution; return categorical([[value, p], …]), deterministic(value) or uniform(values)",
      ].join('\n'),
    });
  });

  it('a prior given as a plain record is refused by action() itself', () => {
    const prior = { E: 0.5, W: 0.5 } as unknown as Distribution<Move>;
    expectError(() => action('move', moves, { prior }), {
      code: 'option-invalid',
      part: "action('move')",
      message:
        "action('move'): prior must be a distribution or a function of the state, got {E:0.5,W:0.5}; e.g. { prior: categorical([['N', 0.7], ['S', 0.3]]) }",
    });
  });
});

describe('horizon, discount, temperature', () => {
  it.each([
    [0, '0'],
    [2.5, '2.5'],
    [NaN, 'NaN'],
  ])('horizon(%s)', (T, shown) => {
    expectError(() => horizon(T), {
      code: 'horizon-invalid',
      part: 'horizon',
      message: `horizon: expected a positive integer, got ${shown}. For an infinite horizon give horizon(Infinity) (or no horizon) with discount(γ)`,
    });
  });

  it('neither horizon nor discount', () => {
    expectError(() => corridor({ horizon: null }), {
      code: 'missing-part',
      part: 'model()',
      message: 'model(): give horizon(T) or discount(γ); without either the model has no length',
    });
  });

  it('γ = 1 with an infinite horizon (allowed with horizon(T))', () => {
    expectError(() => corridor({ horizon: discount(1) }), {
      code: 'discount-invalid',
      part: 'discount',
      message: 'discount: γ must be in [0, 1) for an infinite horizon, got 1. Give horizon(T) to use γ = 1',
    });
    expect(compile(corridor({}, discount(1))).gamma).toBe(1);
  });

  it.each([
    [1.5, '1.5'],
    [-0.5, '-0.5'],
    [NaN, 'NaN'],
  ])('discount(%s)', (gamma, shown) => {
    expectError(() => discount(gamma), {
      code: 'discount-invalid',
      part: 'discount',
      message: `discount: γ must be in [0, 1] (and below 1 for an infinite horizon), got ${shown}`,
    });
  });

  it.each([
    [-1, '-1'],
    [NaN, 'NaN'],
    [Infinity, 'Infinity'],
  ])('temperature(%s)', (alpha, shown) => {
    expectError(() => temperature(alpha), {
      code: 'temperature-invalid',
      part: 'temperature',
      message: `temperature: α must be ≥ 0 and finite, got ${shown}. Use temperature(0) for the hard-max limit`,
    });
  });

  it('a time-varying reward with an infinite horizon', () => {
    const reward = optimality((_s: Cell, _a: Move, t: number) => -t);
    expectError(() => corridor({ optimality: reward, horizon: discount(0.9) }), {
      code: 'time-reward-infinite',
      part: 'optimality',
      message:
        'optimality: the reward reads t, but the model has an infinite horizon (discount without horizon); give horizon(T) or drop the t argument',
    });
  });

  it('a terminal reward with an infinite horizon', () => {
    expectError(() => corridor({ horizon: discount(0.9) }, optimality.terminal(() => 1)), {
      code: 'missing-part',
      part: 'optimality.terminal',
      message: 'optimality.terminal: a terminal reward needs a finite horizon; give horizon(T)',
    });
  });
});

describe('model assembly', () => {
  it.each([
    ['state', 'model(): no state(...) part; a model needs a state variable'],
    ['action', 'model(): no action(...) part; a model needs an action variable'],
    ['transition', 'model(): no transition(...) part; give transition((s, a) => distribution)'],
    ['optimality', 'model(): no optimality(...) part; give optimality(r); for a pure prior use optimality(() => 0)'],
  ] as const)('no %s part', (slot, message) => {
    expectError(() => corridor({ [slot]: null }), { code: 'missing-part', part: 'model()', message });
  });

  it.each([
    ['horizons', () => horizon(4), 'model(): 2 horizon(T) parts; a model takes one (use extend() to replace it)'],
    ['actions', () => action('go', ['E']), 'model(): 2 action(...) parts; a model takes one (use extend() to replace it)'],
    ['temperatures', () => [temperature(1), temperature(2)], 'model(): 2 temperature(α) parts; a model takes one (use extend() to replace it)'],
    ['discounts', () => [discount(0.5), discount(0.9)], 'model(): 2 discount(γ) parts; a model takes one (use extend() to replace it)'],
  ] as const)('two %s', (_name, more, message) => {
    const extra = [more()].flat() as Part<Cell, Move>[];
    expectError(() => corridor({}, ...extra), { code: 'duplicate-part', part: 'model()', message });
  });

  it('two state parts with one name', () => {
    expectError(() => corridor({}, state('cell', cells)), {
      code: 'duplicate-part',
      part: "state('cell')",
      message: "model(): two state('cell') parts; each state variable needs its own name",
    });
  });

  it('a single-variable model with two transitions', () => {
    expectError(() => corridor({}, defaults.transition()), {
      code: 'transition-duplicate',
      part: 'transition',
      message: "transition for 'cell' is given 2 times; give one",
    });
  });

  it('something that is not a part', () => {
    expectError(() => corridor({}, 3 as unknown as Part<Cell, Move>), {
      code: 'missing-part',
      part: 'model()',
      message: 'model(): 3 is not a model part; build parts with state(), action(), transition(), optimality(), horizon() …',
    });
  });

  describe('a factored state (several state parts)', () => {
    type XY = { x: number; y: number };
    const xs = () => state('x', [0, 1], { initial: 0 });
    const ys = () => state('y', [0, 1], { initial: 0 });
    const moveX = () => transition('x', (_s: XY, a: Move) => deterministic(a === 'E' ? 1 : 0));
    const stayY = () => transition('y', (s: XY) => deterministic(s.y));
    const rest = () => [action('move', moves), optimality(() => 0), horizon(2)] as Part<XY, Move>[];

    it('the transition for one variable is missing', () => {
      expectError(() => model<XY, Move>(xs(), ys(), moveX(), ...rest()), {
        code: 'transition-missing',
        part: "transition('y')",
        message: "transition for 'y' is missing; give transition('y', (s, a) => distribution)",
      });
    });

    it('the transition for one variable is given twice', () => {
      expectError(() => model<XY, Move>(xs(), ys(), moveX(), moveX(), stayY(), ...rest()), {
        code: 'transition-duplicate',
        part: "transition('x')",
        message: "transition for 'x' is given 2 times; give one",
      });
    });

    it('an unnamed transition, and one for a variable that does not exist', () => {
      const unnamed = transition((s: XY) => deterministic(s.x));
      const ghost = transition('z', () => deterministic(0));
      const error = expectError(() => model<XY, Move>(xs(), ys(), unnamed, ghost, moveX(), stayY(), ...rest()), {
        code: 'transition-unknown-variable',
        part: 'transition',
        issues: 2,
        message: [
          "transition: the state is factored ('x', 'y'); name the variable it moves: transition('x', (s, a) => …)",
          "transition('z'): there is no state('z'); state variables are 'x', 'y'",
        ].join('\n'),
      });
      expect(error.issues[1]!.part).toBe("transition('z')");
    });

    it('a successor outside its variable’s domain names the variable', () => {
      const far = transition('x', () => deterministic(5));
      const error = caught(() => compile(model<XY, Move>(xs(), ys(), far, stayY(), ...rest())));
      expect(error.code).toBe('successor-unknown');
      expect(error.part).toBe("transition('x')");
      expect(error.issues).toHaveLength(8); // every (s, a): 4 states × 2 actions
      expect(error.issues[0]!.message).toBe("transition('x'): from s={x:0,y:0} with a='E' it returned 5, which is not in state('x')");
    });
  });

  it('a model with several faults reports all of them in one error', () => {
    const error = expectError(() => corridor({ transition: null }, horizon(5)), {
      code: 'duplicate-part',
      part: 'model()',
      issues: 2,
      message: [
        'model(): 2 horizon(T) parts; a model takes one (use extend() to replace it)',
        'model(): no transition(...) part; give transition((s, a) => distribution)',
      ].join('\n'),
    });
    expect(codes(error)).toEqual(['duplicate-part', 'missing-part']);
  });

  it('a model whose tables have several faults reports all of them in one error', () => {
    const bad = corridorExceptAt(0, 'E', () => categorical([[{ x: 1, y: 0 }, 0.5]]));
    const reward = optimality((s: Cell, a: Move) => (s.x === 1 && a === 'W' ? NaN : 0));
    const initial = categorical([[{ x: 0, y: 0 }, 0.5]]);
    const error = caught(() => compile(corridor({ state: state('cell', cells, { initial }), transition: bad, optimality: reward })));
    expect(error.issues.length).toBeGreaterThanOrEqual(2);
    expect(codes(error)).toEqual(['initial-unnormalised', 'reward-invalid', 'probability-unnormalised']);
    expect(error.message).toBe(
      [
        "state('cell'): the initial distribution sums to 0.5; expected 1 ± 1e-9 (no silent renormalisation)",
        "optimality: r(s={x:1,y:0}, a='W') is NaN; rewards must be finite or −Infinity (a hard constraint)",
        "transition: p(·|s={x:0,y:0}, a='E') sums to 0.5; expected 1 ± 1e-9 (no silent renormalisation)",
      ].join('\n'),
    );
  });
});

describe('engine options', () => {
  it('a misspelt option suggests the right one', () => {
    expectError(() => exact({ bakup: 'posterior' } as never), {
      code: 'unknown-option',
      part: 'exact()',
      message: "exact(): unknown option 'bakup' (did you mean 'backup'?); known options: 'backup', 'tolerance', 'maxIterations', 'mergeTolerance', 'maxBeliefs', 'beliefPoints', 'solver'",
    });
  });

  it('a bad backup value', () => {
    expectError(() => exact({ backup: 'optimistic' } as never), {
      code: 'option-invalid',
      part: 'exact()',
      message: "exact(): backup must be 'posterior', 'fixed-dynamics', 'boltzmann' or 'expected-utility', got 'optimistic'",
    });
  });

  it('a tolerance of 0', () => {
    expectError(() => exact({ tolerance: 0 }), {
      code: 'option-invalid',
      part: 'exact()',
      message: 'exact(): tolerance must be a positive number, got 0',
    });
  });
});

describe('conditioning on O', () => {
  const WHY = 'exact: p(O) = 0 — every trajectory meets a −Infinity reward; nothing is feasible from t = 2. Relax a hard constraint or change the initial state';

  describe('every trajectory infeasible (−Infinity at t = 2 everywhere)', () => {
    const doomed = () => infer(corridor({ optimality: optimality((_s: Cell, _a: Move, t: number) => (t === 2 ? -Infinity : 0)) }), exact());

    it('logEvidence is −Infinity, without an error', () => {
      expect(doomed().logEvidence).toBe(-Infinity);
    });

    it.each([
      ['policy(t=0, s={x:0,y:0})', (p: ReturnType<typeof doomed>) => p.policy(0, { x: 0, y: 0 })],
      ['policyTable(0)', (p: ReturnType<typeof doomed>) => p.policyTable(0)],
      ['stateMarginal(1)', (p: ReturnType<typeof doomed>) => p.stateMarginal(1)],
      ['sample', (p: ReturnType<typeof doomed>) => p.sample(1, { seed: 1 })],
    ])('%s says why and from which t', (query, run) => {
      const posterior = doomed();
      expectError(() => run(posterior), { code: 'infeasible', part: query, message: `${query}: ${WHY}` });
    });
  });

  it('no initial state has a feasible continuation', () => {
    const posterior = infer(corridor({ optimality: optimality((s: Cell) => (s.x === 0 ? -Infinity : 0)) }), exact());
    expect(posterior.logEvidence).toBe(-Infinity);
    expectError(() => posterior.policy(0, { x: 1, y: 0 }), {
      code: 'infeasible',
      part: 'policy(t=0, s={x:1,y:0})',
      message:
        'policy(t=0, s={x:1,y:0}): exact: p(O) = 0 — every trajectory meets a −Infinity reward; no state the initial distribution allows has a feasible continuation. Relax a hard constraint or change the initial state',
    });
  });

  it('a policy at a state with V_t(s) = −Infinity while others are feasible', () => {
    const posterior = infer(corridor({ optimality: optimality((s: Cell) => (s.x === 1 ? -Infinity : 0)) }), exact());
    expect(posterior.logEvidence).toBeCloseTo(Math.log(1 / 4), 10); // only W at t = 0 and 1 (prior ½ each)
    expectError(() => posterior.policy(0, { x: 1, y: 0 }), {
      code: 'state-infeasible',
      part: 'policy',
      state: { x: 1, y: 0 },
      t: 0,
      message:
        'policy(t=0, s={x:1,y:0}): every continuation from this state meets a −Infinity reward (V_0(s) = −Infinity); p(a|s,O) is undefined there',
    });
    // The feasible state still has a policy: stepping E would enter the forbidden cell.
    expect(probOf(posterior.policy(0, { x: 0, y: 0 }), 'W')).toBe(1);
  });

  describe('queries outside the model', () => {
    const posterior = () => infer(corridor(), exact());

    it('a policy at an unknown state', () => {
      expectError(() => posterior().policy(0, { x: 5, y: 0 }), {
        code: 'unknown-state',
        part: 'policy',
        state: { x: 5, y: 0 },
        message: 'policy: s={x:5,y:0} is not a state of the model',
      });
    });

    it.each([3, -1])('a policy at t = %s', (t) => {
      expectError(() => posterior().policy(t, { x: 0, y: 0 }), {
        code: 'time-out-of-range',
        part: 'policy',
        t,
        message: `policy: t = ${t} is outside the horizon; expected 0 … 2`,
      });
    });
  });
});

describe('evaluate()', () => {
  it('a policy that gives mass to an unknown action', () => {
    const policy = () => categorical([['N', 1]]) as unknown as Distribution<Move>;
    expectError(() => evaluate(corridor(), policy), {
      code: 'unknown-action',
      part: 'evaluate()',
      state: { x: 0, y: 0 },
      action: 'N',
      t: 2,
      message: "evaluate(): the policy at s={x:0,y:0}, t=2 gives mass to 'N', which is not an action of the model",
    });
  });

  it('a policy that does not sum to 1', () => {
    const policy = () => categorical<Move>([['E', 0.5]]);
    expectError(() => evaluate(corridor(), policy), {
      code: 'probability-unnormalised',
      part: 'evaluate()',
      state: { x: 0, y: 0 },
      t: 2,
      message: 'evaluate(): the policy at s={x:0,y:0}, t=2 sums to 0.5; expected 1 ± 1e-9',
    });
  });

  it('a misspelt option', () => {
    expectError(() => evaluate(corridor(), () => uniform(moves), { tolerence: 1e-6 } as never), {
      code: 'unknown-option',
      part: 'evaluate()',
      message: "evaluate(): unknown option 'tolerence' (did you mean 'tolerance'?); known options: 'tolerance', 'maxIterations', 'soft', 'unvisited'",
    });
  });

  it('a policy function that throws or returns no distribution', () => {
    const boom = new Error('no policy here');
    const error = caught(() =>
      evaluate(corridor(), (s: Cell) => {
        if (s.x === 1) throw boom;
        return uniform(moves);
      }),
    );
    expect(error.code).toBe('function-threw');
    expect(error.state).toEqual({ x: 1, y: 0 });
    expect(error.message).toBe('evaluate(): the policy threw at s={x:1,y:0}, t=2: no policy here');
    expect(error.cause).toBe(boom);
    expectError(() => evaluate(corridor(), (() => undefined) as never), {
      code: 'transition-not-distribution',
      part: 'evaluate()',
      state: { x: 0, y: 0 },
      t: 2,
      message: 'evaluate(): the policy at s={x:0,y:0}, t=2 returned undefined, not a distribution; return categorical([[action, p], …])',
    });
  });

  it('a posterior of another model, or a table of the wrong shape', () => {
    const other = infer(model(state('s', [0]), action('a', ['E', 'W']), transition(() => deterministic(0)), optimality(() => 0), horizon(3)), exact());
    expectError(() => evaluate(corridor(), other as never), {
      code: 'option-invalid',
      part: 'evaluate()',
      message: 'evaluate(): the posterior belongs to another model (1 states × 2 actions, this one has 2 × 2 or orders them differently); evaluate a posterior on the model it came from',
    });
    expectError(() => evaluate(corridor(), { table: () => new Float64Array(3) }), {
      code: 'option-invalid',
      part: 'evaluate()',
      t: 2,
      message: 'evaluate(): the policy table at t=2 has 3 entries; this model needs 2 states × 2 actions = 4',
    });
  });
});

describe('extend()', () => {
  it('replaces a single part and leaves the original model unchanged', () => {
    const original = corridor();
    const partsBefore = [...original.parts];
    const longer = extend(original, horizon(5));

    expect(Object.isFrozen(original)).toBe(true);
    expect(Object.isFrozen(original.parts)).toBe(true);
    expect(original.parts.every((p) => Object.isFrozen(p))).toBe(true);
    expect(Object.isFrozen(longer)).toBe(true);
    expect(Object.isFrozen(longer.parts)).toBe(true);

    expect(original.parts).toEqual(partsBefore);
    expect(longer.parts.filter((p) => p.kind === 'horizon')).toEqual([horizon(5)]);
    expect(longer.parts).toHaveLength(original.parts.length);
    expect(compile(longer).horizon).toBe(5);
    expect(compile(original).horizon).toBe(3);
    expect(infer(original, exact()).horizon).toBe(3);
  });

  it('a fault introduced by extend() is reported and the original still compiles', () => {
    const original = corridor();
    expectError(() => extend(original, defaults.transition()), {
      code: 'transition-duplicate',
      part: 'transition',
      message: "transition for 'cell' is given 2 times; give one",
    });
    expect(compile(original).horizon).toBe(3);
  });
});

describe('a reward that reads t without declaring it', () => {
  it('is caught by probing two times, and the explicit option fixes it', () => {
    // `t = 0` as a default parameter makes the function's declared arity 2.
    const sneaky = (_s: Cell, _a: Move, t = 0) => (t > 1 ? -5 : -1);
    const error = caught(() => compile(corridor({ optimality: optimality(sneaky) })));
    expect(error.code).toBe('reward-reads-t');
    expect(error.message).toBe(
      "optimality: r(s={x:0,y:0}, a='E') is -1 at t=0 but -5 at t=2, yet the reward declares no t parameter, so it would be tabulated at t=0 only; declare it as (s, a, t) => … or pass optimality(r, { timeVarying: true })",
    );
    const fixed = compile(corridor({ optimality: optimality(sneaky, { timeVarying: true }) }));
    expect(fixed.rewardTimeVarying).toBe(true);
    expect(fixed.rewardAt(2)[0]).toBe(-5);
  });
});

describe('a domain too large for one variable', () => {
  it('is refused before anything is indexed', () => {
    // A sparse array: the length is checked before any value is read.
    const huge = new Array<number>(2 ** 24 + 1);
    expectError(() => state('s', huge), {
      code: 'too-large',
      part: "state('s')",
      message: "state('s'): the domain has 16777217 values, more than the 16777216 one variable can hold; split it into several state(...) parts (a factored state) or use an engine that samples",
    });
  });
});
