/**
 * Learning from experience: the four learning engines on one slippery gridworld.
 *
 *     · · · · G      S start, G goal (absorbing, reward 0),
 *     · · · · ·      P pit (absorbing, −2 a step: −20 once in, at γ = 0.9)
 *     · · P · ·
 *     · · · · ·
 *     S · · · ·
 *
 * Each move goes where intended with probability 0.8 and slips to either side
 * with 0.1 each; bumping into a wall stays put; every step off the goal costs
 * −1; discount(0.9), no horizon; α = 0.5. The learning engines do not solve
 * the tables: they act in episodes (30 decisions each, then a reset to S),
 * store the transitions and learn from them.
 *
 *  - softQLearning: a soft critic fitted to r + γ α log Σ p(a′|s′) exp(Q(s′,a′)/α)
 *    at sampled s′, acting with π ∝ p(a|s) exp(Q/α). A sampled s′ cannot be
 *    chosen, so its fixed point is the soft-optimal policy of the true
 *    dynamics, `exact({ backup: 'fixed-dynamics' })`, not the optimistic p(τ | O).
 *  - softActorCritic: the same target through an actor and twin critics.
 *  - virel: its temperature is β(ω) = c · (the critic's Bellman error), which
 *    falls to 0 as the critic improves: it heads for the hard (α → 0) optimum,
 *    so its return is near the best possible but its ELBO at α = 0.5 is lower.
 *  - pseudoLikelihoodEM: reward-weighted regression of π on its own episodes,
 *    maximising log E_π[exp(R/α)]; no critic, and risk-seeking.
 *
 * Each learning curve is the return of every episode (a moving average) with
 * the soft and hard optima as lines. The table scores each learned policy on
 * the model's tables: its ELBO (`post.logEvidence`) against log p(O) and the
 * best ELBO (exact fixed-dynamics), the KL from it to the exact soft-optimal
 * policy, and its expected return (`evaluate`) against the hard optimum. The
 * final policies are drawn beside the exact one, with how sure each is.
 *
 * Run: npx tsx dsl-examples/learning-gridworld.ts
 */
import { pathToFileURL } from 'node:url';
import {
  discount,
  evaluate,
  exact,
  extend,
  infer,
  learningFit,
  model,
  optimality,
  policyGrid,
  pseudoLikelihoodEM,
  sideBySide,
  softActorCritic,
  softQLearning,
  table,
  temperature,
  textPlot,
  valueGrid,
  virel,
  type EngineInput,
  type Posterior,
} from '../src/index.js';
import { slipperyWorld, type Cell, type Move } from './slippery-gridworld.js';

export type { Cell, Move };

export interface Options {
  /** Environment steps each engine learns from (default 20 000). */
  readonly steps?: number;
  /** Seed of every learning run (default 1). */
  readonly seed?: number;
  /** Temperature α (default 0.5). */
  readonly temperature?: number;
  /** Probability of slipping to each side of the intended move (default 0.1). */
  readonly slip?: number;
  /** Columns of the learning-curve plots (default 60). */
  readonly plotWidth?: number;
}

const SIZE = 5;
const PIT_COST = -2;

/** The gridworld at temperature α with the given slip; `cai run` uses the default export. */
export function learningGridworld(alpha = 0.5, slip = 0.1) {
  const start: Cell = { x: 0, y: SIZE - 1 };
  const isGoal = (c: Cell) => c.x === SIZE - 1 && c.y === 0;
  const isPit = (c: Cell) => c.x === 2 && c.y === 2;
  const gridworld = model<Cell, Move>(
    // The cells, moves and slips of the cliff walk's world (slippery-gridworld.ts); goal and pit absorb.
    ...slipperyWorld({ width: SIZE, height: SIZE, slip, start, isGoal, absorbing: (c) => isGoal(c) || isPit(c) }),
    // The pit is a large but finite cost: learning engines refuse −Infinity (a dead end).
    optimality((c: Cell) => (isGoal(c) ? 0 : isPit(c) ? PIT_COST : -1)),
    temperature(alpha),
    discount(0.9),
  );
  return { gridworld, isGoal, isPit };
}

/** The default gridworld (5 × 5, α = 0.5, slip 0.1), for `npx cai run dsl-examples/learning-gridworld.ts`. */
export default learningGridworld().gridworld;

type EngineName = 'softQLearning' | 'softActorCritic' | 'virel' | 'pseudoLikelihoodEM';

export function main(options: Options = {}): void {
  const alpha = options.temperature ?? 0.5;
  const slip = options.slip ?? 0.1;
  const steps = options.steps ?? 20_000;
  const seed = options.seed ?? 1;
  const width = options.plotWidth ?? 60;
  // The default episode (⌈1/(1−γ)⌉ = 10 decisions) would end most episodes before the goal, 8 moves away.
  const episodeLength = 30;
  const { gridworld, isGoal, isPit } = learningGridworld(alpha, slip);

  // The references, from the tables: log p(O) (optimistic), the soft-optimal policy of the true
  // dynamics (the best ELBO, and what soft Q-learning and SAC converge to), the hard optimum.
  const posterior = infer(gridworld, exact());
  const fixed = infer(gridworld, exact({ backup: 'fixed-dynamics' }));
  const hard = infer(extend(gridworld, temperature(0)), exact({ backup: 'fixed-dynamics' }));
  const graph = fixed.graph;
  const nA = graph.nA;
  const best = fixed.policyTable(0);

  const shared = { steps, seed, episodeLength };
  const learned: (readonly [EngineName, Posterior<Cell, Move, 'simulator'>])[] = [
    ['softQLearning', infer(gridworld, softQLearning(shared))],
    ['softActorCritic', infer(gridworld, softActorCritic(shared))],
    ['virel', infer(gridworld, virel(shared))],
    ['pseudoLikelihoodEM', infer(gridworld, pseudoLikelihoodEM(shared))],
  ];

  console.log(`Gridworld ${SIZE}×${SIZE}: α = ${alpha}, γ = 0.9, −1 a step, pit −${-PIT_COST} a step (absorbing), slips ${slip} to each side.`);
  console.log(`Each engine learns from ${steps} environment steps (episodes of ${episodeLength} decisions, seed ${seed}).`);

  const softReturn = evaluate(gridworld, fixed).value;
  const hardReturn = evaluate(gridworld, hard).value;
  for (const [name, post] of learned) {
    const fit = learningFit(post);
    const n = fit.episodes;
    const window = windowOf(n);
    console.log('');
    console.log(
      textPlot(
        [
          { label: `return (moving average of ${window})`, values: movingAverage(fit.curves.return, window) },
          { label: `soft optimum ${softReturn.toFixed(2)}`, values: new Float64Array(n).fill(softReturn) },
          { label: `hard optimum ${hardReturn.toFixed(2)}`, values: new Float64Array(n).fill(hardReturn) },
        ],
        { width, height: 7, title: `${name}: return of each of its ${n} episodes` },
      ),
    );
    if (fit.curves.beta !== undefined) {
      console.log(textPlot(fit.curves.beta, { width, height: 5, title: `${name}: β(ω) = c · (its critic's Bellman error), the temperature it acts at` }));
    }
  }
  console.log('');
  console.log(
    textPlot(
      learned.map(([name, post]) => {
        const fit = learningFit(post);
        return { label: name, values: movingAverage(fit.curves.entropy, windowOf(fit.episodes)) };
      }),
      { width, height: 8, title: 'Mean entropy of the behaviour policy per episode, nats (moving average; 0 at the goal)' },
    ),
  );

  const rows: (string | number)[][] = [['policy', 'env steps', 'ELBO', 'mean KL', 'max KL', 'E[return]']];
  const row = (name: string, stepsUsed: string, post: Posterior<Cell, Move, EngineInput>, elbo: number) => {
    const d = divergence(post.policyTable(0), best, nA, graph.states.values.map((c) => !isGoal(c) && !isPit(c)));
    const value = evaluate(gridworld, post).value;
    rows.push([name, stepsUsed, elbo, d.mean, d.max, value]);
    return { elbo, kl: d.mean, value };
  };
  rows.push(['exact posterior: log p(O)', 'tables', posterior.logEvidence, '', '', evaluate(gridworld, posterior).value]);
  const soft = row('exact fixed-dynamics', 'tables', fixed, fixed.logEvidence);
  // The hard optimum's ELBO at the model's α: its soft value over α (it pays log 4 nats a step for ignoring the prior).
  const greedy = row('hard optimum (α = 0)', 'tables', hard, evaluate(gridworld, hard, { soft: true }).value / alpha);
  const scores = learned.map(([name, post]) => [name, row(name, String(learningFit(post).environmentSteps), post, post.logEvidence)] as const);
  console.log('');
  console.log(table(rows, { digits: 3, header: true }));
  console.log('(ELBO: E[V^π_0]/α with the soft, discounted V^π. Mean / max KL(π(·|s) ‖ π*(·|s)) over the cells');
  console.log(' off goal and pit, π* the exact fixed-dynamics policy. E[return]: on the true dynamics, by evaluate)');

  const marks = (c: Cell) => (isGoal(c) ? 'G' : isPit(c) ? 'P' : undefined);
  const sure = (pi: Float64Array) => Float64Array.from(graph.states.values, (_, s) => 100 * Math.max(...pi.subarray(s * nA, s * nA + nA)));
  const tables = [best, ...learned.map(([, post]) => post.policyTable(0))];
  const titles = ['exact (soft-opt.)', ...learned.map(([name]) => name)];
  console.log('');
  console.log('Final policies (most probable moves), the exact soft-optimal one first:');
  console.log(sideBySide(tables.map((pi) => policyGrid(graph, pi, { marks })), { titles, gap: 3 }));
  console.log('');
  console.log('How sure: max_a π(a|s) in % (100 = greedy):');
  console.log(sideBySide(tables.map((pi) => valueGrid(graph, sure(pi), { digits: 0, marks })), { titles, gap: 2 }));
  console.log('');
  for (const [name, s] of scores) console.log(`${name}: ${verdict(s, soft, greedy)}`);
}

interface Score {
  readonly elbo: number;
  readonly kl: number;
  readonly value: number;
}

/** One line on how a learned policy compares with the soft-optimal and the hard-optimal ones. */
function verdict(s: Score, soft: Score, greedy: Score): string {
  const f = (v: number) => v.toFixed(3);
  const close = `(mean KL ${f(s.kl)}; ELBO ${f(s.elbo)}, best ${f(soft.elbo)})`;
  if (s.kl < 0.05) return `learned the soft-optimal policy ${close}.`;
  if (s.value > soft.value) return `learned a near-greedy one: E[return] ${f(s.value)} (hard optimum ${f(greedy.value)}); ELBO ${f(s.elbo)} < ${f(soft.elbo)}.`;
  if (s.kl < 0.25) return `close to the soft-optimal policy, not there yet ${close}.`;
  return `falls short: E[return] ${f(s.value)} (soft optimum ${f(soft.value)}); ELBO ${f(s.elbo)} < ${f(soft.elbo)}.`;
}

/** Mean and max over the states in `where` of KL(π(·|s) ‖ π*(·|s)). */
function divergence(pi: Float64Array, reference: Float64Array, nA: number, where: readonly boolean[]): { mean: number; max: number } {
  let sum = 0;
  let max = 0;
  let n = 0;
  where.forEach((counted, s) => {
    if (!counted) return;
    let d = 0;
    for (let a = 0; a < nA; a++) {
      const p = pi[s * nA + a]!;
      if (p > 0) d += p * Math.log(p / reference[s * nA + a]!);
    }
    sum += d;
    max = Math.max(max, d);
    n++;
  });
  return { mean: sum / n, max };
}

/** A moving-average window of about a twentieth of the episodes. */
function windowOf(episodes: number): number {
  return Math.max(1, Math.round(episodes / 20));
}

/** The mean of the last `window` values at each point (fewer at the start). */
function movingAverage(values: ArrayLike<number>, window: number): Float64Array {
  const out = new Float64Array(values.length);
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    sum += values[i]!;
    if (i >= window) sum -= values[i - window]!;
    out[i] = sum / Math.min(i + 1, window);
  }
  return out;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main();
