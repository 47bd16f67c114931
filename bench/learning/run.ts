/**
 * `npm run bench:learning`: environment steps per second of the four learning
 * engines (softQLearning, softActorCritic, virel, pseudoLikelihoodEM) on a
 * 20×20 stochastic gridworld, beside an independent numpy implementation of
 * tabular soft Q-learning with a replay buffer (bench/learning/reference.py)
 * run on the same problem in each round.
 *
 *   npx tsx bench/learning/run.ts                          20×20, 20 000 steps, 5 rounds
 *   npx tsx bench/learning/run.ts --steps 5000 --rounds 3 --no-numpy
 *   npx tsx bench/learning/run.ts --engines softQLearning,virel --n 10
 *
 * The model: the slippery gridworld of bench/exact/gridworld.ts (moves succeed
 * with 0.8 and slip to each side with 0.1, walls stay put, an absorbing goal
 * with reward 0 in the bottom-right corner, −1 per step and −10 on a fixed ~6%
 * of "cliff" cells) — its dynamics and reward helpers reused — but with a
 * discounted infinite horizon, discount(0.95), instead of horizon(100). The
 * engines' defaults then give 20-decision episodes from the top-left cell,
 * minibatches of 64 from a replay buffer, Adam with step size 0.01 and Polyak
 * targets with τ = 0.01 (the numpy peer uses the same).
 *
 * What is timed, per engine and round (after one untimed warm-up run for the JIT):
 *   total       `infer(graph, engine({ steps, seed }))` on the compiled graph (the
 *               model is compiled once, outside the clock: tabulating it is not learning);
 *   loop        from the call to the moment the engine reports progress 1 (the last
 *               environment step and its update are done): setup + the learning loop;
 *   posterior   the rest: building the Posterior of the learned policy, which on a
 *               tabulated model runs exact sum-product (log Z) and a soft policy
 *               evaluation on the tables — a fixed cost that does not grow with steps.
 * steps/s and updates/s are taken over the loop time, so they measure learning only.
 * The numpy peer is timed inside Python around its learning loop only (tables built
 * before the clock; its random numbers drawn in bulk inside it), after a short
 * warm-up run; Python start-up and the numpy import are outside.
 *
 * Like for like: softQLearning and the numpy peer run the same algorithm with
 * the same settings, so their ratio is a speed comparison. softActorCritic does
 * three function updates per step (twin critics and the actor) and virel two
 * plus a residual average, so they are slower per step by design.
 * pseudoLikelihoodEM makes no per-step minibatch update at all: it samples 20
 * episodes and then runs one EM iteration (20 ascent steps on the whole batch),
 * so its steps/s is mostly the cost of simulation and is not comparable with
 * the others like for like.
 *
 * Medians over rounds; the ratio is the median of the per-round ratios, by wall
 * time and by CPU time (process user + system time over the same span; on a
 * shared, loaded machine the CPU ratio is the steadier of the two). The
 * table goes to stdout, followed by one JSON line with every number (also
 * written to bench/out/learning-latest.json).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { compile, discount, infer, learningFit, pseudoLikelihoodEM, softActorCritic, softQLearning, virel } from '../../src/index.js';
import type { Engine, FactorGraph, Model, RunContext } from '../../src/index.js';
import { gridworld, HORIZON, type Move } from '../exact/gridworld.js';
import { findPython } from '../python.js';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const outDir = here('../out/');
const log = (message: string) => process.stderr.write(`[bench:learning] ${message}\n`);

const { values: args } = parseArgs({
  options: {
    n: { type: 'string', default: '20' },
    steps: { type: 'string', default: '20000' },
    rounds: { type: 'string', default: '5' },
    seed: { type: 'string', default: '1' },
    gamma: { type: 'string', default: '0.95' },
    engines: { type: 'string', default: 'softQLearning,softActorCritic,virel,pseudoLikelihoodEM' },
    'no-numpy': { type: 'boolean', default: false },
  },
});
const n = Number(args.n);
const steps = Number(args.steps);
const rounds = Number(args.rounds);
const seed = Number(args.seed);
const gamma = Number(args.gamma);
for (const [name, value] of [['n', n], ['steps', steps], ['rounds', rounds], ['seed', seed]] as const) {
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer, got ${String(value)}`);
}

// ---------------------------------------------------------------------------------------------
// The model
// ---------------------------------------------------------------------------------------------

/** bench/exact's slippery N×N gridworld with discount(γ) and no horizon: the discounted infinite-horizon model. */
function discountedGridworld(size: number, g: number): Model<number, Move> {
  return gridworld(size, HORIZON, -10, discount(g));
}

// ---------------------------------------------------------------------------------------------
// The engines
// ---------------------------------------------------------------------------------------------

type Make = (steps: number) => Engine<unknown, 'simulator'>;
const ENGINES: Record<string, Make> = {
  softQLearning: (s) => softQLearning({ steps: s, seed }),
  softActorCritic: (s) => softActorCritic({ steps: s, seed }),
  virel: (s) => virel({ steps: s, seed }),
  pseudoLikelihoodEM: (s) => pseudoLikelihoodEM({ steps: s, seed }),
};
const chosen = args.engines.split(',').map((e) => e.trim());
for (const e of chosen) if (!(e in ENGINES)) throw new Error(`--engines: unknown engine ${e}; choose from ${Object.keys(ENGINES).join(', ')}`);

interface Sample {
  /** Wall ms of the whole infer() call. */
  readonly totalMs: number;
  /** Wall ms up to progress 1: setup and the learning loop. */
  readonly loopMs: number;
  /** Wall ms after progress 1: the posterior of the learned policy. */
  readonly posteriorMs: number;
  /** CPU ms of the process up to progress 1 (user + system; includes V8's GC threads): less sensitive than wall time to other load. */
  readonly loopCpuMs: number;
  readonly environmentSteps: number;
  readonly updates: number;
  readonly episodes: number;
  /** softQLearning only: the critic's Q row at the start cell (a sanity check against numpy). */
  readonly qStart: number[] | undefined;
}

/** One timed infer() call, split at the engine's final progress report. */
function timeEngine(graph: FactorGraph<number, Move>, make: Make): Sample {
  let loopEnd = NaN;
  let loopCpu: NodeJS.CpuUsage | undefined;
  const engine = make(steps);
  const cpu0 = process.cpuUsage();
  // The driver reports progress every steps/100 steps and exactly 1 right after the last step,
  // before it builds the posterior: that report is the split point.
  const context: RunContext = {
    progress: (fraction) => {
      if (fraction === 1) {
        loopEnd = performance.now();
        loopCpu = process.cpuUsage(cpu0);
      }
    },
  };
  const start = performance.now();
  const post = infer(graph, engine, context);
  const end = performance.now();
  if (Number.isNaN(loopEnd) || loopCpu === undefined) throw new Error(`${engine.name}: no final progress report; cannot split the loop from the posterior`);
  const fit = learningFit(post);
  const table = fit.criticTable;
  return {
    totalMs: end - start,
    loopMs: loopEnd - start,
    posteriorMs: end - loopEnd,
    loopCpuMs: (loopCpu.user + loopCpu.system) / 1000,
    environmentSteps: fit.environmentSteps,
    updates: fit.updates,
    episodes: fit.episodes,
    qStart: engine.name === 'softQLearning' && table !== undefined ? Array.from(table(0).subarray(0, graph.nA)) : undefined,
  };
}

// ---------------------------------------------------------------------------------------------
// The numpy peer
// ---------------------------------------------------------------------------------------------

interface PeerSample {
  readonly seconds: number;
  readonly cpuSeconds: number;
  readonly steps: number;
  readonly updates: number;
  readonly episodes: number;
  readonly qStart: number[];
  readonly numpy: string;
  readonly python: string;
}

/** The python for the peer (Debian's numpy first: bench/python.ts). */
const python = args['no-numpy'] ? undefined : findPython(['numpy']);

/** Why the peer is skipped, or undefined when a python with numpy is there. */
function peerUnavailable(): string | undefined {
  if (args['no-numpy']) return '--no-numpy given';
  if (python === undefined) return 'neither /usr/bin/python3 nor python3 imports numpy';
  log(`numpy peer: ${python.describe}`);
  return undefined;
}

/** The compiled problem for reference.py: CSR dynamics, tables, and the engine's defaults it must match. */
function writeProblem(graph: FactorGraph<number, Move>, file: string): void {
  writeFileSync(
    file,
    JSON.stringify({
      nS: graph.nS,
      nA: graph.nA,
      alpha: graph.alpha,
      gamma: graph.gamma,
      // softQLearning's defaults (src/engines/learning/options.ts, soft-q/index.ts, driver.ts).
      batchSize: 64,
      learningRate: 0.01,
      targetSmoothing: 0.01,
      episodeLength: Math.max(10, Math.ceil(1 / (1 - graph.gamma))),
      rowStart: Array.from(graph.dynamics.rowStart),
      next: Array.from(graph.dynamics.next),
      prob: Array.from(graph.dynamics.prob),
      initial: Array.from(graph.initial),
      prior: Array.from(graph.prior),
      reward: Array.from(graph.rewardAt(0)),
    }),
  );
}

function runPeer(file: string): PeerSample | undefined {
  // One thread, as the TypeScript engines have.
  const env = { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
  const result = spawnSync(python!.path, [here('./reference.py'), file, String(steps), String(seed)], { encoding: 'utf8', maxBuffer: 1 << 24, env });
  if (result.status !== 0) {
    log(`numpy reference failed (status ${String(result.status)}):\n${result.stderr}`);
    return undefined;
  }
  const lines = result.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]!) as PeerSample;
}

// ---------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------

const median = (xs: readonly number[]): number => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const fmt = (x: number, digits = 0) => (Number.isFinite(x) ? x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : '—');

function main(): void {
  mkdirSync(outDir, { recursive: true });
  const cpus = os.cpus();
  const machine = `node ${process.version}, ${os.platform()} ${os.arch()}, ${cpus.length} × ${cpus[0]?.model ?? 'unknown CPU'}, load average ${os.loadavg()[0]!.toFixed(2)}`;
  log(machine);

  const compileStart = performance.now();
  const graph = compile(discountedGridworld(n, gamma));
  const compileMs = performance.now() - compileStart;
  log(`${n}×${n} slippery gridworld, discount(${gamma}), α = ${graph.alpha}: ${graph.nS} states, ${graph.nA} actions, ${graph.dynamics.nnz} transitions; compiled in ${compileMs.toFixed(1)} ms (untimed below)`);

  const skip = peerUnavailable();
  const problemFile = `${outDir}learning-problem.json`;
  if (skip === undefined) writeProblem(graph, problemFile);
  else log(`numpy peer skipped: ${skip}`);

  log(`warm-up: one untimed run per engine (${steps} steps)`);
  for (const name of chosen) timeEngine(graph, ENGINES[name]!);

  const samples: Record<string, Sample[]> = Object.fromEntries(chosen.map((e) => [e, []]));
  const peer: PeerSample[] = [];
  const ratios: number[] = [];
  const cpuRatios: number[] = [];
  const hasSoftQ = chosen.includes('softQLearning');
  for (let round = 0; round < rounds; round++) {
    // Side by side, so machine load hits both alike: the numpy peer runs right next to
    // softQLearning (before it in odd rounds, after it in even ones), then the other engines.
    const peerRun = (): PeerSample | undefined => (skip === undefined ? runPeer(problemFile) : undefined);
    let q: PeerSample | undefined;
    if (round % 2 === 1) q = peerRun();
    if (hasSoftQ) samples.softQLearning!.push(timeEngine(graph, ENGINES.softQLearning!));
    if (round % 2 === 0) q = peerRun();
    if (q !== undefined) peer.push(q);
    for (const name of chosen) if (name !== 'softQLearning') samples[name]!.push(timeEngine(graph, ENGINES[name]!));
    const ours = samples.softQLearning?.[round];
    if (ours !== undefined && q !== undefined) {
      ratios.push(ours.environmentSteps / (ours.loopMs / 1000) / (q.steps / q.seconds));
      cpuRatios.push(ours.environmentSteps / (ours.loopCpuMs / 1000) / (q.steps / q.cpuSeconds));
    }
    log(`round ${round + 1}/${rounds} done`);
  }

  // -- Summaries -------------------------------------------------------------------------------
  const rows = chosen.map((name) => {
    const s = samples[name]!;
    const loopMs = median(s.map((x) => x.loopMs));
    const posteriorMs = median(s.map((x) => x.posteriorMs));
    const totalMs = median(s.map((x) => x.totalMs));
    const envSteps = s[0]!.environmentSteps;
    const updates = s[0]!.updates;
    return {
      engine: name,
      environmentSteps: envSteps,
      updates,
      episodes: s[0]!.episodes,
      loopMs,
      posteriorMs,
      totalMs,
      loopCpuMs: median(s.map((x) => x.loopCpuMs)),
      stepsPerSecond: envSteps / (loopMs / 1000),
      updatesPerSecond: updates / (loopMs / 1000),
      msPer1000Steps: (loopMs / envSteps) * 1000,
      stepsPerSecondEndToEnd: envSteps / (totalMs / 1000),
      allLoopMs: s.map((x) => x.loopMs),
      qStart: s[0]!.qStart,
    };
  });
  const peerSummary =
    peer.length > 0
      ? {
          engine: 'numpy soft Q-learning',
          environmentSteps: peer[0]!.steps,
          updates: peer[0]!.updates,
          episodes: peer[0]!.episodes,
          loopMs: median(peer.map((p) => p.seconds * 1000)),
          loopCpuMs: median(peer.map((p) => p.cpuSeconds * 1000)),
          stepsPerSecond: peer[0]!.steps / median(peer.map((p) => p.seconds)),
          updatesPerSecond: peer[0]!.updates / median(peer.map((p) => p.seconds)),
          msPer1000Steps: (median(peer.map((p) => p.seconds * 1000)) / peer[0]!.steps) * 1000,
          allLoopMs: peer.map((p) => p.seconds * 1000),
          qStart: peer[0]!.qStart,
          numpy: peer[0]!.numpy,
          python: peer[0]!.python,
        }
      : undefined;
  const ratio = median(ratios);
  const cpuRatio = median(cpuRatios);

  // -- Table -----------------------------------------------------------------------------------
  const head = ['engine', 'steps/s', 'updates/s', 'ms/1k steps', 'loop ms', 'posterior ms', 'total ms', 'updates', '÷ numpy'];
  const widths = [22, 10, 10, 12, 9, 13, 9, 8, 8];
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' ');
  console.log(`Learning engines: ${n}×${n} slippery gridworld, discount(${gamma}), α = ${graph.alpha}, ${steps} environment steps, seed ${seed}, median of ${rounds} rounds`);
  console.log(machine);
  console.log(line(head));
  for (const r of rows) {
    const vs = r.engine === 'softQLearning' && ratios.length > 0 ? `${ratio.toFixed(2)}×` : '';
    console.log(line([r.engine, fmt(r.stepsPerSecond), fmt(r.updatesPerSecond), fmt(r.msPer1000Steps, 2), fmt(r.loopMs, 1), fmt(r.posteriorMs, 1), fmt(r.totalMs, 1), String(r.updates), vs]));
  }
  if (peerSummary !== undefined) {
    console.log(line([`numpy soft-Q (peer)`, fmt(peerSummary.stepsPerSecond), fmt(peerSummary.updatesPerSecond), fmt(peerSummary.msPer1000Steps, 2), fmt(peerSummary.loopMs, 1), '', '', String(peerSummary.updates), '1.00×']));
  } else {
    console.log(`numpy peer: skipped (${skip ?? 'it failed; see the log above'})`);
  }
  console.log('');
  console.log('steps/s, updates/s and ms/1k steps are over the learning loop (infer() up to its final progress report);');
  console.log('"posterior ms" is the fixed cost after it: exact log Z and a soft evaluation of the learned policy on the tables.');
  console.log(`Compiling the model (${compileMs.toFixed(1)} ms) is outside every clock.`);
  if (ratios.length > 0) {
    console.log(`÷ numpy: softQLearning steps/s ÷ the numpy peer's (same algorithm and settings), wall time, median of per-round ratios [${ratios.map((x) => x.toFixed(2)).join(', ')}];`);
    console.log(`  by CPU time (less sensitive to other load on the machine): ${cpuRatio.toFixed(2)}× [${cpuRatios.map((x) => x.toFixed(2)).join(', ')}].`);
    const ts = rows.find((r) => r.engine === 'softQLearning')?.qStart;
    if (ts !== undefined && peerSummary !== undefined) {
      console.log(`Sanity check, Q(start, N/S/E/W) after ${steps} steps: TS [${ts.map((q) => q.toFixed(2)).join(', ')}], numpy [${peerSummary.qStart.map((q) => q.toFixed(2)).join(', ')}] (different random streams, so close, not equal).`);
    }
  }
  console.log('softActorCritic (twin critics + actor per step) and virel (critic + actor per step) do more work per step by design;');
  console.log('pseudoLikelihoodEM makes no per-step minibatch update (one EM iteration per 20 episodes), so its steps/s is not comparable like for like.');

  const json = {
    bench: 'learning',
    date: new Date().toISOString(),
    machine: { node: process.version, platform: os.platform(), arch: os.arch(), cpus: cpus.length, cpu: cpus[0]?.model, loadAverage: os.loadavg()[0] },
    problem: { n, states: graph.nS, actions: graph.nA, transitions: graph.dynamics.nnz, gamma: graph.gamma, alpha: graph.alpha, steps, seed, rounds },
    compileMs,
    engines: rows,
    numpy: peerSummary ?? { skipped: skip ?? 'failed' },
    ratioSoftQVsNumpy: ratios.length > 0 ? ratio : null,
    ratiosPerRound: ratios,
    cpuRatioSoftQVsNumpy: cpuRatios.length > 0 ? cpuRatio : null,
    cpuRatiosPerRound: cpuRatios,
  };
  writeFileSync(`${outDir}learning-latest.json`, JSON.stringify(json, null, 2));
  console.log(JSON.stringify(json));
}

main();
