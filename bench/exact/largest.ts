/**
 * `npm run bench:largest`: issue 17's row "largest gridworld, compile + solve +
 * every V_t, in 10 s". For each N, in a fresh process (so one size's garbage
 * and peak RSS cannot leak into the next): build the model, `compile` it, run
 * `exact()`, read every V_t (t = 0 … T − 1, each a copy the caller owns), with
 * wall and CPU time of each stage and the process's peak RSS. The gridworld
 * is bench:compile's (bench/exact/gridworld.ts: 4 actions N/S/E/W, absorbing
 * goal, T = 100), the one issue 17's compile row is measured on. One round
 * per size: at 1600² one round is ~10 s of both cores' worth of memory
 * traffic, and the figure asked for is a single user's end-to-end run.
 *
 *   npx tsx bench/exact/largest.ts --sizes 1000,1600
 *   npx tsx bench/exact/largest.ts --sizes 1600 --budget 10   (exit code 1 if over budget)
 *
 * Text on stderr, JSON in bench/out/largest-latest.json.
 */
import { fork } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { compile, exact } from '../../src/index.js';
import { gridworld, HORIZON } from './gridworld.js';

const { values: args } = parseArgs({
  options: { sizes: { type: 'string', default: '900,1000,1200,1400,1600' }, budget: { type: 'string', default: '10' }, child: { type: 'string' } },
});

interface Stage {
  wall: number;
  cpu: number;
  /** The kernel's share of cpu (page faults: the value table is 2 GB of fresh pages at 1600²). */
  sys: number;
}
interface Row {
  n: number;
  states: number;
  nnz: number;
  model: Stage;
  compile: Stage;
  solve: Stage;
  read: Stage;
  total: Stage;
  peakRssMB: number;
}

function stage<T>(f: () => T): [T, Stage] {
  const c = process.cpuUsage();
  const w = performance.now();
  const out = f();
  const used = process.cpuUsage(c);
  return [out, { wall: (performance.now() - w) / 1000, cpu: (used.user + used.system) / 1e6, sys: used.system / 1e6 }];
}

/** One size, in this (child) process. */
function measure(n: number): Row {
  const [m, tm] = stage(() => gridworld(n));
  const [graph, tc] = stage(() => compile(m));
  const [post, ts] = stage(() => exact().run(graph, {}));
  // Every V_t, t = 0 … T; a checksum keeps the reads from being optimised away.
  const [, tr] = stage(() => {
    let sum = 0;
    for (let t = 0; t < HORIZON; t++) sum += post.V(t)[0]!;
    return sum;
  });
  const add = (...xs: Stage[]) => ({ wall: xs.reduce((a, x) => a + x.wall, 0), cpu: xs.reduce((a, x) => a + x.cpu, 0), sys: xs.reduce((a, x) => a + x.sys, 0) });
  return {
    n,
    states: n * n,
    nnz: graph.dynamics.nnz,
    model: tm,
    compile: tc,
    solve: ts,
    read: tr,
    total: add(tm, tc, ts, tr),
    peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}

if (args.child !== undefined) {
  process.send!(measure(Number(args.child)));
} else {
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const budget = Number(args.budget);
  log(`largest gridworld in ${budget} s: model + compile + exact().run + every V_t (t = 0 … ${HORIZON - 1}), 4 actions, T = ${HORIZON}, one fresh process per size`);
  log(`node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  log('     N      states         nnz   model    compile wall/CPU s   solve wall/CPU s   V_t wall/CPU s   total wall/CPU s   peak RSS MB   (system CPU: solve, V_t)');
  const rows: Row[] = [];
  for (const n of args.sizes.split(',').map(Number)) {
    const row = await new Promise<Row>((resolve, reject) => {
      const child = fork(fileURLToPath(import.meta.url), ['--child', String(n)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      let got: Row | undefined;
      child.on('message', (r) => (got = r as Row));
      child.on('exit', (code) => (got !== undefined ? resolve(got) : reject(new Error(`size ${n}: child exited with ${code}`))));
    });
    rows.push(row);
    const s = (x: Stage) => `${x.wall.toFixed(2).padStart(6)} / ${x.cpu.toFixed(2).padStart(6)}`;
    log(
      `${String(n).padStart(6)} ${String(row.states).padStart(11)} ${String(row.nnz).padStart(11)}  ${row.model.wall.toFixed(2).padStart(5)}    ${s(row.compile)}      ${s(row.solve)}   ${s(row.read)}   ${s(row.total)}   ${String(row.peakRssMB).padStart(8)}      ${row.solve.sys.toFixed(2)}, ${row.read.sys.toFixed(2)}`,
    );
  }
  // Wall time is the row's figure; CPU time beside it, since on a shared machine wall time also counts other processes.
  const within = (of: (r: Row) => number) => rows.filter((r) => of(r) <= budget).reduce<Row | undefined>((a, b) => (a === undefined || b.n > a.n ? b : a), undefined);
  const largest = within((r) => r.total.wall);
  const largestCpu = within((r) => r.total.cpu);
  const say = (r: Row | undefined, by: string) => log(r === undefined ? `no size fits in ${budget} s (${by})` : `largest within ${budget} s (${by}): ${r.n}×${r.n} (${r.total.wall.toFixed(2)} s wall, ${r.total.cpu.toFixed(2)} s CPU)`);
  say(largest, 'wall');
  say(largestCpu, 'CPU');
  const outDir = fileURLToPath(new URL('../out/', import.meta.url));
  mkdirSync(outDir, { recursive: true });
  writeFileSync(`${outDir}largest-latest.json`, `${JSON.stringify({ bench: 'largest', date: new Date().toISOString(), node: process.version, load: os.loadavg(), horizon: HORIZON, budget, rows, largest: largest?.n, largestByCpu: largestCpu?.n }, null, 2)}\n`);
  log('JSON in bench/out/largest-latest.json');
}
