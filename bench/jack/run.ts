/**
 * `npm run bench:jack`: Jack's car rental (bench/jack/model.ts), end to end,
 * beside numpy policy iteration (bench/jack/reference.py, which builds its own
 * dense P and r from the same Poisson arithmetic).
 *
 *   npx tsx bench/jack/run.ts --rounds 5
 *
 * Ours: compile(model) (tabulating 441 × 11 categorical rows of up to 441
 * records) and infer(graph, exact({ backup: 'fixed-dynamics' })) at α = 0,
 * γ = 0.9 (value iteration to ‖V − TV‖∞ < 1e-10). numpy: building P, r, then
 * policy iteration with exact solves. Rounds are interleaved (ours, numpy, ours,
 * …) after one warm-up round of each; every figure is the median over rounds,
 * CPU time beside wall. Text on stderr; JSON in bench/out/jack-latest.json.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { compile, exact, infer } from '../../src/index.js';
import { median } from '../exact/stats.js';
import { findPython } from '../python.js';
import { jacksCarRental } from './model.js';

const { values: args } = parseArgs({ options: { rounds: { type: 'string', default: '5' }, 'no-numpy': { type: 'boolean', default: false } } });
const rounds = Number(args.rounds);
const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const log = (line: string) => process.stderr.write(`${line}\n`);

interface Timing {
  wall: number[];
  cpu: number[];
}
const timing = (): Timing => ({ wall: [], cpu: [] });
function timed<T>(into: Timing | undefined, f: () => T): T {
  const w = performance.now();
  const c = process.cpuUsage();
  const result = f();
  const used = process.cpuUsage(c);
  into?.wall.push((performance.now() - w) / 1000);
  into?.cpu.push((used.user + used.system) / 1e6);
  return result;
}

const python = args['no-numpy'] ? undefined : findPython(['numpy']);
log(`Jack's car rental: ${rounds} interleaved rounds after one warm-up; node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}`);
log(python === undefined ? 'numpy peer: skipped' : `numpy peer: ${python.describe}`);

const model = jacksCarRental();
const ours = { compile: timing(), solve: timing() };
const peer = { build: timing(), solve: timing() };
let iterations = 0;
let policyIterations = 0;
let worst = 0;
for (let r = -1; r < rounds; r++) {
  const warm = r < 0;
  const graph = timed(warm ? undefined : ours.compile, () => compile(model));
  const post = timed(warm ? undefined : ours.solve, () => infer(graph, exact({ backup: 'fixed-dynamics' })));
  // Read V so that nothing is left lazy inside the timed region's result.
  const V = post.V(0);
  iterations = post.convergence?.iterations ?? 0;
  if (python === undefined) continue;
  // One thread, as ours has.
  const env = { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
  const run = spawnSync(python.path, [here('./reference.py')], { input: '{"rounds":1}', encoding: 'utf8', env, maxBuffer: 1 << 24 });
  if (run.status !== 0) throw new Error(`reference.py failed: ${run.stderr}`);
  const out = JSON.parse(run.stdout) as { V: number[]; iterations: number; buildWall: number; buildCpu: number; solveWall: number; solveCpu: number };
  if (!warm) {
    peer.build.wall.push(out.buildWall);
    peer.build.cpu.push(out.buildCpu);
    peer.solve.wall.push(out.solveWall);
    peer.solve.cpu.push(out.solveCpu);
  }
  policyIterations = out.iterations;
  worst = Math.max(worst, ...out.V.map((v, s) => Math.abs(v - V[s]!)));
}

const m = (t: Timing) => ({ wall: median(t.wall), cpu: median(t.cpu) });
const rows = {
  compile: m(ours.compile),
  solve: m(ours.solve),
  ...(python !== undefined ? { numpyBuild: m(peer.build), numpySolve: m(peer.solve) } : {}),
};
const fmt = (x: { wall: number; cpu: number }) => `${x.wall.toFixed(3)} s wall, ${x.cpu.toFixed(3)} s CPU`;
log(`compile (441 × 11 rows, 2.1 M entries)   ${fmt(rows.compile)}   target ≤ 0.5 s`);
log(`solve (value iteration, ${iterations} sweeps) ${fmt(rows.solve)}`);
const oursTotal = { wall: rows.compile.wall + rows.solve.wall, cpu: rows.compile.cpu + rows.solve.cpu };
log(`ours end to end                         ${fmt(oursTotal)}`);
if (rows.numpyBuild !== undefined && rows.numpySolve !== undefined) {
  const numpyTotal = { wall: rows.numpyBuild.wall + rows.numpySolve.wall, cpu: rows.numpyBuild.cpu + rows.numpySolve.cpu };
  log(`numpy build P, r                        ${fmt(rows.numpyBuild)}`);
  log(`numpy policy iteration (${policyIterations} iterations)  ${fmt(rows.numpySolve)}`);
  log(`numpy end to end                        ${fmt(numpyTotal)}`);
  log(`ours ÷ numpy end to end: ${(oursTotal.cpu / numpyTotal.cpu).toFixed(2)}× CPU, ${(oursTotal.wall / numpyTotal.wall).toFixed(2)}× wall; max |V − V_numpy| = ${worst.toExponential(1)}`);
}
const outDir = here('../out/');
mkdirSync(outDir, { recursive: true });
const json = { bench: 'jack', date: new Date().toISOString(), node: process.version, cpu: os.cpus()[0]?.model, rounds, python: python ?? null, iterations, policyIterations, maxAbsDiffV: worst, seconds: rows };
writeFileSync(`${outDir}jack-latest.json`, `${JSON.stringify(json, null, 2)}\n`);
log('JSON in bench/out/jack-latest.json');
