/**
 * `cai irl <model.ts> <demos.json>`: fit r_θ(s, a) = θ · φ(s, a) to
 * demonstrations by MaxEnt IRL (`inferReward`). φ is the model file's
 * `features` export when it has one (a function (s, a) => number[] or
 * `indicatorFeatures(...)`), else one-hot state features (θ is then a reward
 * per state, drawn as a grid when the states have a layout).
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { resolve } from 'node:path';
import { importance, indicatorFeatures, inferReward, loadDemonstrations } from '../index.js';
import type { Features } from '../irl/features.js';
import { reportHtml } from '../report/index.js';
import { table, valueGrid } from '../viz/text.js';
import { valueHeatmapSvg } from '../viz/svg/values.js';
import { cellSizeFor } from '../viz/svg/grid.js';
import { show } from '../errors.js';
import { UsageError, type CliIo } from './io.js';
import { loadModel } from './load.js';
import { progressBar } from './progress.js';
import { checkOutput, writeOut } from './output.js';

function nonNegative(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`expected a number ≥ 0, got '${value}'`);
  return n;
}

function positiveIntegerOrZero(value: string): number {
  if (!/^\d+$/.test(value.trim())) throw new InvalidArgumentError(`expected an integer ≥ 0, got '${value}'`);
  return Number(value);
}

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < 1) throw new InvalidArgumentError(`expected a positive integer, got '${value}'`);
  return n;
}

interface IrlFlags {
  readonly engine: 'exact' | 'importance';
  readonly particles?: number;
  readonly seed?: number;
  readonly features?: 'state' | 'state-action';
  readonly variant: 'maxent' | 'causal';
  readonly l2?: number;
  readonly steps?: number;
  readonly json?: boolean;
  readonly out?: string;
}

function isFeatures(value: unknown): value is Features<unknown, unknown> {
  return typeof value === 'function' || (typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'indicator');
}

export function irlCommand(cai: Command, io: CliIo, done: (code: number) => void): void {
  cai
    .command('irl')
    .description('fit a reward to demonstrations by MaxEnt inverse RL (r_θ(s,a) = θ·φ(s,a); φ: the file\'s `features` export, else one-hot states)')
    .argument('<model>', 'a model file: states, actions, dynamics and horizon (its own reward is ignored)')
    .argument('<demos>', 'a JSON file { "demonstrations": [[{ "state": …, "action": … }, …], …] }')
    .addOption(new Option('--features <kind>', 'one-hot features instead of the file\'s `features` export').choices(['state', 'state-action']))
    .addOption(new Option('--variant <variant>', 'maxent (exact posterior) or causal (fixed dynamics)').choices(['maxent', 'causal']).default('maxent'))
    .addOption(new Option('-e, --engine <name>', 'expected feature counts by exact (default) or importance (for models that can only be simulated)').choices(['exact', 'importance']).default('exact'))
    .option('--particles <n>', 'importance: number of particles (default 1000)', positiveInteger)
    .option('--seed <n>', 'importance: seed (default 0)', positiveIntegerOrZero)
    .option('--l2 <precision>', 'Gaussian prior θ ~ N(0, I/l2); 0 = maximum likelihood (default 0)', nonNegative)
    .option('--steps <n>', 'most optimiser iterations (default 200)', positiveInteger)
    .option('--json', 'print the fit as JSON')
    .option('-o, --out <file>', 'also write an HTML report of the fitted model')
    .addHelpText('after', '\nExample:\n  cai irl gridworld.ts demos.json --l2 0.1 --out irl.html\n')
    .action(async (file: string, demosFile: string, flags: IrlFlags) => {
      if (flags.out !== undefined) checkOutput(io.cwd, flags.out, [file, demosFile]);
      const loaded = await loadModel(file, io);
      const exported = loaded.module['features'];
      if (exported !== undefined && !isFeatures(exported) && flags.features === undefined) {
        throw new UsageError(`${file}: the 'features' export is not a feature function (s, a) => number[] or indicatorFeatures(...); fix it or pass --features state`);
      }
      const features: Features<unknown, unknown> = flags.features !== undefined ? indicatorFeatures(flags.features) : isFeatures(exported) ? exported : indicatorFeatures('state');
      const demonstrations = loadDemonstrations(resolve(io.cwd, demosFile));
      if (flags.engine !== 'importance' && (flags.particles !== undefined || flags.seed !== undefined)) {
        throw new UsageError('--particles and --seed apply to --engine importance');
      }
      const engine = flags.engine === 'importance' ? { engine: importance({ ...(flags.particles !== undefined ? { particles: flags.particles } : {}), ...(flags.seed !== undefined ? { seed: flags.seed } : {}) }) } : {};
      const steps = flags.steps ?? 200;
      const bar = progressBar(io.stderr);
      let fit;
      try {
        fit = inferReward(loaded.model, demonstrations, {
          features,
          ...engine,
          variant: flags.variant,
          ...(flags.l2 !== undefined ? { l2: flags.l2 } : {}),
          ...(flags.steps !== undefined ? { steps: flags.steps } : {}),
          ...(bar ? { onProgress: (p: { iteration: number; logLikelihood: number }) => bar.update(p.iteration / steps, `iteration ${p.iteration}: log-likelihood ${p.logLikelihood.toFixed(4)}`) } : {}),
        });
      } finally {
        bar?.done();
      }
      const graph = fit.posterior.graph;
      const stateReward = typeof features === 'object' && features.of === 'state' && graph.kind === 'factor-graph';
      if (flags.json === true) {
        io.stdout.write(
          JSON.stringify(
            {
              model: file,
              demonstrations: demonstrations.length,
              variant: fit.variant,
              theta: Array.from(fit.theta),
              ...(stateReward ? { rewardByState: graph.states.values.map((s, i) => ({ state: s, reward: fit.theta[i] })) } : {}),
              logLikelihood: fit.logLikelihood,
              objective: fit.objective,
              featureGapNorm: fit.featureGapNorm,
              iterations: fit.iterations,
              converged: fit.converged,
              stop: fit.stop,
              trace: fit.trace,
            },
            (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v),
            2,
          ) + '\n',
        );
      } else {
        const lines = [
          table(
            [
              ['model', file],
              ['demonstrations', `${demonstrations.length} (${demosFile})`],
              ['variant', fit.variant === 'causal' ? 'causal (maximum causal entropy; fixed dynamics)' : 'maxent (exact posterior)'],
              ['log-likelihood', `${fit.logLikelihood.toFixed(4)}${fit.exact ? '' : ' (an estimate)'}`],
              ['feature gap', `${fit.featureGapNorm.toExponential(2)} (max |empirical − expected| per demonstration)`],
              ['iterations', `${fit.iterations} (${fit.converged ? 'converged' : `stopped: ${fit.stop}`})`],
            ],
            { gap: 3 },
          ),
          '',
        ];
        if (stateReward && graph.layout !== undefined) {
          lines.push('learned reward θ_s per state:', valueGrid(graph, fit.theta, { digits: 2 }));
        } else {
          const shown = Math.min(fit.theta.length, 40);
          lines.push(`θ (${fit.theta.length} weights${shown < fit.theta.length ? `, first ${shown}` : ''}):`);
          lines.push(table(Array.from(fit.theta.subarray(0, shown), (v, k) => [`  θ[${k}]${stateReward ? ` ${show(graph.states.values[k])}` : ''}`, v]), { digits: 4 }));
        }
        io.stdout.write(lines.join('\n') + '\n');
      }
      if (flags.out !== undefined) {
        const figures = stateReward && graph.layout !== undefined
          ? [{ title: 'Learned reward θ_s', caption: 'r_θ(s) = θ_s (one-hot state features).', svg: await valueHeatmapSvg(graph, fit.theta, { legend: 'r_θ', cellSize: cellSizeFor(graph.layout.width) }) }]
          : [];
        const html = await reportHtml(fit.posterior, {
          title: 'Inverse RL: the posterior under the learned reward',
          source: `${file} + ${demosFile}`,
          figures,
          curves: [{ title: 'Log-likelihood of the demonstrations over the iterations', series: [{ name: 'log p(demos | θ)', values: fit.trace }], xTitle: 'iteration', yTitle: 'nats' }],
        });
        writeOut(io, flags.out, html);
        io.stderr.write(`wrote ${flags.out}\n`);
      }
      done(0);
    });
}
