/**
 * A slippery cliff walk: the flagship example (`npm run demo`).
 *
 *     · · · · · · · ·
 *     · · · · · · · ·
 *     · · · · · · · ·
 *     S · C C C C · G      S start, G goal, C cliff
 *
 * Each move goes where intended with probability 0.8 and slips to either side
 * with 0.1 each; bumping into a wall stays put. Every step costs −1 until the
 * goal (absorbing, reward 0). The cliff is a hard constraint: its reward is
 * −Infinity, so p(O = 1) = 0 for any trajectory that enters it.
 *
 * Two answers to "how should I act, given that I act optimally?":
 *  - the exact posterior p(τ | O) may condition the *slips* on O too: it
 *    assumes it will not slip and hugs the cliff edge (optimism);
 *  - the fixed-dynamics backup Q = r + E[V′] keeps the dynamics as they are:
 *    any move with a chance of slipping into the cliff gets Q = −∞, so it
 *    walks the long way round.
 * `evaluate` then scores both policies under the true dynamics.
 *
 * Run: npx tsx dsl-examples/slippery-gridworld.ts   (or npm run demo)
 */
import { pathToFileURL } from 'node:url';
import {
  action,
  categorical,
  deterministic,
  evaluate,
  exact,
  horizon,
  infer,
  model,
  optimality,
  policyGrid,
  sideBySide,
  state,
  table,
  temperature,
  trajectoryGrid,
  transition,
  uniform,
  valueGrid,
  type TabularPosterior,
} from '../src/index.js';

export interface Cell {
  readonly x: number;
  readonly y: number;
}
export type Move = 'N' | 'S' | 'E' | 'W';

export interface Options {
  /** Grid width (≥ 5) and height (≥ 3); default 8 × 4. */
  readonly width?: number;
  readonly height?: number;
  /** Number of decisions T; default 20. */
  readonly horizon?: number;
  /** Probability of slipping to each side of the intended move; default 0.1. */
  readonly slip?: number;
  /** Temperature α in p(O = 1 | s, a) = exp(r / α); default 0.2. */
  readonly temperature?: number;
  /** Samples to draw from each backup; default 2. */
  readonly samples?: number;
}

const MOVES = ['N', 'S', 'E', 'W'] as const;
const DELTA: Record<Move, Cell> = { N: { x: 0, y: -1 }, S: { x: 0, y: 1 }, E: { x: 1, y: 0 }, W: { x: -1, y: 0 } };
const SIDEWAYS: Record<Move, readonly [Move, Move]> = { N: ['E', 'W'], S: ['E', 'W'], E: ['N', 'S'], W: ['N', 'S'] };

/** What a slippery grid world is made of. */
export interface SlipperyWorld {
  readonly width: number;
  readonly height: number;
  /** Probability of slipping to each side of the intended move. */
  readonly slip: number;
  readonly start: Cell;
  /** The goal has one action (the episode is over there). */
  readonly isGoal: (c: Cell) => boolean;
  /** Cells that keep the agent forever (the goal, a cliff, a pit). */
  readonly absorbing: (c: Cell) => boolean;
}

/**
 * The parts every slippery grid world shares: the cells (with a grid layout, starting at `start`), the four
 * moves (one at the goal) and the dynamics — a move goes where intended with probability 1 − 2·slip and
 * slips to either side with `slip`; a wall keeps the agent in place. Add the reward and the horizon.
 */
export function slipperyWorld(world: SlipperyWorld) {
  const { width: W, height: H, slip, start, isGoal, absorbing } = world;
  const cells: Cell[] = [];
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) cells.push({ x, y });
  const move = (c: Cell, m: Move): Cell => {
    const next = { x: c.x + DELTA[m].x, y: c.y + DELTA[m].y };
    return next.x >= 0 && next.x < W && next.y >= 0 && next.y < H ? next : c;
  };
  return [
    state('cell', cells, { initial: start, layout: { width: W, height: H, cellOf: (c: Cell) => c } }),
    // At the goal the episode is over: one action, so that max-product does not count the goal's
    // four equivalent moves against trajectories that reach it early (values are unchanged).
    action('move', MOVES, { prior: (c: Cell) => (isGoal(c) ? deterministic<Move>('N') : uniform(MOVES)) }),
    transition((c: Cell, m: Move) => {
      if (absorbing(c)) return categorical([[c, 1]]);
      const [left, right] = SIDEWAYS[m];
      // Equal cells (two moves into the same wall) are merged by categorical.
      return categorical([[move(c, m), 1 - 2 * slip], [move(c, left), slip], [move(c, right), slip]]);
    }),
  ] as const;
}

/**
 * The cliff walk: the model, the world it is built on (states, moves, slips; shared with the
 * scoring models of main) and the cells that matter. `cai run` uses the default export.
 */
export function cliffWalk(options: Options = {}) {
  const W = options.width ?? 8;
  const H = options.height ?? 4;
  const T = options.horizon ?? 20;
  const slip = options.slip ?? 0.1;
  const alpha = options.temperature ?? 0.2;
  if (W < 5 || H < 3) throw new RangeError(`the cliff walk needs width ≥ 5 and height ≥ 3; got ${W} × ${H}`);

  const start: Cell = { x: 0, y: H - 1 };
  const goal: Cell = { x: W - 1, y: H - 1 };
  // The cliff leaves one safe cell beside start and goal, so that both can be left and reached safely.
  const isCliff = (c: Cell) => c.y === H - 1 && c.x >= 2 && c.x <= W - 3;
  const isGoal = (c: Cell) => c.x === goal.x && c.y === goal.y;

  // The world (states, moves, slips) is shared by the control model and the scoring model below.
  const world = slipperyWorld({ width: W, height: H, slip, start, isGoal, absorbing: (c) => isGoal(c) || isCliff(c) });

  const gridworld = model<Cell, Move>(
    ...world,
    optimality((c: Cell) => (isCliff(c) ? -Infinity : isGoal(c) ? 0 : -1)),
    // α = 1 would make a −1 step cost barely matter against the action prior (both policies then
    // dawdle and rarely reach the goal in T steps); α = 0.2 weighs a step like 5 nats.
    temperature(alpha),
    horizon(T),
  );
  return { gridworld, world, isCliff, isGoal, W, H, T, slip, alpha };
}

/** The default cliff walk (8 × 4, T = 20, α = 0.2), for `npx cai run dsl-examples/slippery-gridworld.ts`. */
export default cliffWalk().gridworld;

export function main(options: Options = {}): void {
  const { gridworld, world, isCliff, isGoal, W, H, T, slip, alpha } = cliffWalk(options);
  const exactPost = infer(gridworld, exact({ backup: 'posterior' }));
  const fixedPost = infer(gridworld, exact({ backup: 'fixed-dynamics' }));

  // P(s_{T−1} ∈ where) when a policy runs on the true dynamics: the same world with no reward but a
  // terminal indicator, evaluated over decisions 0 … T−2 (cliff and goal are absorbing, so "in the
  // cliff at the end" is "fell in at some point").
  const chance = (post: TabularPosterior<Cell, Move>, where: (c: Cell) => boolean) =>
    evaluate(
      model<Cell, Move>(
        ...world,
        optimality(() => 0),
        optimality.terminal((c: Cell) => (where(c) ? 1 : 0)),
        horizon(T - 1),
      ),
      { table: (t: number) => uniformWhereInfeasible(post.policyTable(t), MOVES.length) },
    ).value;
  const row = (name: string, post: TabularPosterior<Cell, Move>) => [
    name,
    post.logEvidence,
    evaluate(gridworld, post).value,
    chance(post, isCliff),
    chance(post, isGoal),
  ];

  const marks = (c: Cell) => (isGoal(c) ? 'G' : undefined);
  const grid = exactPost.graph;

  console.log(`Slippery cliff walk ${W}×${H}: T = ${T}, α = ${alpha}, −1 per step, slips ${slip} to each side, cliff −∞ (hard)`);
  console.log('');
  console.log(
    table(
      [
        ['backup', 'log p(O) / ELBO', 'E[return]', 'P(cliff)', 'P(goal)'],
        row('posterior', exactPost),
        row('fixed-dynamics', fixedPost),
      ],
      { digits: 3, header: true },
    ),
  );
  console.log('(E[return], P(cliff), P(goal): each policy run on the true dynamics, by evaluate)');
  console.log('');
  console.log('V_0(s) under the exact posterior (soft value, -∞ = no way to satisfy O from there):');
  console.log(valueGrid(grid, exactPost.V(0), { digits: 1, marks }));
  console.log('');
  console.log('Policy at t = 0 (most probable moves; × = infeasible):');
  console.log(
    sideBySide([policyGrid(grid, exactPost.policyTable(0), { marks }), policyGrid(grid, fixedPost.policyTable(0), { marks })], {
      titles: ['posterior: hugs the edge', 'fixed-dynamics: keeps away'],
    }),
  );
  console.log('');
  const modeExact = exactPost.mostProbable();
  const modeFixed = fixedPost.mostProbable();
  const trace = (states: readonly Cell[]) => trajectoryGrid(grid, { states }, { marks: (c) => (isCliff(c) ? 'C' : marks(c)) });
  console.log('Most probable trajectory (max-product; arrows are the moves made, C the cliff):');
  console.log(
    sideBySide([trace(modeExact.states), trace(modeFixed.states)], {
      titles: [`posterior: ${steps(modeExact.states, isGoal)}`, `fixed-dynamics: ${steps(modeFixed.states, isGoal)}`],
    }),
  );
  const n = options.samples ?? 2;
  const drawn = [...exactPost.sample(n, { seed: 7 }), ...fixedPost.sample(n, { seed: 7 })];
  console.log('');
  console.log('Samples (seed 7): p(τ|O) never falls (O rules it out); q(τ) slips as the real world does.');
  console.log(
    sideBySide(
      drawn.map((s) => trace(s.states)),
      { titles: drawn.map((s, i) => `${i < n ? 'p(τ|O)' : 'q(τ)'}: ${steps(s.states, isGoal)}`), gap: 3 },
    ),
  );
}

/** Rows of states where no action is feasible (all zero) made uniform, so that evaluating elsewhere stays finite. */
function uniformWhereInfeasible(table: Float64Array, nA: number): Float64Array {
  for (let row = 0; row < table.length; row += nA) {
    let mass = 0;
    for (let a = 0; a < nA; a++) mass += table[row + a]!;
    if (mass === 0) table.fill(1 / nA, row, row + nA);
  }
  return table;
}

function steps(states: readonly Cell[], isGoal: (c: Cell) => boolean): string {
  const at = states.findIndex(isGoal);
  return at < 0 ? 'no goal' : `goal at t=${at}`;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main();
