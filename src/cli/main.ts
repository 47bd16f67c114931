/**
 * The `cai` command: `run`, `graph`, `report` and `irl` on a model file.
 * `main(argv, io)` parses the arguments (commander), runs one command and
 * returns the exit code — 0 done, 1 the model or inference failed (the
 * library's message), 2 a mistake on the command line — printing no stack
 * trace unless `--stack` is given. `bin.ts` registers the TypeScript loader
 * and calls it with the process's streams; tests call it in-process.
 */
import { isBeliefPosterior } from '../posterior/belief.js';
import { beliefSection, beliefSectionText } from '../report/belief.js';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { extend, horizon, infer } from '../index.js';
import type { EngineInput, RunContext } from '../types/engine.js';
import type { Model } from '../types/model.js';
import type { Posterior } from '../types/posterior.js';
import { factorGraphDot, factorGraphSvg } from '../viz/graph.js';
import { reportHtml } from '../report/index.js';
import { ENGINES, ENGINE_NAMES, engineFor, type EngineFlags } from './engines.js';
import { report } from './errors.js';
import { UsageError, type CliIo } from './io.js';
import { loadModel } from './load.js';
import { progressBar } from './progress.js';
import { summarise, summaryJson, summaryText } from '../report/summary.js';
import { elboCurves, learningCurves } from './curves.js';
import { plot, type PlotFlags } from './plot.js';
import { irlCommand, irlReportFromFiles, nonNegative as nonNegativeNumber } from './irl.js';
import { checkOutput, writeOut } from './output.js';

const VERSION = '0.1.0';

/** `--horizon 12` → 12; anything but a positive integer is refused by commander with this message. */
export function positiveInteger(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError(`expected a positive integer, got '${value}'`);
  return n;
}

function nonNegativeInteger(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) throw new InvalidArgumentError(`expected an integer ≥ 0, got '${value}'`);
  return n;
}

function integer(value: string): number {
  const n = Number(value);
  if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) throw new InvalidArgumentError(`expected an integer, got '${value}'`);
  return n;
}

interface InferenceFlags extends EngineFlags {
  readonly engine: string;
  readonly horizon?: number;
  readonly export?: string;
}

const MODEL_ARGUMENT = 'a .ts or .js file whose default export (or export named `model`, or --export) is a model or a function of no arguments returning one';
const EXPORT_HELP = 'the export that holds the model (default: `default`, then `model`)';

/** The options every command that runs inference takes. */
function inferenceOptions(command: Command): Command {
  return command
    .option('--export <name>', EXPORT_HELP)
    .addOption(new Option('-e, --engine <name>', 'inference engine').choices(ENGINE_NAMES).default('exact'))
    .option('--horizon <T>', 'replace the model\'s horizon with T decisions', positiveInteger)
    .option('--seed <n>', 'seed of the engine\'s random stream (and of drawn samples); default 0', integer)
    .option('--backup <kind>', 'exact: posterior (default), fixed-dynamics, boltzmann or expected-utility')
    .option('--particles <n>', 'importance: number of particles (default 1000)', positiveInteger)
    .option('--steps <n>', 'variational: at most this many updates (default 1000); learning engines: environment steps (default 20000)', positiveInteger);
}

function engineHelp(): string {
  return '\nEngines:\n' + ENGINE_NAMES.map((n) => `  ${n.padEnd(19)} ${ENGINES[n]!.summary}`).join('\n') + '\n';
}

/** Load the file, apply --horizon, run the engine with a progress bar on a terminal. */
async function posteriorOf(file: string, flags: InferenceFlags, io: CliIo): Promise<{ post: Posterior<unknown, unknown, EngineInput>; model: Model<unknown, unknown> }> {
  const loaded = await loadModel(file, io, flags.export);
  const m = flags.horizon !== undefined ? extend(loaded.model, horizon(flags.horizon)) : loaded.model;
  const engine = engineFor(flags.engine, { backup: flags.backup, particles: flags.particles, steps: flags.steps, seed: flags.seed });
  const bar = progressBar(io.stderr);
  const context: RunContext = bar ? { progress: (f, message) => bar.update(f, message) } : {};
  try {
    return { post: infer(m, engine, context), model: m };
  } finally {
    bar?.done();
  }
}

/** Build the command tree; output and exits go through `io` and `exitOverride`, never `process`. */
function program(io: CliIo, done: (code: number) => void): Command {
  const cai = new Command('cai')
    .description('Optimal control as probabilistic inference: run a model file, draw it, report on it.')
    .version(VERSION, '-V, --version')
    .option('--stack', 'print stack traces of errors')
    .showHelpAfterError('(add --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });

  inferenceOptions(
    cai
      .command('run')
      .description('run inference on a model file and print log p(O), the policy at t = 0 and, for grid-shaped states, text grids')
      .argument('<model>', MODEL_ARGUMENT),
  )
    .option('--json', 'print the summary as JSON (non-finite numbers as strings, e.g. "-Infinity")')
    .addHelpText('after', engineHelp() + '\nExample:\n  cai run dsl-examples/slippery-gridworld.ts --engine exact --backup fixed-dynamics\n')
    .action(async (file: string, flags: InferenceFlags & { json?: boolean }) => {
      const { post } = await posteriorOf(file, flags, io);
      const summary = summarise(post, file);
      // A POMDP's posterior answers by history: its beliefs and belief policy are a section of their own.
      const beliefs = isBeliefPosterior(post) ? beliefSection(post) : undefined;
      if (flags.json === true) io.stdout.write(beliefs === undefined ? summaryJson(summary) : summaryJson({ ...summary, beliefs } as typeof summary));
      else io.stdout.write(summaryText(summary) + (beliefs === undefined ? '' : '\n' + beliefSectionText(beliefs)));
      done(0);
    });

  cai
    .command('graph')
    .description('draw the time-unrolled factor graph (Graphviz DOT, or SVG laid out by Graphviz compiled to WebAssembly)')
    .argument('<model>', MODEL_ARGUMENT)
    .addOption(new Option('-f, --format <format>', 'output format').choices(['dot', 'svg']).default('dot'))
    .option('--slices <n>', 'time slices to draw (default min(T, 3))', positiveInteger)
    .option('--horizon <T>', 'replace the model\'s horizon with T decisions', positiveInteger)
    .option('--export <name>', EXPORT_HELP)
    .option('-o, --out <file>', 'write to this file instead of standard output')
    .addHelpText('after', '\nExample:\n  cai graph dsl-examples/lottery.ts --format svg --out lottery-graph.svg\n')
    .action(async (file: string, flags: { format: 'dot' | 'svg'; slices?: number; horizon?: number; out?: string; export?: string }) => {
      if (flags.out !== undefined) checkOutput(io.cwd, flags.out, [file]);
      const loaded = await loadModel(file, io, flags.export);
      const m = flags.horizon !== undefined ? extend(loaded.model, horizon(flags.horizon)) : loaded.model;
      const { compileModel } = await import('../simulate/index.js');
      const graph = compileModel(m);
      const options = flags.slices !== undefined ? { slices: flags.slices } : {};
      const text = flags.format === 'svg' ? await factorGraphSvg(graph, options) : factorGraphDot(graph, options);
      write(io, flags.out, text);
      done(0);
    });

  inferenceOptions(
    cai
      .command('report')
      .description('write one self-contained HTML page with the numbers and the pictures (values and policy, trajectories, marginals, ELBO, factor graph)')
      .argument('<model>', MODEL_ARGUMENT),
  )
    .requiredOption('-o, --out <file>', 'the HTML file to write')
    .option('--samples <n>', 'trajectories to draw from p(τ | O) (default 12)', positiveInteger)
    .option('--title <text>', 'page title')
    .option('--demos <file>', 'report an inverse-RL fit to these demonstrations instead (as `cai irl <model> <demos> --out`): θ with 95 % intervals and the learned reward map; the engine options do not apply')
    .option('--l2 <precision>', 'with --demos: the Gaussian prior θ ~ N(0, I/l2) (default 0)', nonNegativeNumber)
    .option('--truth', "with --demos: the model file's own reward is the true one; draw it beside the learned reward")
    .addHelpText('after', engineHelp() + '\nExample:\n  cai report dsl-examples/slippery-gridworld.ts --out report.html\n  cai report gridworld.ts --demos demos.json --l2 0.1 --truth --out irl.html   (an inverse-RL report)\n')
    .action(async (file: string, flags: InferenceFlags & { out: string; samples?: number; title?: string; demos?: string; l2?: number; truth?: boolean }) => {
      checkOutput(io.cwd, flags.out, flags.demos !== undefined ? [file, flags.demos] : [file]);
      if (flags.demos === undefined && (flags.l2 !== undefined || flags.truth !== undefined)) throw new UsageError('--l2 and --truth apply to --demos (an inverse-RL report)');
      if (flags.demos !== undefined) {
        const fitFlags = { engine: 'exact', variant: 'maxent', start: 'observed', ...(flags.l2 !== undefined ? { l2: flags.l2 } : {}) } as const;
        const html = await irlReportFromFiles(file, flags.demos, { ...fitFlags, ...(flags.truth ? { truth: true } : {}), ...(flags.title !== undefined ? { title: flags.title } : {}) }, io);
        write(io, flags.out, html);
        io.stderr.write(`wrote ${flags.out}\n`);
        done(0);
        return;
      }
      const { post } = await posteriorOf(file, flags, io);
      const html = await reportHtml(post, {
        source: file,
        ...(flags.title !== undefined ? { title: flags.title } : {}),
        ...(flags.samples !== undefined ? { samples: flags.samples } : {}),
        ...(flags.seed !== undefined ? { seed: flags.seed } : {}),
        curves: [...elboCurves(post), ...learningCurves(post)],
      });
      write(io, flags.out, html);
      io.stderr.write(`wrote ${flags.out}\n`);
      done(0);
    });

  inferenceOptions(
    cai
      .command('plot')
      .description('draw one picture as SVG: V_t with policy arrows (grid-shaped states), sampled trajectories, or state marginals over time')
      .argument('<model>', MODEL_ARGUMENT),
  )
    .addOption(new Option('-k, --kind <kind>', 'which picture').choices(['values', 'trajectories', 'marginals']).default('values'))
    .option('-t, --time <t>', 'values: the step t of V_t and π_t (default 0)', nonNegativeInteger)
    .option('--samples <n>', 'trajectories: how many to draw from p(τ | O) (default 12)', positiveInteger)
    .option('--title <text>', 'chart title')
    .option('-o, --out <file>', 'write to this file instead of standard output')
    .addHelpText('after', engineHelp() + '\nExample:\n  cai plot dsl-examples/sutton-barto-gridworld.ts --export gridworld --backup fixed-dynamics --out values.svg\n')
    .action(async (file: string, flags: InferenceFlags & PlotFlags & { out?: string }) => {
      if (flags.out !== undefined) checkOutput(io.cwd, flags.out, [file]);
      const { post } = await posteriorOf(file, flags, io);
      write(io, flags.out, await plot(post, flags));
      done(0);
    });

  irlCommand(cai, io, done);
  return cai;
}

function write(io: CliIo, out: string | undefined, text: string): void {
  if (out === undefined) io.stdout.write(text);
  else writeOut(io, out, text);
}

/** Run the command line `argv` (without `node` and the script); resolves to the exit code. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  let code = 0;
  const cai = program(io, (c) => (code = c));
  const stack = argv.includes('--stack');
  try {
    if (argv.length === 0) {
      cai.outputHelp();
      return 2;
    }
    await cai.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version end with "errors" whose exit code is 0; usage mistakes were already printed.
      return error.exitCode === 0 ? 0 : 2;
    }
    if (error instanceof UsageError) return report(error, io.stderr, stack);
    return report(error, io.stderr, stack);
  }
}
