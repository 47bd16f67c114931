/**
 * WebPPL's SMC on the benchmark gridworld, in its own process (WebPPL installs globals):
 *   tsx bench/importance/webppl-worker.ts GRID T PARTICLES REPETITIONS
 * Compiles bench/importance/webppl/smc.wppl once (not timed), runs
 * `Infer({ method: 'SMC', particles })` REPETITIONS times after a warm-up, and
 * prints one JSON line: the median time, particles/s, trajectory-steps/s and
 * the log p(O) estimates.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { gridworldGraph } from '../exact/gridworld.js';
import { median } from '../exact/stats.js';

/** The part of webppl's CommonJS API used here (src/main.js). */
interface WebPPL {
  compile(code: string, options?: { filename?: string }): unknown;
  prepare(compiled: unknown, k: (store: unknown, value: unknown) => void, options?: { initialStore?: Record<string, unknown> }): { run(): void };
}

export interface WebpplSmcResult {
  readonly grid: number;
  readonly horizon: number;
  readonly particles: number;
  readonly repetitions: number;
  readonly medianMs: number;
  readonly particlesPerSecond: number;
  readonly stepsPerSecond: number;
  /** log Ẑ of each timed run. */
  readonly logEvidence: readonly number[];
}

const require = createRequire(import.meta.url);
const webppl = require('webppl') as WebPPL;

function runOnce(compiled: unknown, initialStore: Record<string, unknown>): Promise<{ ms: number; logZ: number }> {
  return new Promise((resolve, reject) => {
    let t0 = 0;
    try {
      const program = webppl.prepare(
        compiled,
        (_store, value) => resolve({ ms: performance.now() - t0, logZ: (value as { normalizationConstant: number }).normalizationConstant }),
        { initialStore },
      );
      t0 = performance.now();
      program.run();
    } catch (error) {
      reject(error instanceof Error ? error : new Error(String(error)));
    }
  });
}

async function main(): Promise<void> {
  const [grid, T, particles, repetitions] = process.argv.slice(2, 6).map(Number) as [number, number, number, number];
  if (![grid, T, particles, repetitions].every((x) => Number.isInteger(x) && x >= 1)) {
    throw new Error('usage: webppl-worker.ts GRID T PARTICLES REPETITIONS');
  }
  const graph = gridworldGraph(grid, T);
  const { nS, nA } = graph;
  const { rowStart, next, prob } = graph.dynamics;
  const rows = (f: (s: number, a: number) => unknown) => Array.from({ length: nS }, (_, s) => Array.from({ length: nA }, (_, a) => f(s, a)));
  const slice = (arr: Int32Array | Float64Array, row: number) => Array.from(arr.subarray(rowStart[row]!, rowStart[row + 1]!));
  const store = {
    particles,
    model: {
      nS,
      nA,
      T,
      succ: rows((s, a) => slice(next, s * nA + a)),
      prob: rows((s, a) => slice(prob, s * nA + a)),
      reward: rows((s, a) => graph.reward[s * nA + a]!),
      prior: Array.from({ length: nS }, (_, s) => Array.from(graph.prior.subarray(s * nA, s * nA + nA))),
    },
  };
  const source = readFileSync(fileURLToPath(new URL('./webppl/smc.wppl', import.meta.url)), 'utf8');
  const compiled = webppl.compile(source, { filename: 'smc.wppl' });
  await runOnce(compiled, store);
  const times: number[] = [];
  const logEvidence: number[] = [];
  for (let r = 0; r < repetitions; r++) {
    const run = await runOnce(compiled, store);
    times.push(run.ms);
    logEvidence.push(run.logZ);
  }
  const medianMs = median(times);
  const result: WebpplSmcResult = {
    grid,
    horizon: T,
    particles,
    repetitions,
    medianMs,
    particlesPerSecond: (particles * 1000) / medianMs,
    stepsPerSecond: (particles * T * 1000) / medianMs,
    logEvidence,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
