/**
 * `cai irl <model.ts> <demos.json>`: fit r_θ(s, a) = θ · φ(s, a) to
 * demonstrations by MaxEnt IRL (`inferReward`). φ is the model file's
 * `features` export when it has one (a function (s, a) => number[] or
 * `indicatorFeatures(...)`), else one-hot state features (θ is then a reward
 * per state, drawn as a grid when the states have a layout).
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { resolve } from 'node:path';
import { compile, importance, indicatorFeatures, inferReward } from '../index.js';
import { loadDemonstrations } from '../node/index.js';
import type { Features } from '../irl/features.js';
import type { RewardEstimate } from '../irl/index.js';
import { irlReportHtml, thetaSummary } from '../report/irl.js';
import type { EngineInput } from '../types/engine.js';
import type { Model } from '../types/model.js';
import { table, valueGrid } from '../viz/text.js';
import { UsageError, type CliIo } from './io.js';
import { loadModel } from './load.js';
import { progressBar } from './progress.js';
import { checkOutput, writeOut } from './output.js';

export function nonNegative(value: string): number {
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
  readonly start: 'observed' | 'posterior';
  readonly truth?: boolean;
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
    .addOption(new Option('--start <convention>', "observed: condition on each demonstration's first state (Ziebart 2008; the default); posterior: the start is evidence too").choices(['observed', 'posterior']).default('observed'))
    .option('--truth', "the model file's own reward is the true one: draw it beside the learned reward in --out")
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
      const steps = flags.steps ?? 200;
      const bar = progressBar(io.stderr);
      let fitted: Fitted;
      try {
        fitted = await fitFiles(file, demosFile, flags, io, bar ? (p) => bar.update(p.iteration / steps, `iteration ${p.iteration}: log-likelihood ${p.logLikelihood.toFixed(4)}`) : undefined);
      } finally {
        bar?.done();
      }
      const { fit, loaded, features, demonstrations } = fitted;
      const names = featureNamesExport(loaded.module['featureNames'], fit.theta.length, file);
      const summary = thetaSummary(fit, names ? { names } : {});
      const graph = fit.posterior.graph;
      const stateReward = typeof features === 'object' && features.of === 'state' && graph.kind === 'factor-graph';
      if (flags.json === true) {
        io.stdout.write(
          JSON.stringify(
            {
              model: file,
              demonstrations: demonstrations.length,
              variant: fit.variant,
              start: fit.start,
              theta: Array.from(fit.theta),
              weights: summary.rows.map((r) => ({ name: r.name, theta: r.theta, ...(r.standardError !== undefined ? { standardError: r.standardError, interval95: r.interval } : {}), ...(r.unbounded ? { unbounded: r.unbounded } : {}) })),
              ...(summary.intervalsMissing ? { intervalsMissing: summary.intervalsMissing } : {}),
              ...(stateReward ? { rewardByState: graph.states.values.map((s, i) => ({ state: s, reward: fit.theta[i] })) } : {}),
              logLikelihood: fit.logLikelihood,
              objective: fit.objective,
              featureGapNorm: fit.featureGapNorm,
              iterations: fit.iterations,
              converged: fit.converged,
              stop: fit.stop,
              unbounded: fit.unbounded,
              notes: fit.notes,
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
              ['start states', fit.start === 'observed' ? "observed (each demonstration's first state is given)" : 'posterior (the start is evidence too)'],
              ['log-likelihood', `${fit.logLikelihood.toFixed(4)}${fit.exact ? '' : ' (an estimate)'}`],
              ['feature gap', `${fit.featureGapNorm.toExponential(2)} (max |empirical − expected| per demonstration)`],
              ['iterations', `${fit.iterations} (${fit.converged ? 'converged' : fit.unbounded.length > 0 ? 'NOT converged: unbounded weights, see the note' : `stopped: ${fit.stop}`})`],
            ],
            { gap: 3 },
          ),
          '',
        ];
        if (stateReward && graph.layout !== undefined) lines.push('learned reward θ_s per state:', valueGrid(graph, fit.theta, { digits: 2 }), '');
        const shown = Math.min(summary.rows.length, 40);
        lines.push(`θ (${summary.rows.length} weights${shown < summary.rows.length ? `, first ${shown}` : ''}; 95 % Laplace intervals):`);
        lines.push(
          table(
            [
              ['  feature', 'θ', 's.e.', '95 % interval'],
              ...summary.rows.slice(0, shown).map((r) => [
                `  ${r.name}`,
                r.theta,
                r.standardError ?? '—',
                r.unbounded ? `→ ${r.unbounded > 0 ? '+' : '−'}∞ (unbounded)` : r.interval ? `[${r.interval[0].toFixed(3)}, ${r.interval[1].toFixed(3)}]` : '—',
              ]),
            ],
            { digits: 4, header: true },
          ),
        );
        if (summary.intervalsMissing) lines.push(`  (${summary.intervalsMissing})`);
        for (const note of fit.notes) lines.push('', `note: ${note}`);
        io.stdout.write(lines.join('\n') + '\n');
      }
      if (flags.out !== undefined) {
        const html = await irlReportHtml(fit, {
          source: `${file} + ${demosFile}`,
          ...(names ? { names } : {}),
          ...(flags.truth === true ? { truth: ownReward(loaded.model) } : {}),
        });
        writeOut(io, flags.out, html);
        io.stderr.write(`wrote ${flags.out}\n`);
      }
      done(0);
    });
}

/** The model file's `featureNames` export (one string per weight), checked. */
function featureNamesExport(value: unknown, K: number, file: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length !== K || !value.every((n) => typeof n === 'string')) {
    throw new UsageError(`${file}: the 'featureNames' export must be an array of ${K} strings (one per weight of θ)`);
  }
  return value as string[];
}

/** r(s, a) of the model's own optimality parts (stationary: the table at t = 0), for --truth. */
function ownReward(m: Model<unknown, unknown>): (s: unknown, a: unknown) => number {
  const graph = compile(m);
  const reward = graph.rewardAt(0);
  return (s, a) => reward[graph.states.indexOf(s) * graph.nA + graph.actions.indexOf(a)]!;
}

/** What `cai irl` and `cai report --demos` need to fit. */
export type IrlFitFlags = Pick<IrlFlags, 'engine' | 'particles' | 'seed' | 'features' | 'variant' | 'start' | 'l2' | 'steps'>;

interface Fitted {
  readonly fit: RewardEstimate<unknown, unknown, EngineInput>;
  readonly loaded: Awaited<ReturnType<typeof loadModel>>;
  readonly features: Features<unknown, unknown>;
  readonly demonstrations: ReturnType<typeof loadDemonstrations>;
}

/** Load the model file and the demonstrations, and fit: φ is the file's `features` export, else one-hot states. */
async function fitFiles(file: string, demosFile: string, flags: IrlFitFlags, io: CliIo, onProgress?: (p: { iteration: number; logLikelihood: number }) => void): Promise<Fitted> {
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
  const fit = inferReward(loaded.model, demonstrations, {
    features,
    ...engine,
    variant: flags.variant,
    start: flags.start,
    ...(flags.l2 !== undefined ? { l2: flags.l2 } : {}),
    ...(flags.steps !== undefined ? { steps: flags.steps } : {}),
    ...(onProgress ? { onProgress } : {}),
  }) as RewardEstimate<unknown, unknown, EngineInput>;
  return { fit, loaded, features, demonstrations };
}

/** The HTML report of an IRL fit to `demosFile` (for `cai report <model> --demos <file>`). */
export async function irlReportFromFiles(file: string, demosFile: string, flags: IrlFitFlags & { readonly truth?: boolean; readonly title?: string }, io: CliIo): Promise<string> {
  const { fit, loaded } = await fitFiles(file, demosFile, flags, io);
  const names = featureNamesExport(loaded.module['featureNames'], fit.theta.length, file);
  return irlReportHtml(fit, {
    source: `${file} + ${demosFile}`,
    ...(flags.title !== undefined ? { title: flags.title } : {}),
    ...(names ? { names } : {}),
    ...(flags.truth === true ? { truth: ownReward(loaded.model) } : {}),
  });
}
