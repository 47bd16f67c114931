/**
 * One WebPPL measurement, in its own process (WebPPL installs globals):
 *   tsx bench/exact/webppl-worker.ts N REPETITIONS
 * Compiles bench/exact/webppl/backward.wppl once (not timed), runs it on the
 * N×N gridworld REPETITIONS times after a warm-up, and prints one JSON line
 * with the median time and the largest |V_0(WebPPL) − V_0(TS engine)|.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { exact } from '../../src/index.js';
import { HORIZON, slipperyGraph } from './gridworld.js';
import { maxAbsDiff, median } from './stats.js';

/** The part of webppl's CommonJS API used here (src/main.js). */
interface WebPPL {
  compile(code: string, options?: { filename?: string }): unknown;
  prepare(
    compiled: unknown,
    k: (store: unknown, value: unknown) => void,
    options?: { initialStore?: Record<string, unknown> },
  ): { run(): void };
}

export interface WebpplResult {
  readonly n: number;
  readonly repetitions: number;
  readonly compileMs: number;
  readonly medianMs: number;
  readonly minMs: number;
  readonly nsPerEntryStep: number;
  readonly maxAbsDiffV0: number;
}

const require = createRequire(import.meta.url);
const webppl = require('webppl') as WebPPL;

/** Run a prepared program once; WebPPL reports its value through a continuation. */
function runOnce(compiled: unknown, initialStore: Record<string, unknown>): Promise<{ ms: number; value: number[] }> {
  return new Promise((resolve, reject) => {
    let t0 = 0;
    try {
      const program = webppl.prepare(
        compiled,
        (_store, value) => resolve({ ms: performance.now() - t0, value: value as number[] }),
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
  const n = Number(process.argv[2]);
  const repetitions = Number(process.argv[3] ?? 3);
  if (!Number.isInteger(n) || n < 2 || !Number.isInteger(repetitions) || repetitions < 1) {
    throw new Error('usage: webppl-worker.ts N REPETITIONS');
  }
  const graph = slipperyGraph(n);
  const { nS, nA } = graph;
  const { rowStart, next, prob, nnz } = graph.dynamics;
  const reference = exact().run(graph, {}).V(0);

  // The tabulated model as arrays of arrays, the shape a WebPPL user would hold it in.
  const rows = (f: (s: number, a: number) => unknown) =>
    Array.from({ length: nS }, (_, s) => Array.from({ length: nA }, (_, a) => f(s, a)));
  const slice = (arr: Int32Array | Float64Array, row: number) => Array.from(arr.subarray(rowStart[row]!, rowStart[row + 1]!));
  const store = {
    model: {
      nS,
      nA,
      T: graph.horizon,
      succ: rows((s, a) => slice(next, s * nA + a)),
      prob: rows((s, a) => slice(prob, s * nA + a)),
      reward: rows((s, a) => graph.reward[s * nA + a]!),
      prior: rows((s, a) => graph.prior[s * nA + a]!),
    },
  };

  const source = readFileSync(fileURLToPath(new URL('./webppl/backward.wppl', import.meta.url)), 'utf8');
  const c0 = performance.now();
  const compiled = webppl.compile(source, { filename: 'backward.wppl' });
  const compileMs = performance.now() - c0;

  const warm = await runOnce(compiled, store);
  const maxAbsDiffV0 = maxAbsDiff(warm.value, reference);
  const times: number[] = [];
  for (let r = 0; r < repetitions; r++) times.push((await runOnce(compiled, store)).ms);
  const medianMs = median(times);
  const result: WebpplResult = {
    n,
    repetitions,
    compileMs,
    medianMs,
    minMs: Math.min(...times),
    nsPerEntryStep: (medianMs * 1e6) / (nnz * HORIZON),
    maxAbsDiffV0,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
