/**
 * The report's figures that depend on what kind of model and posterior it
 * is (issue 18, points 3–5):
 *
 * - grid models: where the agent goes (expected visits with a few sampled
 *   paths, slips dashed), an animated rollout, and the marginals over time
 *   as small multiples of the grid on a log scale;
 * - other finite models: the policy at t = 0 as a state × action heat table
 *   (grouped by a variable for factored states) and the marginals over time;
 * - weighted particles (importance / SMC): a fan chart of a state coordinate
 *   and ESS with surviving lineages over time;
 * - learning engines: values only where the learner has been;
 * - POMDPs: the belief over time and the belief-dependent policy.
 *
 * Each returns figures as `{ title, caption, draw }`; `reportHtml` draws them
 * and turns a query the engine cannot answer into a note.
 */
import { LEARNING_ENGINES, learningFit } from '../engines/learning/index.js';
import { isBeliefPosterior } from '../posterior/belief.js';
import type { WeightedParticles } from '../posterior/weighted.js';
import type { EngineInput } from '../types/engine.js';
import type { BeliefPosterior } from '../types/belief.js';
import type { FactorGraph } from '../types/factor-graph.js';
import type { Posterior } from '../types/posterior.js';
import { beliefPolicySvg, beliefSvg } from '../viz/svg/belief.js';
import { learnedValuesSvg } from '../viz/svg/learned-values.js';
import { marginalGridsSvg } from '../viz/svg/marginal-grids.js';
import { marginalsSvg } from '../viz/svg/marginals.js';
import { particleDiagnosticsSvg, particleFanSvg } from '../viz/svg/particles.js';
import { policyTableSvg } from '../viz/svg/policy-table.js';
import { rolloutSvg } from '../viz/svg/rollout.js';
import { visitationSvg } from '../viz/svg/visitation.js';
import { isCaiError } from './cai-error.js';

/** A figure to draw. */
export interface PlannedFigure {
  readonly title: string;
  readonly caption: string;
  readonly draw: () => Promise<string>;
}

/** What the sections read from the report's options. */
export interface SectionOptions<S> {
  readonly samples: number;
  readonly seed: number;
  readonly cellSize: number;
  readonly marks?: (s: S) => string | undefined;
  /** Colour the grid marginals by log₁₀ p (default true). */
  readonly logMarginals?: boolean;
  /** The coordinate of a simulated state drawn in the fan chart. */
  readonly coordinate?: string | ((s: S) => number);
}

/** Paths drawn over the visitation density: a few, so that each stays readable. */
const PATHS = 4;
/** Decisions drawn when the horizon is infinite. */
const INFINITE_STEPS = 20;

type AnyPost = Posterior<unknown, unknown, EngineInput>;

const particlesIn = (post: AnyPost): WeightedParticles<unknown, unknown> | undefined => (post as { particles?: WeightedParticles<unknown, unknown> }).particles;

/** The learner's visit counts, on a learning engine's posterior over a finite domain. */
export function visitsOf(post: { readonly engine: string }): Float64Array | undefined {
  return (LEARNING_ENGINES as readonly string[]).includes(post.engine) ? learningFit(post).visits : undefined;
}

/** The figure that replaces V₀ for a learning engine on a grid, or undefined. */
export function learnedValuesFigure<S>(post: Posterior<S, unknown, EngineInput>, options: SectionOptions<S>): PlannedFigure | undefined {
  const g = post.graph;
  const visits = visitsOf(post);
  if (g.kind !== 'factor-graph' || g.layout === undefined || visits === undefined) return undefined;
  const known = visits.reduce((n, v) => n + (v > 0 ? 1 : 0), 0);
  return {
    title: 'Soft value V₀ where the learner has been',
    caption: `Colour: V_0(s) of the learned policy, drawn only on the ${known} of ${g.nS} states the learner visited; '?' (grey): never visited, so unknown — not infeasible (× would be V = −∞).`,
    draw: () => learnedValuesSvg(g, post.V(0), visits, { cellSize: options.cellSize, ...(options.marks ? { marks: options.marks } : {}) }),
  };
}

/** The kind-specific figures, in the order they appear. */
export function kindSections<S>(post: Posterior<S, unknown, EngineInput>, options: SectionOptions<S>): PlannedFigure[] {
  const generic = post as AnyPost;
  const g = post.graph;
  const out: PlannedFigure[] = [];
  const finite = Number.isFinite(post.horizon);
  const grid = g.kind === 'factor-graph' && g.layout !== undefined;

  if (isBeliefPosterior(post)) {
    const bp = post as unknown as BeliefPosterior<unknown, unknown, unknown>;
    out.push({
      title: 'Belief over time and the belief policy',
      caption: 'Along the most probable trajectory (a sample where there is none): left, the belief b_t(s) the policy reads after the history h_t; right, π_t(a | h_t).',
      draw: () => beliefSvg(bp, trajectoryOf(finite ? () => bp.mostProbable() : undefined, () => bp.sample(1, { seed: options.seed, ...(finite ? {} : { steps: INFINITE_STEPS }) })[0]!)),
    });
    if (bp.graph.states.values.length === 2) {
      out.push({
        title: 'The policy as a function of the belief',
        caption: `π_t(a | b) for every belief b over the two states, at the first, middle and last step${finite ? '' : ' (t = 0 on an infinite horizon)'}.`,
        draw: () => beliefPolicySvg(bp),
      });
    }
    return out;
  }

  if (grid) {
    const fg = g as FactorGraph<S, unknown>;
    const steps = finite ? {} : { steps: INFINITE_STEPS };
    const n = Math.min(PATHS, options.samples);
    out.push({
      title: 'Where the agent goes',
      caption: `Grey: expected visits Σ_t p(s_t | O)${finite ? '' : ` over the first ${INFINITE_STEPS} steps`}. Lines: ${n} paths from post.sample(${n}, { seed: ${options.seed} }), a dot at each start; solid blue: the move went to its most likely cell; dashed red with a red × where it landed: a slip (the dynamics sent it elsewhere, often nowhere).`,
      draw: () => visitationSvg({ graph: fg, horizon: post.horizon, stateMarginal: (t) => post.stateMarginal(t) }, { ...(n > 0 ? { paths: post.sample(n, { seed: options.seed, ...steps }) } : {}), ...steps, cellSize: options.cellSize, ...(options.marks ? { marks: options.marks } : {}) }),
    });
    out.push({
      title: 'A rollout, animated',
      caption: `${finite ? 'The most probable trajectory (a sample where the engine has no mode)' : `A trajectory of ${INFINITE_STEPS} steps from post.sample(1, { seed: ${options.seed}, steps: ${INFINITE_STEPS} })`}, one step every 0.6 s: orange dot, the agent; the counter names t, the action, and marks a slip.`,
      draw: async () => rolloutSvg(fg, trajectoryOf(finite ? () => post.mostProbable() : undefined, () => post.sample(1, { seed: options.seed, ...steps })[0]!), { cellSize: options.cellSize, ...(options.marks ? { marks: options.marks } : {}) }),
    });
    if (finite) {
      const log = options.logMarginals ?? true;
      out.push({
        title: 'State marginals over time',
        caption: `p(s_t | O) for each step t (forward messages), one grid per step${log ? '; colour log₁₀ p from −6 (and below) to 0, so that thin tails show' : ''}.`,
        draw: () => marginalGridsSvg(generic as Parameters<typeof marginalGridsSvg>[0], { log }),
      });
    }
    return out;
  }

  const particles = particlesIn(generic);
  const domain = g.states;
  if (domain !== undefined) {
    const visits = visitsOf(post);
    const table = { graph: { states: domain, actions: g.actions }, policyTable: (t: number) => post.policyTable(t) };
    // Particles estimate π only at states they visit: a zero row there means "no particle came", not infeasible.
    const nA = g.actions.values.length;
    const visited = particles !== undefined ? (_s: unknown, i: number) => post.policyTable(0).subarray(i * nA, (i + 1) * nA).some((p) => p > 0) : undefined;
    const known = visits !== undefined ? (_s: unknown, i: number) => visits[i]! > 0 : visited;
    out.push({
      title: 'The policy at t = 0, state by state',
      caption: `π_0(a | s) = p(a_0 | s_0, O) for each state${visits !== undefined ? "; '?' (grey): a state the learner never visited, so unknown" : particles !== undefined ? "; '?' (grey): no particle with weight > 0 is there at t = 0, so unknown" : ''}; × : no action can satisfy O from there.`,
      draw: () => policyTableSvg(table, { title: '', ...(known !== undefined ? { known } : {}) }),
    });
    const log = options.logMarginals ?? true;
    if (finite) out.push({ title: 'State marginals over time', caption: `p(s_t | O) for each step t${log ? ', colour log₁₀ p from −6 (and below) to 0' : ''}; labels abbreviated (full names in the tooltips).`, draw: () => marginalsSvg(generic, { title: '', log }) });
  }
  if (particles !== undefined) {
    out.push({
      title: 'The particle cloud over time',
      caption: 'Weighted quantiles of the state coordinate at each t over the particles (each traced back through resampling, weighted by its final weight): bands 5–95 % and 25–75 %, line the median.',
      draw: () => particleFanSvg(particles, options.coordinate !== undefined ? { coordinate: options.coordinate as string | ((s: unknown) => number) } : {}),
    });
    out.push({
      title: 'Effective sample size and surviving lineages',
      caption: 'ESS after each step\'s factors (1 / Σ w²) and the number of particles at each t with a descendant of weight > 0 at the end; N for reference. Few lineages: every estimate rests on few independent draws.',
      draw: () => particleDiagnosticsSvg(particles),
    });
  }
  return out;
}

/** The mode where the engine has one (a finite horizon); otherwise a sample. */
function trajectoryOf<T>(mode: (() => T) | undefined, sample: () => T): T {
  if (mode === undefined) return sample();
  try {
    return mode();
  } catch (error) {
    if (isCaiError(error) && error.code === 'unsupported-query') return sample();
    throw error;
  }
}

