/**
 * What the page and its Web Worker say to each other. Everything here is
 * plain data (structured-clone safe): the model's functions never leave the
 * worker, so it sends numbers, labels and SVG strings.
 */

/** The engines the page offers, by their library names. */
export const ENGINE_NAMES = ['exact', 'variational', 'importance', 'softQLearning', 'softActorCritic', 'virel', 'pseudoLikelihoodEM'] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];
export type Backup = 'posterior' | 'fixed-dynamics';

/** The settings a run uses; with the code, they are what the URL hash restores. */
export interface Settings {
  /** The export that holds the model ('' = `default`, then `model`, as `cai run` looks). */
  readonly exportName: string;
  readonly engine: EngineName;
  /** exact() only. */
  readonly backup: Backup;
  /** α replacing the model's own temperature (extend(model, temperature(α))); null keeps the model's. */
  readonly alpha: number | null;
  /** variational: updates; learning engines: environment steps. null = the engine's default. */
  readonly steps: number | null;
  /** importance: particles. null = the engine's default. */
  readonly particles: number | null;
  readonly seed: number;
  /** Trajectories sampled for the rollout. */
  readonly samples: number;
}

export interface RunRequest {
  readonly id: number;
  readonly source: string;
  /** The file name shown in stack traces, e.g. 'model.ts'. */
  readonly file: string;
  /** Other modules the code may import as './name.js' (the examples, by file name without extension). */
  readonly modules: Readonly<Record<string, string>>;
  readonly settings: Settings;
}

/** π_0(· | s) at one start state, with the state's label. */
export interface PolicyRow {
  readonly state: string;
  readonly probs: readonly number[];
}

/** A grid picture's geometry: the cell of each state index (undefined = not drawn). */
export interface GridGeometry {
  readonly width: number;
  readonly height: number;
  readonly cells: readonly ({ readonly x: number; readonly y: number } | null)[];
  /** V_0(s) = −∞: nothing can satisfy O from there (drawn dark). */
  readonly infeasible: readonly boolean[];
}

/** One sampled trajectory: state and action indices, and whether step t → t+1 was a slip. */
export interface Rollout {
  readonly states: readonly number[];
  readonly actions: readonly number[];
  /** slips[t]: s_{t+1} is not the most probable successor of (s_t, a_t) under the dynamics. */
  readonly slips: readonly boolean[];
}

export interface RunResult {
  readonly engine: string;
  readonly evidence: { readonly kind: string; readonly logValue: number; readonly standardError: number | null; readonly description: string };
  /** α the run used, and the model's own. */
  readonly alpha: number;
  readonly modelAlpha: number;
  readonly horizon: number;
  readonly from: string;
  readonly actions: readonly string[];
  readonly startPolicy: readonly PolicyRow[];
  readonly valuesSvg: string | null;
  readonly marginalsSvg: string | null;
  readonly grid: GridGeometry | null;
  readonly rollouts: readonly Rollout[];
  /** What could not be shown, and why (e.g. an engine without state marginals). */
  readonly notes: readonly string[];
  readonly elapsedMs: number;
}

/** An error as the page shows it: the library's code when it is a CaiError, and where in the code it arose. */
export interface ShownError {
  readonly name: string;
  readonly code: string | null;
  readonly message: string;
  /** 1-based line in the user's code, or null when neither the stack nor the part name points at one. */
  readonly line: number | null;
  /** How the line was found: a stack frame in the code, a syntax error's position, or the part's name in the text. */
  readonly lineFrom: 'stack' | 'syntax' | 'part' | null;
}

export type WorkerReply =
  | { readonly type: 'progress'; readonly id: number; readonly fraction: number; readonly message: string }
  | { readonly type: 'result'; readonly id: number; readonly result: RunResult }
  | { readonly type: 'error'; readonly id: number; readonly error: ShownError };
