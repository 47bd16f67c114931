/**
 * `npm run bench:features`: learning with features on mountain car
 * (bench/learning/mountain-car.ts, 111 RBF features): environment steps per
 * second of softActorCritic, softQLearning and virel with a linear critic (and
 * actor), and how many times φ is called per step. The median of --rounds
 * interleaved rounds after a warm-up run; CPU time beside wall; JSON in
 * bench/out/features-latest.json.
 *
 *   npx tsx bench/learning/features.ts --steps 3000 --rounds 3
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { infer, softActorCritic, softQLearning, virel, type Engine } from '../../src/index.js';
import { median } from '../exact/stats.js';
import { families, mountainCar } from './mountain-car.js';

const { values: args } = parseArgs({ options: { steps: { type: 'string', default: '3000' }, rounds: { type: 'string', default: '3' } } });
const steps = Number(args.steps);
const rounds = Number(args.rounds);
const log = (line: string) => process.stderr.write(`${line}\n`);
const m = mountainCar();

/** φ calls counted, and the count and step at the last progress report (the end of learning, before the evaluation). */
interface Counter {
  calls: number;
  learning: number;
  step: number;
}
const progress = (c: Counter) => ({ onProgress: (p: { step: number }) => ((c.learning = c.calls), (c.step = p.step)) });
const engines: Record<string, (counter: Counter) => Engine<unknown, 'simulator'>> = {
  softActorCritic: (c) => softActorCritic({ steps, seed: 1, ...families(c), evaluationSamples: 2, ...progress(c) }) as Engine<unknown, 'simulator'>,
  softQLearning: (c) => softQLearning({ steps, seed: 1, critic: families(c).critic, evaluationSamples: 2, ...progress(c) }) as Engine<unknown, 'simulator'>,
  virel: (c) => virel({ steps, seed: 1, ...families(c), evaluationSamples: 2, ...progress(c) }) as Engine<unknown, 'simulator'>,
};
log(`mountain car, 111 RBF features, ${steps} steps, ${rounds} interleaved rounds after a warm-up; node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}`);
const samples: Record<string, { wall: number[]; cpu: number[]; learnWall: number[]; learnCpu: number[]; calls: number; learning: number }> = {};
for (let r = -1; r < rounds; r++) {
  for (const [name, make] of Object.entries(engines)) {
    const counter: Counter = { calls: 0, learning: 0, step: 0 };
    const engine = make(counter);
    const w = performance.now();
    const c = process.cpuUsage();
    // The learning loop's own time: infer()'s progress reaches 1 at its last environment step, before the evaluation.
    let learnWall = NaN;
    let learnCpu = NaN;
    const atEnd = (fraction: number) => {
      if (fraction !== 1) return;
      const u = process.cpuUsage(c);
      learnWall = (performance.now() - w) / 1000;
      learnCpu = (u.user + u.system) / 1e6;
    };
    infer(m, engine, { progress: atEnd });
    const used = process.cpuUsage(c);
    if (r < 0) continue;
    const s = (samples[name] ??= { wall: [], cpu: [], learnWall: [], learnCpu: [], calls: 0, learning: 0 });
    s.wall.push((performance.now() - w) / 1000);
    s.cpu.push((used.user + used.system) / 1e6);
    s.learnWall.push(learnWall);
    s.learnCpu.push(learnCpu);
    s.calls = counter.calls;
    s.learning = counter.learning / counter.step;
  }
}
const rows = Object.fromEntries(
  Object.entries(samples).map(([name, s]) => [name, { learningStepsPerSecondWall: steps / median(s.learnWall), learningStepsPerSecondCpu: steps / median(s.learnCpu), stepsPerSecondWall: steps / median(s.wall), stepsPerSecondCpu: steps / median(s.cpu), phiCallsPerStep: s.calls / steps, phiCallsPerLearningStep: s.learning }]),
);
for (const [name, row] of Object.entries(rows)) {
  log(`${name.padEnd(16)} learning loop ${row.learningStepsPerSecondWall.toFixed(0).padStart(6)} steps/s wall, ${row.learningStepsPerSecondCpu.toFixed(0).padStart(6)} CPU; with the evaluation after it ${row.stepsPerSecondWall.toFixed(0).padStart(6)} wall, ${row.stepsPerSecondCpu.toFixed(0).padStart(6)} CPU; φ calls per step ${row.phiCallsPerLearningStep.toFixed(2)} learning, ${row.phiCallsPerStep.toFixed(2)} with the evaluation${name === 'softActorCritic' ? '   target ≥ 5 000 steps/s' : ''}`);
}
const outDir = fileURLToPath(new URL('../out/', import.meta.url));
mkdirSync(outDir, { recursive: true });
writeFileSync(`${outDir}features-latest.json`, `${JSON.stringify({ bench: 'features', date: new Date().toISOString(), node: process.version, steps, rounds, rows }, null, 2)}\n`);
log('φ is called once per action of each state featurised (3 per new state); the evaluation after learning (2 episodes of 1 375 steps) meets new states. JSON in bench/out/features-latest.json');
