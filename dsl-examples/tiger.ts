/**
 * The Tiger problem (Kaelbling, Littman & Cassandra 1998): a tiger hides
 * behind the left or the right door. Listening costs 1 and hears the tiger on
 * the correct side with probability 0.85; opening the tiger's door costs 100,
 * the other door pays 10, and opening resets the tiger to a uniform side.
 *
 * The agent never sees the tiger, only what it heard. `observation(...)` makes
 * the model a POMDP, and `exact({ backup: 'fixed-dynamics' })` plans over its
 * beliefs: the policy is a function of what was heard — listen until the
 * evidence is strong enough (two more 'left' than 'right', say), then open the
 * other door. At temperature 0 the values are the optimal POMDP values.
 *
 * The exact posterior (`backup: 'posterior'`) is also printed: conditioning on
 * O lets the future "see" the tiger, so it values the start like the fully
 * observed problem and barely listens — the optimism the lottery shows for
 * dynamics, here about what will be observed.
 *
 * Run: npx tsx dsl-examples/tiger.ts
 */
import { pathToFileURL } from 'node:url';
import {
  action,
  beliefPosterior,
  categorical,
  discount,
  evaluate,
  exact,
  horizon,
  infer,
  model,
  observation,
  optimality,
  state,
  temperature,
  transition,
  uniform,
  type Categorical,
  type History,
} from '../src/index.js';

export type Side = 'left' | 'right';
export type Act = 'listen' | 'open-left' | 'open-right';
export type Heard = 'hear-left' | 'hear-right';

export interface TigerOptions {
  /** Decisions (default 10); Infinity for the discounted infinite horizon (needs γ < 1). */
  readonly horizon?: number;
  /** γ (default 1 for a finite horizon). */
  readonly gamma?: number;
  /** α (default 0: the optimal POMDP). */
  readonly alpha?: number;
  /** P(hear the tiger's side | listen) (default 0.85). */
  readonly accuracy?: number;
}

/** The Tiger POMDP. */
export function tiger(options: TigerOptions = {}) {
  const accuracy = options.accuracy ?? 0.85;
  const T = options.horizon ?? 10;
  const sides: Side[] = ['left', 'right'];
  return model<Side, Act>(
    state('tiger', sides, { initial: uniform(sides) }),
    action('act', ['listen', 'open-left', 'open-right'] as Act[]),
    // Listening leaves the tiger where it is; opening a door resets it.
    transition((s: Side, a: Act) => (a === 'listen' ? categorical([[s, 1]]) : uniform(sides))),
    optimality((s: Side, a: Act) => (a === 'listen' ? -1 : a === `open-${s}` ? -100 : 10)),
    // What the agent hears after its action: informative only when it listened.
    observation((s: Side, a: Act) =>
      a === 'listen'
        ? categorical<Heard>([[`hear-${s}`, accuracy], [s === 'left' ? 'hear-right' : 'hear-left', 1 - accuracy]])
        : uniform<Heard>(['hear-left', 'hear-right']),
    ),
    temperature(options.alpha ?? 0),
    ...(Number.isFinite(T) ? [horizon(T)] : []),
    ...(options.gamma !== undefined ? [discount(options.gamma)] : []),
  );
}

export interface Options {
  /** The longest horizon of the value table (default 10). */
  readonly horizon?: number;
}

const fmt = (x: number) => x.toFixed(3).padStart(9);

export function main(options: Options = {}): void {
  const H = options.horizon ?? 10;
  console.log('Tiger: optimal POMDP values V_T(b_0 = ½) by exact planning over reachable beliefs (α = 0)');
  console.log(' T   γ = 1       γ = 0.95   beliefs');
  for (let T = 1; T <= H; T++) {
    const one = infer(tiger({ horizon: T }), exact({ backup: 'fixed-dynamics' }));
    const discounted = beliefPosterior(infer(tiger({ horizon: T, gamma: 0.95 }), exact({ backup: 'fixed-dynamics' })));
    const count = discounted.beliefCounts.reduce((x, y) => x + y, 0);
    console.log(`${String(T).padStart(2)} ${fmt(one.value)} ${fmt(discounted.value)} ${String(count).padStart(8)}`);
  }

  // The policy as a function of what was heard, at the first step of the longest horizon.
  const post = beliefPosterior<Side, Act, Heard>(infer(tiger({ horizon: H }), exact({ backup: 'fixed-dynamics' })));
  console.log(`\nWhat to do at t = k of T = ${H} after hearing … (P(tiger left) in brackets)`);
  const histories: Heard[][] = [[], ['hear-left'], ['hear-left', 'hear-left'], ['hear-left', 'hear-right'], ['hear-right', 'hear-right', 'hear-right']];
  for (const heard of histories) {
    const h: History<Act, Heard> = { actions: heard.map(() => 'listen'), observations: heard };
    const b = post.belief(h);
    const pi = post.policy(heard.length, h);
    console.log(`${(heard.join(', ') || '(nothing)').padEnd(34)} [${b[0]!.toFixed(3)}]  ${best(pi)}`);
  }

  // A belief policy written by hand: listen until the evidence is two hearings strong.
  const threshold = (_t: number, b: Categorical<Side>) => {
    const left = b.support.reduce((p, s, i) => p + (s === 'left' ? b.probs[i]! : 0), 0);
    return categorical<Act>([[left > 0.9 ? 'open-right' : left < 0.1 ? 'open-left' : 'listen', 1]]);
  };
  const hand = evaluate(tiger({ horizon: H }), { belief: threshold });
  console.log(`\nHand-written "listen until two more on one side" policy: E[return] = ${hand.value.toFixed(3)} (optimal ${post.value.toFixed(3)})`);

  // The discounted infinite horizon: opening resets the tiger, so the reachable beliefs are finite.
  const infinite = infer(tiger({ horizon: Infinity, gamma: 0.95 }), exact({ backup: 'fixed-dynamics' }));
  console.log(`Infinite horizon, γ = 0.95: V(½) = ${infinite.value.toFixed(4)} (${infinite.convergence!.iterations} iterations)`);

  // The exact posterior is clairvoyant about the future: it barely listens.
  const optimistic = beliefPosterior<Side, Act, Heard>(infer(tiger({ horizon: H, alpha: 1 }), exact({ backup: 'posterior' })));
  const cautious = beliefPosterior<Side, Act, Heard>(infer(tiger({ horizon: H, alpha: 1 }), exact({ backup: 'fixed-dynamics' })));
  const start: History<Act, Heard> = { actions: [], observations: [] };
  const listen = (p: Categorical<Act>) => p.probs[p.support.indexOf('listen')]!;
  console.log(`\nα = 1, t = 0: posterior backup V = ${optimistic.value.toFixed(3)}, P(listen) = ${listen(optimistic.policy(0, start)).toFixed(3)};`);
  console.log(`             fixed-dynamics  V = ${cautious.value.toFixed(3)}, P(listen) = ${listen(cautious.policy(0, start)).toFixed(3)}`);
}

function best(pi: Categorical<Act>): string {
  return pi.support.filter((_, i) => pi.probs[i]! > 0.5).join(' ') || pi.support.map((a, i) => `${a} ${pi.probs[i]!.toFixed(2)}`).join(', ');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main();
