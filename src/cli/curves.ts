/** Curves a report draws for engines that iterate: the variational ELBO trace against the exact log p(O). */
import { variationalFit } from '../index.js';
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
