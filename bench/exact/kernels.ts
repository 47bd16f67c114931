/**
 * Kernel rows of issue 17 on a slippery 5-action N×N gridworld, T = 100:
 *
 *   npm run bench:kernels -- [--n 200] [--rounds 7] [--sample-ms 400] [--baseline /other/checkout/src/index.ts]
 *                            [--discounted 0.99,0.999] [--discounted-n 100] [--discounted-rounds 3]
 *
 * - actions N, S, E, W, stay under the uniform prior; a move goes where
 *   intended with 0.8 and to each perpendicular side with 0.1 (walls stay
 *   put); `stay` stays with 0.8 and slips N or S with 0.1 each; no absorbing
 *   cell; every step costs −1, a fixed scatter of ~6 % "cliff" cells −10;
 * - rows (each a pass on the already compiled graph):
 *     backward        exact().run(graph)                          (lazy logs)
 *     backward+all V  the same, then post.V(t) for every t
 *     backward+fwd    the same run, then post.stateMarginal(T − 1)
 *     fixed+all V     exact({ backup: 'fixed-dynamics' }).run, then every V(t)
 * - every sample runs enough back-to-back passes to last ≥ --sample-ms (400 ms;
 *   at 200×200 one backward+fwd pass allocates 64 MB of typed arrays, and with
 *   one pass per sample the garbage collection it causes is often paid inside
 *   the next row's sample: 400 ms keeps each row's GC in its own, and 40 ms
 *   showed backward+fwd / backward as 1.96 where 400 ms showed 1.63); rounds
 *   interleave the rows (and, with --baseline, the same rows on another
 *   checkout's build loaded into the same process), after one warm-up round;
 *   medians over rounds of wall and CPU time (process.cpuUsage: user + system),
 *   per pass and per (transition entry × step) = time / (nnz · T).
 *
 * - discounted rows (--discounted γ,…; none by default): the same gridworld at
 *   --discounted-n under discount(γ), solved to ‖V − TV‖∞ < 1e-10 by each
 *   backup, one solve per round, interleaved with numpy soft value iteration
 *   (bench/exact/discounted.py, on the same compiled arrays, run by Debian's
 *   /usr/bin/python3 and its python3-numpy when present — its version and
 *   file are printed) and, with --baseline, the other checkout's solve.
 *
 * Machine-readable JSON follows the table on stdout (one line, `JSON `).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { discount } from '../../src/index.js';
// As the package's Node entry (src/node-main.ts) does: the generated fixed-dynamics step.
import * as here from '../../src/node-main.js';
import type { FactorGraph } from '../../src/index.js';
import { HORIZON, slipperyGraph, type Action as Act } from './gridworld.js';
import { median } from './stats.js';

type Cell = number;
const T = HORIZON;

/** The peers' slippery 5-action gridworld (bench/exact/gridworld.ts), finite T or discounted. */
function graphOf(n: number, gamma?: number): FactorGraph<Cell, Act> {
  return slipperyGraph(n, T, gamma === undefined ? undefined : discount(gamma));
}

/** The part of the public API the rows use (this checkout's, or a baseline's). */
type Api = Pick<typeof here, 'exact'>;

type Row = (api: Api, graph: FactorGraph<Cell, Act>) => void;
const ROWS: Record<string, Row> = {
  backward: (api, g) => void api.exact().run(g, {}),
  'backward+all V': (api, g) => {
    const post = api.exact().run(g, {});
    for (let t = 0; t <= T - 1; t++) post.V(t);
  },
  'backward+fwd': (api, g) => void api.exact().run(g, {}).stateMarginal(T - 1),
  'fixed+all V': (api, g) => {
    const post = api.exact({ backup: 'fixed-dynamics' }).run(g, {});
    for (let t = 0; t <= T - 1; t++) post.V(t);
  },
};

interface Sample {
  wall: number;
  cpu: number;
}

function sample(run: () => void, batch: number): Sample {
  const c0 = process.cpuUsage();
  const w0 = performance.now();
  for (let i = 0; i < batch; i++) run();
  const wall = (performance.now() - w0) / batch;
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / 1000 / batch };
}

function argument(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const n = Number(argument('n') ?? 200);
  const rounds = Number(argument('rounds') ?? 7);
  const sampleMs = Number(argument('sample-ms') ?? 400);
  const baselinePath = argument('baseline');
  const apis: [string, Api][] = [['this', here]];
  if (baselinePath !== undefined) apis.push(['baseline', (await import(baselinePath)) as Api]);
  const graph = graphOf(n);
  const nnz = graph.dynamics.nnz;
  const jobs = apis.flatMap(([who, api]) => Object.entries(ROWS).map(([row, run]) => ({ key: `${who}: ${row}`, run: () => run(api, graph) })));
  // Batch sizes from one warm-up round, then `rounds` interleaved rounds.
  const batch = new Map<string, number>();
  for (const job of jobs) {
    const once = sample(job.run, 1);
    batch.set(job.key, Math.max(1, Math.ceil(sampleMs / once.wall)));
  }
  const samples = new Map<string, Sample[]>(jobs.map((j) => [j.key, []]));
  for (let r = 0; r < rounds; r++) for (const job of jobs) samples.get(job.key)!.push(sample(job.run, batch.get(job.key)!));
  const result: Record<string, { wallMs: number; cpuMs: number; nsPerEntryStep: number }> = {};
  console.log(`slippery 5-action gridworld ${n}×${n}: S = ${graph.nS}, nnz = ${nnz}, T = ${T}; ${rounds} rounds; node ${process.version}`);
  console.log('row'.padEnd(34) + 'wall ms'.padStart(10) + 'cpu ms'.padStart(10) + 'ns/(nnz·T)'.padStart(12));
  for (const job of jobs) {
    const xs = samples.get(job.key)!;
    const wallMs = median(xs.map((x) => x.wall));
    const cpuMs = median(xs.map((x) => x.cpu));
    const ns = (cpuMs * 1e6) / (nnz * T);
    result[job.key] = { wallMs, cpuMs, nsPerEntryStep: ns };
    console.log(job.key.padEnd(34) + wallMs.toFixed(1).padStart(10) + cpuMs.toFixed(1).padStart(10) + ns.toFixed(2).padStart(12));
  }
  const ratio = (a: string, b: string) => (result[a] && result[b] ? result[a]!.cpuMs / result[b]!.cpuMs : NaN);
  for (const [who] of apis) {
    console.log(`${who}: (backward + forward) / backward = ${ratio(`${who}: backward+fwd`, `${who}: backward`).toFixed(2)}  (target ≤ 2)`);
  }
  const discounted = (argument('discounted') ?? '').split(',').filter((x) => x !== '').map(Number);
  const dResult = discounted.length > 0 ? discountedRows(apis, discounted, Number(argument('discounted-n') ?? 100), Number(argument('discounted-rounds') ?? 3)) : {};
  console.log(`JSON ${JSON.stringify({ n, nS: graph.nS, nnz, T, rounds, node: process.version, rows: result, discounted: dResult })}`);
}

const TOLERANCE = 1e-10;
/** Debian's python3 (python3-numpy) when present, else whatever python3 is first on the PATH. */
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

interface Solve {
  wallS: number;
  cpuS: number;
  sweeps: number;
  residual: number;
}

function discountedRows(apis: [string, Api][], gammas: number[], n: number, rounds: number): Record<string, Record<string, number | string>> {
  const out: Record<string, Record<string, number | string>> = {};
  for (const gamma of gammas) {
    const graph = graphOf(n, gamma);
    const folder = mkdtempSync(join(tmpdir(), 'cai-kernels-'));
    writeFileSync(join(folder, 'meta.json'), JSON.stringify({ nS: graph.nS, nA: graph.nA, alpha: graph.alpha, gamma, tolerance: TOLERANCE }));
    const raw = (name: string, a: Int32Array | Float64Array) => writeFileSync(join(folder, name), new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
    raw('rowStart.i32', graph.dynamics.rowStart);
    raw('next.i32', graph.dynamics.next);
    raw('prob.f64', graph.dynamics.prob);
    raw('reward.f64', graph.reward);
    raw('prior.f64', graph.prior);
    console.log(`discounted γ = ${gamma}, ${n}×${n} (S = ${graph.nS}), to ‖V − TV‖∞ < ${TOLERANCE}; ${rounds} rounds; ${PYTHON}`);
    for (const backup of ['posterior', 'fixed-dynamics'] as const) {
      const runs = new Map<string, Solve[]>();
      let numpy = '';
      for (let r = 0; r < rounds; r++) {
        for (const [who, api] of apis) {
          const c0 = process.cpuUsage();
          const w0 = performance.now();
          const post = api.exact({ backup, tolerance: TOLERANCE }).run(graph, {});
          const c = process.cpuUsage(c0);
          const solve = { wallS: (performance.now() - w0) / 1000, cpuS: (c.user + c.system) / 1e6, sweeps: post.convergence!.iterations, residual: post.convergence!.residual };
          runs.set(who, [...(runs.get(who) ?? []), solve]);
        }
        const py = JSON.parse(execFileSync(PYTHON, [join(import.meta.dirname, 'discounted.py'), folder, backup], { encoding: 'utf8' })) as Solve & { numpy: string; numpyFile: string };
        numpy = `numpy ${py.numpy} (${py.numpyFile})`;
        runs.set('numpy', [...(runs.get('numpy') ?? []), py]);
      }
      const numpyCpu = median(runs.get('numpy')!.map((x) => x.cpuS));
      for (const [who, xs] of runs) {
        const cpu = median(xs.map((x) => x.cpuS));
        const wall = median(xs.map((x) => x.wallS));
        const key = `γ=${gamma} ${backup} ${who}`;
        out[key] = { cpuS: cpu, wallS: wall, sweeps: xs[0]!.sweeps, residual: xs[0]!.residual, numpyCpuOverThis: numpyCpu / cpu };
        console.log(`  ${backup.padEnd(15)} ${who.padEnd(9)} cpu ${cpu.toFixed(3)} s  wall ${wall.toFixed(3)} s  ${String(xs[0]!.sweeps).padStart(6)} sweeps  residual ${xs[0]!.residual.toExponential(2)}  numpy/this ${(numpyCpu / cpu).toFixed(2)}×`);
      }
      out[`γ=${gamma} ${backup} numpy`]!['numpy'] = numpy;
      console.log(`  ${numpy}`);
    }
    rmSync(folder, { recursive: true });
  }
  return out;
}

void main();
