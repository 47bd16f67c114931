/**
 * `npm run bench:lqr`: exact() on a 20-dimensional linear-Gaussian model over
 * T = 1000 (5-dimensional action), against a numpy soft Riccati recursion
 * (bench/lqr/riccati.py) run side by side on the same matrices, both backups.
 *
 * For each backup: the median CPU time of `reps` solves on each side
 * (TypeScript: process.cpuUsage around infer() — compiling the model, the
 * backward pass and the value; the posterior's forward pass is built on the
 * first query that needs it; numpy: time.process_time around the backward
 * pass), the ratio, and the largest differences in K_0, P_0 and v_0
 * (they must agree to 1e-8 relative, or the run fails).
 *
 *   npm run bench:lqr                    n = 20, d = 5, T = 1000, 3 reps
 *   npm run bench:lqr -- --quick         n = 10, T = 200, 1 rep
 *   npm run bench:lqr -- --no-numpy      TypeScript only
 *
 * Progress goes to stderr, the table to stdout, everything as JSON to bench/out/lqr.json.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { exact, horizon, infer, isGaussianPosterior, linearGaussian, model, quadratic, rng, state, temperature, action } from '../../src/index.js';

const { values } = parseArgs({ options: { quick: { type: 'boolean' }, 'no-numpy': { type: 'boolean' }, reps: { type: 'string' } } });
const quick = values.quick === true;
const n = quick ? 10 : 20;
const d = 5;
const T = quick ? 200 : 1000;
const reps = Number(values.reps ?? (quick ? 1 : 3));
const alpha = 0.5;
const log = (message: string) => process.stderr.write(`[bench:lqr] ${message}\n`);

// A seeded random system: A near the identity (a slowly mixing discretised system), B, W, Q, R symmetric positive definite.
const random = rng(19);
const g = () => Math.sqrt(-2 * Math.log(Math.max(random.next(), 1e-300))) * Math.cos(2 * Math.PI * random.next());
const matrix = (r: number, c: number, s: number) => Array.from({ length: r }, () => Array.from({ length: c }, () => s * g()));
const spd = (k: number, s: number, ridge: number) => {
  const L = matrix(k, k, s);
  return L.map((_, i) => L.map((__, j) => L[i]!.reduce((acc, x, l) => acc + x * L[j]![l]!, 0) + (i === j ? ridge : 0)));
};
const A = matrix(n, n, 0.05).map((row, i) => row.map((v, j) => v + (i === j ? 1 : 0)));
const B = matrix(n, d, 0.1);
const W = spd(n, 0.05, 0.01);
const Q = spd(n, 0.1, 0.1);
const R = spd(d, 0.1, 0.5);
const QT = spd(n, 0.2, 1);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const lqr = model(
  state.simulated('x', { initial: new Array<number>(n).fill(1) }),
  action.continuous('u', d),
  linearGaussian({ A, B, W }),
  quadratic({ Q, R }),
  quadratic.terminal({ Q: QT }),
  temperature(alpha),
  horizon(T),
);

type Backup = 'fixed-dynamics' | 'posterior';
const backups: Backup[] = ['fixed-dynamics', 'posterior'];
const ours: Record<string, { seconds: number; K0: number[][]; P0: number[][]; v0: number }> = {};
for (const backup of backups) {
  const times: number[] = [];
  let last: unknown;
  for (let i = 0; i < reps; i++) {
    const start = process.cpuUsage();
    last = infer(lqr, exact({ backup }));
    const used = process.cpuUsage(start);
    times.push((used.user + used.system) / 1e6);
  }
  if (!isGaussianPosterior(last)) throw new Error('expected a Gaussian posterior');
  ours[backup] = { seconds: median(times), K0: last.gains(0).K, P0: last.V(0).P, v0: last.V(0).c };
  log(`TypeScript ${backup}: ${median(times).toFixed(3)} s CPU (median of ${reps})`);
}

let numpy: Record<string, { seconds: number; K0: number[][]; P0: number[][]; v0: number }> | undefined;
if (values['no-numpy'] !== true) {
  const script = fileURLToPath(new URL('./riccati.py', import.meta.url));
  const run = spawnSync('python3', [script], { input: JSON.stringify({ A, B, W, Q, R, QT, alpha, T, reps, backups }), encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`numpy failed: ${run.stderr}`);
  numpy = JSON.parse(run.stdout) as typeof numpy;
}

const maxRel = (a: number[][], b: number[][]) => Math.max(...a.flatMap((row, i) => row.map((x, j) => Math.abs(x - b[i]![j]!) / Math.max(1, Math.abs(b[i]![j]!)))));
console.log(`soft LQR: n = ${n}, d = ${d}, T = ${T}, α = ${alpha}; median CPU seconds of ${reps} solve(s)`);
console.log('backup            TypeScript    numpy    ratio   max rel diff K_0, P_0, v_0');
const rows = backups.map((backup) => {
  const o = ours[backup]!;
  const p = numpy?.[backup];
  const diff = p ? [maxRel(o.K0, p.K0), maxRel(o.P0, p.P0), Math.abs(o.v0 - p.v0) / Math.max(1, Math.abs(p.v0))] : undefined;
  console.log(`${backup.padEnd(16)} ${o.seconds.toFixed(3).padStart(10)} ${p ? p.seconds.toFixed(3).padStart(8) : '       —'} ${p ? (o.seconds / p.seconds).toFixed(2).padStart(8) : '       —'}   ${diff ? diff.map((x) => x.toExponential(1)).join(', ') : '—'}`);
  if (diff && diff.some((x) => !(x < 1e-8))) throw new Error(`${backup}: TypeScript and numpy disagree (${diff.join(', ')})`);
  return { backup, typescript: o.seconds, numpy: p?.seconds, diff };
});
const out = fileURLToPath(new URL('../out/', import.meta.url));
mkdirSync(out, { recursive: true });
writeFileSync(`${out}lqr.json`, JSON.stringify({ n, d, T, alpha, reps, rows }, null, 2));
