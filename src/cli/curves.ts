/**
 * Curves a report draws for engines that iterate: the variational ELBO trace against the exact
 * log p(O), and a learning engine's curves per episode (return, entropy, critic error, β).
 */
import { LEARNING_ENGINES } from '../engines/learning/index.js';
import { learningFit, variationalFit } from '../index.js';
import type { EngineInput } from '../types/engine.js';
import type { Posterior } from '../types/posterior.js';
import type { Series } from '../viz/svg/curves.js';

export interface CurveFigure {
  readonly title: string;
  readonly series: readonly Series[];
  readonly xTitle?: string;
  readonly yTitle?: string;
}

/** The ELBO after each update and, on a tabulated model, the exact log p(O) it bounds. */
export function elboCurves(post: Posterior<unknown, unknown, EngineInput>): CurveFigure[] {
  if (post.engine !== 'variational') return [];
  const fit = variationalFit(post);
  const series: Series[] = [{ name: 'ELBO', values: fit.elbo }];
  if (fit.logZ !== undefined && Number.isFinite(fit.logZ)) series.push({ name: 'log p(O) (exact)', values: [fit.logZ, fit.logZ], x: [0, fit.elbo.length - 1] });
  return [{ title: 'ELBO over the variational updates', series, xTitle: 'update', yTitle: 'nats' }];
}

/** A learning engine's curves against environment steps: the return (with its moving average), entropy, critic error, β. */
export function learningCurves(post: Posterior<unknown, unknown, EngineInput>): CurveFigure[] {
  if (!LEARNING_ENGINES.includes(post.engine)) return [];
  const { curves } = learningFit(post);
  // Episodes before the first update have no critic error or β (NaN): they are left out of those curves.
  const points = (name: string, values: Float64Array): Series => {
    const keep: number[] = [];
    for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) keep.push(i);
    return { name, values: keep.map((i) => values[i]!), x: keep.map((i) => curves.environmentSteps[i]!) };
  };
  const figures: CurveFigure[] = [
    {
      title: `Return per episode (${post.engine})`,
      series: [points('return', curves.return), points('moving average (⅒ of the run)', movingAverage(curves.return, Math.max(1, Math.floor(curves.return.length / 10))))],
      xTitle: 'environment steps',
      yTitle: 'Σ γ^t r_t',
    },
    { title: 'Entropy of the behaviour policy', series: [points('H(π(·|s)), mean over the episode', curves.entropy)], xTitle: 'environment steps', yTitle: 'nats' },
  ];
  if (curves.criticError.some(Number.isFinite)) {
    figures.push({ title: "The critic's mean squared TD error", series: [points('TD error²', curves.criticError)], xTitle: 'environment steps', yTitle: 'reward²' });
  }
  if (curves.beta !== undefined && curves.beta.some(Number.isFinite)) figures.push({ title: "VIREL's β(ω) = c·MSBE", series: [points('β', curves.beta)], xTitle: 'environment steps', yTitle: 'reward units' });
  if (curves.temperature !== undefined) figures.push({ title: 'The tuned temperature', series: [points('α', curves.temperature)], xTitle: 'environment steps', yTitle: 'α' });
  return figures;
}

/** Mean of the last `width` values at each point (fewer at the start), skipping non-finite ones. */
function movingAverage(values: Float64Array, width: number): Float64Array {
  const out = new Float64Array(values.length);
  let sum = 0;
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    if (Number.isFinite(values[i])) {
      sum += values[i]!;
      count++;
    }
    const j = i - width;
    if (j >= 0 && Number.isFinite(values[j])) {
      sum -= values[j]!;
      count--;
    }
    out[i] = count > 0 ? sum / count : NaN;
  }
  return out;
}
