/**
 * The engines `cai run --engine <name>` knows, each built from the command's
 * options. The table is the one place to add an engine to the command; its
 * options keep their library names so that `--help` and the docs agree.
 */
import { closest } from '../errors.js';
import { exact, importance, pseudoLikelihoodEM, softActorCritic, softQLearning, variational, virel } from '../index.js';
import type { Engine, EngineInput } from '../types/engine.js';
import { UsageError } from './io.js';

/** The command-line options an engine may read. */
export interface EngineFlags {
  readonly backup?: string;
  readonly particles?: number;
  readonly steps?: number;
  readonly seed?: number;
}

interface EngineEntry {
  readonly summary: string;
  /** The flags this engine reads; others are refused so that a flag never does nothing silently. */
  readonly flags: readonly (keyof EngineFlags)[];
  build(flags: EngineFlags): Engine<unknown, EngineInput>;
}

/** A learning engine's entry: --steps (environment steps) and --seed become its options. */
function learning(summary: string, make: (options: { steps?: number; seed?: number }) => Engine<unknown, 'simulator'>): EngineEntry {
  return {
    summary: `${summary}; --steps environment steps, --seed`,
    flags: ['steps', 'seed'],
    build: (f) => make({ ...(f.steps !== undefined ? { steps: f.steps } : {}), ...(f.seed !== undefined ? { seed: f.seed } : {}) }) as Engine<unknown, EngineInput>,
  };
}

export const ENGINES: Readonly<Record<string, EngineEntry>> = {
  exact: {
    summary: 'exact sum-product in log space (tables); --backup posterior | fixed-dynamics | boltzmann | expected-utility',
    flags: ['backup'],
    build: (f) => exact(f.backup === undefined ? {} : { backup: f.backup as 'posterior' | 'fixed-dynamics' | 'boltzmann' | 'expected-utility' }) as Engine<unknown, EngineInput>,
  },
  variational: {
    summary: 'fits q(a|s) by maximising the ELBO (dynamics fixed); --steps, --seed',
    flags: ['steps', 'seed'],
    build: (f) => variational({ ...(f.steps !== undefined ? { steps: f.steps } : {}), ...(f.seed !== undefined ? { seed: f.seed } : {}) }) as Engine<unknown, EngineInput>,
  },
  importance: {
    summary: 'importance sampling / SMC of trajectories (simulates); --particles, --seed',
    flags: ['particles', 'seed'],
    build: (f) => importance({ ...(f.particles !== undefined ? { particles: f.particles } : {}), ...(f.seed !== undefined ? { seed: f.seed } : {}) }) as Engine<unknown, EngineInput>,
  },
  softQLearning: learning('soft Q-learning from simulated transitions (replay buffer)', softQLearning),
  softActorCritic: learning("soft actor-critic, twin critics, the model's α", softActorCritic),
  virel: learning('VIREL: actor-critic as variational EM, β = c·MSBE (targets the hard optimum)', virel),
  pseudoLikelihoodEM: learning('reward-weighted EM on log E[exp(R/α)] (risk-seeking)', pseudoLikelihoodEM),
};

export const ENGINE_NAMES = Object.keys(ENGINES);

/** The engine named on the command line, or a UsageError that names the known ones. */
export function engineFor(name: string, flags: EngineFlags): Engine<unknown, EngineInput> {
  const entry = ENGINES[name];
  if (entry === undefined) {
    const guess = closest(name, ENGINE_NAMES);
    throw new UsageError(`--engine: unknown engine '${name}'${guess !== undefined ? ` (did you mean '${guess}'?)` : ''}; known engines: ${ENGINE_NAMES.join(', ')}`);
  }
  for (const key of Object.keys(flags) as (keyof EngineFlags)[]) {
    // --seed also seeds the samples a report draws, so every engine accepts it.
    if (flags[key] === undefined || key === 'seed' || entry.flags.includes(key)) continue;
    const users = ENGINE_NAMES.filter((n) => ENGINES[n]!.flags.includes(key));
    throw new UsageError(`--${key} does not apply to --engine ${name}; it is an option of ${users.join(', ')}`);
  }
  return entry.build(flags);
}
