/**
 * `npm run bench:compile`: compile(model) beside the solve it feeds, on the
 * slippery gridworld of bench/exact/gridworld.ts (4 actions, T = 100), at each
 * size. Solve = exact().run(graph) with every V_t read (nothing left lazy).
 * Interleaved rounds (compile, solve, compile, …) after one warm-up of each;
 * each figure is per call from a batch lasting ≥ 50 ms; medians of wall and CPU time. Text on stderr, JSON in bench/out/compile-latest.json.
 *
 *   npx tsx bench/exact/compile.ts --sizes 10,50,200,500,1000 --rounds 3
 *   npx tsx bench/exact/compile.ts --sizes 1600 --rounds 1 --no-solve
 *   npx tsx bench/exact/compile.ts --sizes 1000 --processes 5
 *
 * `--processes K`: the first compile of a fresh process, in K processes per size (model built,
 * then one compile timed; no solve). Why: V8 decides per process whether to pretenure the
 * transition's objects, and compile at 1000² was 1.6 s in some processes and 5.8 s in others — a
 * median of rounds in one process shows only one of the two. Each process's CPU time is printed,
 * then min / median / max; JSON in bench/out/compile-processes-latest.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { fork } from 'node:child_process';
import { compile, exact } from '../../src/index.js';
import { gridworld, HORIZON } from './gridworld.js';
import { median } from './stats.js';

const { values: args } = parseArgs({
  options: { sizes: { type: 'string', default: '10,25,50,100,200,500,1000' }, rounds: { type: 'string', default: '3' }, 'no-solve': { type: 'boolean', default: false }, processes: { type: 'string' }, child: { type: 'string' } },
});
const sizes = args.sizes.split(',').map(Number);
const rounds = Number(args.rounds);
const log = (line: string) => process.stderr.write(`${line}\n`);

/** Seconds per call of f (wall and CPU), from a batch of calls lasting ≥ 50 ms: small sizes are sub-millisecond. */
function timed(f: () => void): { wall: number; cpu: number } {
  for (let batch = 1; ; batch *= 4) {
    const c = process.cpuUsage();
    const w = performance.now();
    for (let i = 0; i < batch; i++) f();
    const used = process.cpuUsage(c);
    const wall = (performance.now() - w) / 1000;
    if (wall >= 0.05) return { wall: wall / batch, cpu: (used.user + used.system) / 1e6 / batch };
  }
}

/** In a child: build the model, compile once, send the times of that first compile. */
if (args.child !== undefined) {
  const m = gridworld(Number(args.child));
  const c = process.cpuUsage();
  const w = performance.now();
  const graph = compile(m);
  const used = process.cpuUsage(c);
  process.send!({ wall: (performance.now() - w) / 1000, cpu: (used.user + used.system) / 1e6, nnz: graph.dynamics.nnz });
  process.exit(0);
}

if (args.processes !== undefined) {
  const k = Number(args.processes);
  log(`compile, first call in each of ${k} fresh processes per size; slippery gridworld, 4 actions; node ${process.version}, load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  const rows = [];
  for (const n of sizes) {
    const runs: { wall: number; cpu: number }[] = [];
    for (let i = 0; i < k; i++) {
      runs.push(
        await new Promise<{ wall: number; cpu: number }>((resolve, reject) => {
          const child = fork(fileURLToPath(import.meta.url), ['--child', String(n)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
          let got: { wall: number; cpu: number } | undefined;
          child.on('message', (r) => (got = r as { wall: number; cpu: number }));
          child.on('exit', (code) => (got !== undefined ? resolve(got) : reject(new Error(`size ${n}: child exited with ${code}`))));
        }),
      );
    }
    const cpus = runs.map((r) => r.cpu).sort((a, b) => a - b);
    rows.push({ n, runs, cpu: { min: cpus[0], median: median(cpus), max: cpus[cpus.length - 1] } });
    log(`${String(n).padStart(6)}  compile CPU s per process: ${runs.map((r) => r.cpu.toFixed(3)).join(' ')}   (wall ${runs.map((r) => r.wall.toFixed(3)).join(' ')})   min ${cpus[0]!.toFixed(3)} median ${median(cpus).toFixed(3)} max ${cpus[cpus.length - 1]!.toFixed(3)}`);
  }
  const outDir = fileURLToPath(new URL('../out/', import.meta.url));
  mkdirSync(outDir, { recursive: true });
  writeFileSync(`${outDir}compile-processes-latest.json`, `${JSON.stringify({ bench: 'compile-processes', date: new Date().toISOString(), node: process.version, load: os.loadavg(), processes: k, rows }, null, 2)}\n`);
  log('JSON in bench/out/compile-processes-latest.json');
  process.exit(0);
}

log(`compile beside solve, slippery gridworld, 4 actions, T = ${HORIZON}; ${rounds} interleaved rounds after a warm-up; node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}`);
log('     N        states   compile wall / CPU ms     solve wall / CPU ms     compile ÷ solve (CPU)');
const rows = [];
for (const n of sizes) {
  const m = gridworld(n);
  const c: { wall: number; cpu: number }[] = [];
  const s: { wall: number; cpu: number }[] = [];
  for (let r = rounds > 1 ? -1 : 0; r < rounds; r++) {
    let graph: ReturnType<typeof compile> | undefined;
    const tc = timed(() => void (graph = compile(m)));
    const ts = args['no-solve']
      ? undefined
      : timed(() => {
          const post = exact().run(graph!, {});
          for (let t = 0; t < HORIZON; t++) post.V(t);
        });
    graph = undefined;
    if (r < 0) continue;
    c.push(tc);
    if (ts !== undefined) s.push(ts);
  }
  const med = (xs: { wall: number; cpu: number }[]) => (xs.length === 0 ? undefined : { wall: median(xs.map((x) => x.wall)), cpu: median(xs.map((x) => x.cpu)) });
  const row = { n, states: n * n, compile: med(c)!, solve: med(s), rssMB: Math.round(process.memoryUsage().rss / 2 ** 20) };
  rows.push(row);
  const ms = (x: number) => (x * 1000).toPrecision(3).padStart(8);
  const solveText = row.solve === undefined ? '—'.padStart(19) : `${ms(row.solve.wall)} / ${ms(row.solve.cpu)}`;
  log(`${String(n).padStart(6)} ${String(n * n).padStart(13)}   ${ms(row.compile.wall)} / ${ms(row.compile.cpu)}   ${solveText}   ${row.solve === undefined ? '—' : (row.compile.cpu / row.solve.cpu).toFixed(2)}`);
}
const outDir = fileURLToPath(new URL('../out/', import.meta.url));
mkdirSync(outDir, { recursive: true });
writeFileSync(`${outDir}compile-latest.json`, `${JSON.stringify({ bench: 'compile', date: new Date().toISOString(), node: process.version, horizon: HORIZON, rounds, rows }, null, 2)}\n`);
log('JSON in bench/out/compile-latest.json');
