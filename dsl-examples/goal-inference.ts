/**
 * Which restaurant is she heading for? Bayesian inverse planning on the
 * agentmodels.org gridworld idea (Baker, Saxe & Tenenbaum 2009):
 *
 *     D · · · · · N        D donut shop, N noodle bar, V vegetarian café
 *     · · · # # · ·        # walls; S the agent's start
 *     · · · · · · ·
 *     S · · · · · V
 *
 * The observer does not know the goal nor how rational the agent is. Six
 * hypotheses — 3 goals × 2 temperatures α — are weighed in ONE inferGoal call;
 * the agents are Boltzmann-rational over hard-max values (exact({ backup:
 * 'boltzmann' })), every step costs 0.1, the goal pays 1, moves slip (stay put)
 * with probability 0.1. After each observed step the observer's belief about the
 * goal (summed over α) is drawn as a bar, and it predicts the next move.
 *
 * Run: npx tsx dsl-examples/goal-inference.ts
 */
import { pathToFileURL } from 'node:url';
import { action, categorical, exact, horizon, inferGoal, model, optimality, state, temperature, transition, type Model } from '../src/index.js';

type Cell = { x: number; y: number };
type Move = 'N' | 'S' | 'E' | 'W';
const MOVES: Move[] = ['N', 'S', 'E', 'W'];
const W = 7;
const H = 4;
const GOALS: Record<string, Cell> = { donut: { x: 0, y: 0 }, noodle: { x: 6, y: 0 }, veg: { x: 6, y: 3 } };
const wall = (c: Cell) => c.y === 1 && (c.x === 3 || c.x === 4);
const cells: Cell[] = [];
for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) if (!wall({ x, y })) cells.push({ x, y });
const isGoal = (c: Cell) => Object.values(GOALS).some((g) => g.x === c.x && g.y === c.y);

function move(c: Cell, m: Move): Cell {
  const to = { x: c.x + (m === 'E' ? 1 : m === 'W' ? -1 : 0), y: c.y + (m === 'S' ? 1 : m === 'N' ? -1 : 0) };
  return to.x < 0 || to.x >= W || to.y < 0 || to.y >= H || wall(to) ? c : to;
}

/** The agent heading for `goal` with temperature α. Every goal is absorbing, so all hypotheses share one world. */
function agent(goal: Cell, alpha: number, T: number): Model<Cell, Move> {
  return model<Cell, Move>(
    state('cell', cells, { initial: { x: 0, y: 3 } }),
    action('move', MOVES),
    transition((c: Cell, m: Move) => (isGoal(c) ? categorical([[c, 1]]) : categorical([[move(c, m), 0.9], [c, 0.1]]))),
    optimality((c: Cell) => (c.x === goal.x && c.y === goal.y ? 1 : -0.1)),
    temperature(alpha),
    horizon(T),
  );
}

export interface Options {
  /** The agent's decisions (default 12). */
  readonly horizon?: number;
}

export function main(options: Options = {}): void {
  const T = options.horizon ?? 12;
  const alphas = [0.1, 1];
  const hypotheses = Object.entries(GOALS).flatMap(([name, goal]) => alphas.map((alpha) => ({ name: `${name} α=${alpha}`, model: agent(goal, alpha, T) })));
  // Observed: east along the bottom row, then north at x = 2 — towards the donut or the noodle bar?
  const path: [Cell, Move | undefined][] = [
    [{ x: 0, y: 3 }, 'E'],
    [{ x: 1, y: 3 }, 'E'],
    [{ x: 2, y: 3 }, 'N'],
    [{ x: 2, y: 2 }, 'E'],
    [{ x: 3, y: 2 }, 'E'],
    [{ x: 4, y: 2 }, undefined],
  ];
  const steps = path.map(([state, move]) => (move === undefined ? { state } : { state, action: move }));
  const result = inferGoal(hypotheses, steps, { engine: exact({ backup: 'boltzmann' }) });

  console.log(`Goal inference: ${hypotheses.length} hypotheses (3 goals × α ∈ {${alphas.join(', ')}}), Boltzmann agents, T = ${T}`);
  console.log(map(path.map(([c]) => c)));
  console.log('');
  const goals = Object.keys(GOALS);
  console.log(`step  seen           ${goals.map((g) => g.padEnd(24)).join('')}`);
  path.forEach(([c, m], t) => {
    const p = result.posterior(t);
    const byGoal = goals.map((_, g) => p[2 * g]! + p[2 * g + 1]!);
    const bars = byGoal.map((q) => `${'█'.repeat(Math.round(q * 16)).padEnd(16)} ${q.toFixed(3)}  `).join('');
    console.log(`${String(t).padStart(4)}  (${c.x},${c.y}) ${(m ?? '?').padEnd(6)} ${bars}`);
  });
  const last = result.posterior(path.length - 1);
  console.log('');
  console.log(`p(α = ${alphas[0]} | steps) = ${goals.reduce((sum, _g, g) => sum + last[2 * g]!, 0).toFixed(3)} (the agent looks ${goals.reduce((sum, _g, g) => sum + last[2 * g]!, 0) > 0.5 ? 'near-rational' : 'noisy'})`);
  const next = result.nextAction.support.map((a, i) => `${a} ${result.nextAction.probs[i]!.toFixed(3)}`).join(', ');
  console.log(`next move at (4,2): ${next}`);
}

/** The grid with walls (#), goals (D N V) and the observed path (*). */
function map(path: readonly Cell[]): string {
  const rows: string[] = [];
  for (let y = 0; y < H; y++) {
    let row = '';
    for (let x = 0; x < W; x++) {
      const c = { x, y };
      const goal = Object.entries(GOALS).find(([, g]) => g.x === x && g.y === y)?.[0];
      row += wall(c) ? '# ' : goal ? `${goal[0]!.toUpperCase()} ` : path.some((p) => p.x === x && p.y === y) ? '* ' : '· ';
    }
    rows.push(`    ${row.trimEnd()}`);
  }
  return rows.join('\n');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main();
