/**
 * A hidden goal: the goal sits in one of four cells of an n×n grid and the
 * agent does not know which. It always knows its own cell and sees whether it
 * stands on the goal; every step off the goal costs 1. Planning over beliefs
 * (`exact({ backup: 'fixed-dynamics' })` at α = 0) makes it search: it visits
 * the candidate cells in the order that minimises the expected cost, crossing
 * candidates off as it finds them empty.
 *
 * The fully observed problem (the goal in plain sight) is solved beside it:
 * the difference of the two values is what not knowing the goal costs.
 *
 * Run: npx tsx dsl-examples/hidden-goal.ts
 */
import { pathToFileURL } from 'node:url';
import { action, beliefPosterior, deterministic, exact, horizon, infer, model, observation, optimality, state, temperature, transition, uniform, type Model } from '../src/index.js';

export type Cell = { readonly x: number; readonly y: number };
export type Hidden = { readonly at: Cell; readonly goal: number };
export type Move = 'N' | 'S' | 'E' | 'W';

/** The candidate goal cells of an n×n grid: three corners and the centre. */
export const candidates = (n: number): Cell[] => [{ x: 0, y: n - 1 }, { x: n - 1, y: 0 }, { x: n - 1, y: n - 1 }, { x: Math.floor(n / 2), y: Math.floor(n / 2) }];

/** The hidden-goal POMDP (with `seen: true`, the same problem with the goal observed). */
export function hiddenGoal(n = 5, T = 20, seen = false): Model<Hidden, Move> {
  const goals = candidates(n);
  const states: Hidden[] = [];
  for (let goal = 0; goal < goals.length; goal++) for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) states.push({ at: { x, y }, goal });
  const onGoal = (s: Hidden) => s.at.x === goals[s.goal]!.x && s.at.y === goals[s.goal]!.y;
  const step = (c: Cell, a: Move): Cell => {
    const [dx, dy] = { N: [0, -1], S: [0, 1], E: [1, 0], W: [-1, 0] }[a];
    return { x: Math.min(n - 1, Math.max(0, c.x + dx!)), y: Math.min(n - 1, Math.max(0, c.y + dy!)) };
  };
  const parts = [
    state('s', states, { initial: uniform(states.filter((s) => s.at.x === 0 && s.at.y === 0)) }),
    action('move', ['N', 'S', 'E', 'W'] as Move[]),
    // Once on the goal the agent stays there (the episode is over in all but name).
    transition((s: Hidden, a: Move) => deterministic(onGoal(s) ? s : { at: step(s.at, a), goal: s.goal })),
    optimality((s: Hidden) => (onGoal(s) ? 0 : -1)),
    temperature(0),
    horizon(T),
  ];
  // What the agent perceives: its cell, and whether the goal is there (or, when seen, which goal it is).
  const sensor = observation((s: Hidden) => deterministic(seen ? `${s.at.x},${s.at.y},g${s.goal}` : `${s.at.x},${s.at.y},${onGoal(s) ? 'goal' : '-'}`), seen ? { initial: (s: Hidden) => deterministic(`g${s.goal}`) } : {});
  return model<Hidden, Move>(...parts, sensor);
}

export interface Options {
  /** Grid size (default 5) and horizon (default 20). */
  readonly size?: number;
  readonly horizon?: number;
}

export function main(options: Options = {}): void {
  const n = options.size ?? 5;
  const T = options.horizon ?? 20;
  const post = beliefPosterior<Hidden, Move, string>(infer(hiddenGoal(n, T), exact({ backup: 'fixed-dynamics' })));
  const known = infer(hiddenGoal(n, T, true), exact({ backup: 'fixed-dynamics' }));
  const beliefs = post.beliefCounts.reduce((a, b) => a + b, 0);
  console.log(`Hidden goal on a ${n}×${n} grid, T = ${T}: expected cost ${(-post.value).toFixed(3)} when the goal must be searched for (${beliefs} reachable beliefs),`);
  console.log(`${(-known.value).toFixed(3)} when it is seen from the start: not knowing it costs ${(known.value - post.value).toFixed(3)} steps.`);

  // Follow the most probable search: where the agent goes and what it believes about the goal.
  const mode = post.mostProbable();
  const goals = candidates(n);
  console.log('\n t  cell   P(goal = ' + goals.map((c) => `${c.x},${c.y}`).join(' | ') + ')   move');
  for (let t = 0; t < mode.actions.length; t++) {
    const b = post.belief({ actions: mode.actions.slice(0, t), observations: mode.observations.slice(0, t) });
    const pGoal = goals.map((_, g) => post.graph.states.values.reduce((p, s, i) => p + (s.goal === g ? b[i]! : 0), 0));
    const at = mode.states[t]!.at;
    console.log(`${String(t).padStart(2)}  ${at.x},${at.y}    ${pGoal.map((p) => p.toFixed(2).padStart(4)).join('   ')}     ${mode.actions[t]}`);
    if (pGoal.some((p) => p === 1) && goals.some((c, g) => pGoal[g] === 1 && c.x === at.x && c.y === at.y)) break;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main();
