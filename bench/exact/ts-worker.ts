/**
 * One TypeScript measurement, in a fresh process so memory numbers are clean:
 *   node --expose-gc --import tsx bench/exact/ts-worker.ts N REPETITIONS CAIB_FILE [C_BINARY]
 *
 * 1. compiles the peers' slippery 5-action N×N gridworld (bench/exact/gridworld.ts,
 *    `slipperyGraph`; timed separately: tabulation, not the backward pass);
 * 2. times one cold run of `exact().run(graph, {})` (JIT warm-up included),
 *    then one more warm-up run;
 * 3. one untimed run that samples process memory at every step through the
 *    engine's progress callback (peak deltas over the state just before it,
 *    after a full GC);
 * 4. writes the CSR, rewards, prior and the engine's V_0 to CAIB_FILE (bench/exact/caib.ts);
 * 5. when C_BINARY is given, starts it in serve mode on CAIB_FILE;
 * 6. REPETITIONS rounds of samples, each sample enough back-to-back passes to
 *    last ≥ 40 ms (one pass at 10×10 takes well under 1 ms):
 *      TS run     `exact().run(graph, {})` — the engine's pass; it may leave
 *                 per-row work (logs) to the first read of a row;
 *      TS all V   the same, then `post.V(t)` for every t: every V_t in hand,
 *                 which is what every C variant computes;
 *      C fast, C scaled, C scaled+logs, C naive, C merged  (bench/exact/c/backward.c).
 *    Alternating keeps TS and C under the same machine load, so per-round
 *    ratios are robust on a busy machine. Medians over rounds are reported,
 *    wall and CPU time (TS: process.cpuUsage; C: its process CPU clock), and
 *    ns per (transition entry × step) = time / (nnz · T).
 * Prints one JSON line (TsResult) on stdout.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { createInterface } from 'node:readline';
import { exact } from '../../src/index.js';
import type { FactorGraph } from '../../src/index.js';
import { writeCaib } from './caib.js';
import { HORIZON, memoryBound, slipperyGraph, type MemoryBound } from './gridworld.js';
import { median } from './stats.js';

/** Per-pass times of one implementation, summarised. */
export interface Timing {
  /** Passes per timed sample (enough for ≥ 40 ms). */
  readonly batch: number;
  readonly medianMs: number;
  readonly minMs: number;
  /** median wall time / (nnz · T), in ns. */
  readonly nsPerEntryStep: number;
  /** Median CPU time of one pass. */
  readonly cpuMedianMs: number;
  /** median CPU time / (nnz · T), in ns. */
  readonly cpuNsPerEntryStep: number;
}

/** A paired ratio: the median over rounds of (TS / C) in that round, by wall and by CPU time. */
export interface Ratio {
  readonly wall: number;
  readonly cpu: number;
}

export const C_VARIANTS = ['fast', 'scaled', 'scaledlogs', 'naive', 'merged'] as const;
export type CVariant = (typeof C_VARIANTS)[number];

export interface CPaired {
  readonly timings: Record<CVariant, Timing>;
  /** Largest |V_0(C) − V_0(TS)| per algorithm (scaled: after its logs). */
  readonly maxAbsDiffV0: { readonly fast: number; readonly naive: number; readonly scaled: number; readonly merged: number };
  /** Medians over rounds of per-round ratios, TS and C measured back to back. */
  readonly paired: {
    /** TS all V / C fast. */
    readonly allVOverFast: Ratio;
    /** TS run / C fast. */
    readonly runOverFast: Ratio;
    /** TS run / C scaled: the same algorithm, logs left for later in both. */
    readonly runOverScaled: Ratio;
    /** TS all V / C scaled+logs: the same algorithm, every V_t in hand (the headline). */
    readonly allVOverScaledLogs: Ratio;
    /** TS all V / C merged: against the floor for our own algorithm. */
    readonly allVOverMerged: Ratio;
    /** TS run / C merged. */
    readonly runOverMerged: Ratio;
  };
}

export interface MemorySample {
  readonly rss: number;
  readonly heapUsed: number;
  readonly arrayBuffers: number;
}

export interface TsResult {
  readonly n: number;
  readonly nS: number;
  readonly nA: number;
  readonly nnz: number;
  readonly T: number;
  readonly compileMs: number;
  readonly firstRunMs: number;
  readonly repetitions: number;
  /** `exact().run(graph, {})`. */
  readonly ts: Timing;
  /** `exact().run(graph, {})` then `post.V(t)` for every t. */
  readonly tsAllV: Timing;
  /** The C reference, timed in the same rounds; undefined without a C binary. */
  readonly c: CPaired | undefined;
  readonly logEvidence: number;
  readonly v0Start: number;
  readonly memory: {
    /** Typed-array bytes the compiled graph holds (arrayBuffers after compile − before). */
    readonly graphArrayBuffers: number;
    /** Peak growth during one backward pass, over the state just before it. */
    readonly runPeakDelta: MemorySample;
    /** Growth still held by the returned posterior after a full GC. */
    readonly retainedDelta: MemorySample;
    /** Peak resident set of the whole process (kB → bytes), compile included. */
    readonly processMaxRss: number;
  };
  readonly bound: MemoryBound;
}

const gc: () => void =
  typeof globalThis.gc === 'function'
    ? (globalThis.gc as () => void)
    : () => {
        throw new Error('run with node --expose-gc');
      };

/** Two full collections, so array buffers freed by the first are swept before measuring. */
function fullGc(): void {
  gc();
  gc();
}

/** One backward pass: the exact engine on the compiled graph. */
const run = (graph: FactorGraph<unknown, unknown>) => exact().run(graph, {});

/** Each timed sample runs back-to-back passes for at least this long (small sizes take ~1 ms per pass). */
const MIN_SAMPLE_MS = 40;

function sample(): MemorySample {
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, arrayBuffers: m.arrayBuffers };
}

function diff(a: MemorySample, b: MemorySample): MemorySample {
  return { rss: a.rss - b.rss, heapUsed: a.heapUsed - b.heapUsed, arrayBuffers: a.arrayBuffers - b.arrayBuffers };
}

function max(a: MemorySample, b: MemorySample): MemorySample {
  return { rss: Math.max(a.rss, b.rss), heapUsed: Math.max(a.heapUsed, b.heapUsed), arrayBuffers: Math.max(a.arrayBuffers, b.arrayBuffers) };
}

/** A C reference process in serve mode: one command line in, one answer line out. */
class CServer {
  private readonly child: ChildProcessByStdio<Writable, Readable, null>;
  private readonly lines: AsyncIterator<string>;

  constructor(binary: string, caib: string) {
    this.child = spawn(binary, [caib, '--serve'], { stdio: ['pipe', 'pipe', 'inherit'] });
    this.lines = createInterface({ input: this.child.stdout })[Symbol.asyncIterator]();
  }

  async ask(command: string): Promise<string> {
    if (command) this.child.stdin.write(`${command}\n`);
    const line = await this.lines.next();
    if (line.done) throw new Error(`C reference exited before answering ${JSON.stringify(command)}`);
    if (line.value.startsWith('error')) throw new Error(`C reference: ${line.value}`);
    return line.value;
  }

  /** Wall and CPU milliseconds per pass over `batch` back-to-back passes. */
  async time(variant: CVariant, batch: number): Promise<Sample> {
    const [wall, cpu] = (await this.ask(`${variant} ${batch}`)).split(' ').map(Number);
    return { wall: wall! * 1e3, cpu: cpu! * 1e3 };
  }

  close(): void {
    this.child.stdin.end();
  }
}

/** Every V_t through the public API (each read converts a lazily stored row and copies it). */
function readAll(post: ReturnType<typeof run>, T: number): void {
  for (let t = 0; t < T; t++) post.V(t);
}

const batchFor = (ms: number) => Math.max(1, Math.ceil(MIN_SAMPLE_MS / Math.max(ms, 1e-3)));

/** Wall and CPU milliseconds of one pass. */
interface Sample {
  readonly wall: number;
  readonly cpu: number;
}

/** Milliseconds per pass of `batch` back-to-back calls, wall and CPU (user + system: GC threads count, as they are the run's cost). */
function timed(batch: number, body: () => void): Sample {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let b = 0; b < batch; b++) body();
  const wall = (performance.now() - t0) / batch;
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / 1000 / batch };
}

function summarise(samples: readonly Sample[], batch: number, nnz: number): Timing {
  const medianMs = median(samples.map((x) => x.wall));
  const cpuMedianMs = median(samples.map((x) => x.cpu));
  return {
    batch,
    medianMs,
    minMs: Math.min(...samples.map((x) => x.wall)),
    nsPerEntryStep: (medianMs * 1e6) / (nnz * HORIZON),
    cpuMedianMs,
    cpuNsPerEntryStep: (cpuMedianMs * 1e6) / (nnz * HORIZON),
  };
}

async function main(): Promise<void> {
  const n = Number(process.argv[2]);
  const repetitions = Number(process.argv[3] ?? 5);
  const caib = process.argv[4];
  const cBinary = process.argv[5];
  if (!Number.isInteger(n) || n < 2 || !Number.isInteger(repetitions) || repetitions < 1 || !caib) {
    throw new Error('usage: ts-worker.ts N REPETITIONS CAIB_FILE [C_BINARY]');
  }

  fullGc();
  const beforeCompile = sample();
  const c0 = performance.now();
  const graph = slipperyGraph(n) as FactorGraph<unknown, unknown>;
  const compileMs = performance.now() - c0;
  fullGc();
  const afterCompile = sample();
  const { nS, nA, horizon: T } = graph;
  const nnz = graph.dynamics.nnz;

  // Cold run (JIT included), then one warm-up that also sizes the batches.
  const f0 = performance.now();
  let post: ReturnType<typeof run> | undefined = run(graph);
  const firstRunMs = performance.now() - f0;
  readAll(post, T);
  const w0 = performance.now();
  post = run(graph);
  const batch = batchFor(performance.now() - w0);
  const w1 = performance.now();
  readAll(run(graph), T);
  const batchAllV = batchFor(performance.now() - w1);

  // Memory: one run sampled at every step (the engine reports progress each step for T ≤ 100),
  // over the state just before it with nothing else alive.
  post = undefined;
  fullGc();
  const base = sample();
  let peak = base;
  post = exact().run(graph, { progress: () => (peak = max(peak, sample())) });
  peak = max(peak, sample());
  fullGc();
  const retained = sample();
  const v0 = Float64Array.from(post.V(0));
  const logEvidence = post.logEvidence;
  post = undefined;
  writeCaib(caib, graph, v0);

  // Time: rounds of alternating samples.
  const server = cBinary ? new CServer(cBinary, caib) : undefined;
  const cBatch: Record<CVariant, number> = { fast: 1, scaled: 1, scaledlogs: 1, naive: 1, merged: 1 };
  if (server) {
    await server.ask(''); // "ready"
    // One untimed pass of each variant (its warm-up), which also sizes its batches.
    for (const v of C_VARIANTS) cBatch[v] = batchFor((await server.time(v, 1)).wall);
  }
  const times: Record<'ts' | 'tsAllV' | CVariant, Sample[]> = { ts: [], tsAllV: [], fast: [], scaled: [], scaledlogs: [], naive: [], merged: [] };
  for (let i = 0; i < repetitions; i++) {
    times.ts.push(timed(batch, () => run(graph)));
    times.tsAllV.push(timed(batchAllV, () => readAll(run(graph), T)));
    if (server) for (const v of C_VARIANTS) times[v].push(await server.time(v, cBatch[v]));
  }
  const pairedMedian = (a: readonly Sample[], b: readonly Sample[]): Ratio => ({
    wall: median(a.map((x, i) => x.wall / b[i]!.wall)),
    cpu: median(a.map((x, i) => x.cpu / b[i]!.cpu)),
  });
  let c: CPaired | undefined;
  if (server) {
    const check = JSON.parse(await server.ask('check')) as CPaired['maxAbsDiffV0'];
    server.close();
    c = {
      timings: {
        fast: summarise(times.fast, cBatch.fast, nnz),
        scaled: summarise(times.scaled, cBatch.scaled, nnz),
        scaledlogs: summarise(times.scaledlogs, cBatch.scaledlogs, nnz),
        naive: summarise(times.naive, cBatch.naive, nnz),
        merged: summarise(times.merged, cBatch.merged, nnz),
      },
      maxAbsDiffV0: check,
      paired: {
        allVOverFast: pairedMedian(times.tsAllV, times.fast),
        runOverFast: pairedMedian(times.ts, times.fast),
        runOverScaled: pairedMedian(times.ts, times.scaled),
        allVOverScaledLogs: pairedMedian(times.tsAllV, times.scaledlogs),
        allVOverMerged: pairedMedian(times.tsAllV, times.merged),
        runOverMerged: pairedMedian(times.ts, times.merged),
      },
    };
  }

  const result: TsResult = {
    n,
    nS,
    nA,
    nnz,
    T,
    compileMs,
    firstRunMs,
    repetitions,
    ts: summarise(times.ts, batch, nnz),
    tsAllV: summarise(times.tsAllV, batchAllV, nnz),
    c,
    logEvidence,
    v0Start: v0[0]!,
    memory: {
      graphArrayBuffers: afterCompile.arrayBuffers - beforeCompile.arrayBuffers,
      runPeakDelta: diff(peak, base),
      retainedDelta: diff(retained, base),
      processMaxRss: process.resourceUsage().maxRSS * 1024,
    },
    bound: memoryBound(graph),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
