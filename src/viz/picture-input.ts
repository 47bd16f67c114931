/**
 * What a picture function was given, and a typed refusal when it cannot draw it
 * (issue 21 part 1). Every exported picture checks its first argument here
 * before reading any field, so a posterior of the wrong kind (a Gaussian
 * soft-LQR posterior, a belief posterior, a learned fit, …) or a value that is
 * no posterior at all gets a `CaiError` naming the function, what it got, what
 * it draws and which picture to use instead — never a TypeError.
 */
import { fail, show } from '../errors.js';

type Obj = Record<string, unknown>;
const isObject = (x: unknown): x is Obj => typeof x === 'object' && x !== null;

/** A short name for what a picture was given: the kind of posterior, of graph, or the value itself. */
export function describeInput(x: unknown): string {
  if (!isObject(x)) return show(x);
  const kind = x['kind'];
  const engine = typeof x['engine'] === 'string' ? `${x['engine']}` : undefined;
  if (kind === 'linear-gaussian' && engine !== undefined) return `a Gaussian (soft-LQR) posterior of ${engine}`;
  if (kind === 'lqg' || (engine !== undefined && isObject(x['graph']) && isObject((x['graph'] as Obj)['observation']) && (x['graph'] as Obj)['kind'] === 'linear-gaussian')) return `an LQG posterior of ${engine ?? 'exact'}`;
  if (kind === 'gaussian-policy') return `a GaussianPolicyPosterior of ${engine ?? 'an engine'} (a continuous action)`;
  if (kind === 'belief-posterior') return `a belief posterior (a POMDP) of ${engine ?? 'exact'}`;
  if (engine !== undefined) {
    const graph = isObject(x['graph']) ? x['graph'] : undefined;
    const finite = graph !== undefined && isObject(graph['states']) && Array.isArray((graph['states'] as Obj)['values']);
    const where = graph?.['kind'] === 'linear-gaussian' ? ' on a linear-Gaussian model' : finite ? '' : ' on a model without a finite state domain';
    return `a posterior of ${engine}${where}`;
  }
  if (kind === 'factor-graph') return 'a compiled factor graph';
  if (kind === 'simulator-graph') return 'a compiled simulated model (no tables)';
  if (kind === 'linear-gaussian') return 'a linear-Gaussian graph';
  if (kind === 'continuous-simulator') return 'a compiled model with a continuous action';
  return show(x);
}

/** `<fn>: got <what>; expected <accepted> — it draws <draws>. <instead>` as an `argument-invalid` CaiError. */
export function refusePicture(fn: string, got: unknown, accepted: string, draws: string, instead?: string): never {
  return fail({
    code: 'argument-invalid',
    part: fn,
    message: `${fn}: got ${describeInput(got)}; expected ${accepted} — it draws ${draws}.${instead === undefined ? '' : ` ${instead}`}`,
  });
}

/** Whether `x.states.values` is an array (a compiled graph with a finite state domain). */
export function hasFiniteStates(x: unknown): boolean {
  return isObject(x) && isObject(x['states']) && Array.isArray((x['states'] as Obj)['values']);
}

/** The fix for a grid picture given something else: `post.graph` when that is what was meant. */
function graphFix(x: unknown, alternative: string | undefined): string | undefined {
  if (isObject(x) && hasFiniteStates(x['graph'])) return `Pass post.graph (and the table you want drawn) rather than the posterior${alternative === undefined ? '' : `, or use ${alternative}`}`;
  if (isObject(x) && (x['kind'] === 'linear-gaussian' || x['kind'] === 'gaussian-policy' || (isObject(x['graph']) && (x['graph'] as Obj)['kind'] === 'linear-gaussian'))) {
    return 'A continuous state has no grid: draw its trajectories with curvesSvg([{ name, values }]) of sampled states, or use reportHtml(post)';
  }
  return alternative === undefined ? undefined : `Use ${alternative}`;
}

/** Grid pictures whose first argument is a compiled graph with finite states (post.graph). */
export function requireGridSource(fn: string, graph: unknown, draws: string, withActions = false, alternative?: string): void {
  if (hasFiniteStates(graph) && (!withActions || (isObject((graph as Obj)['actions']) && Array.isArray(((graph as Obj)['actions'] as Obj)['values'])))) return;
  refusePicture(fn, graph, `a compiled graph with a finite state domain${withActions ? ' and finite actions' : ''} (post.graph of a tabular posterior)`, draws, graphFix(graph, alternative));
}

/** Pictures of a posterior with a finite-state graph and the given methods (stateMarginal, policyTable, …). */
export function requireTabularPosterior(fn: string, post: unknown, methods: readonly string[], draws: string, alternative?: string): void {
  // A belief posterior has the methods but refuses per-state tables (the agent cannot see the state).
  const ok = isObject(post) && post['kind'] !== 'belief-posterior' && hasFiniteStates(post['graph']) && methods.every((m) => typeof post[m] === 'function');
  if (ok) return;
  const gaussian = isObject(post) && (post['kind'] === 'linear-gaussian' || post['kind'] === 'gaussian-policy' || post['kind'] === 'lqg');
  const belief = isObject(post) && post['kind'] === 'belief-posterior';
  const instead = gaussian
    ? 'A continuous state or action has no table: use reportHtml(post), or curvesSvg(...) of its sampled trajectories'
    : belief
      ? 'A POMDP has no per-state table: use beliefSvg(post, trajectory) or beliefPolicySvg(post)'
      : alternative === undefined
        ? undefined
        : `Use ${alternative}`;
  refusePicture(fn, post, `a posterior over a finite state domain with ${methods.map((m) => `${m}()`).join(' and ')} (infer(model, exact()) on a table model)`, draws, instead);
}

/** marginalsSvg / marginalGridsSvg: a posterior with stateMarginal(t) and a finite state domain. */
export function requireMarginals(fn: string, post: unknown, draws: string): void {
  requireTabularPosterior(fn, post, ['stateMarginal'], draws, fn === 'marginalGridsSvg' ? 'marginalsSvg(post) for a model without a grid' : undefined);
}

/** curvesSvg: an array of { name, values } series. */
export function requireSeries(series: unknown): void {
  const ok =
    Array.isArray(series) &&
    series.every((s: unknown) => isObject(s) && typeof s['name'] === 'string' && isObject(s['values']) && typeof (s['values'] as { length?: unknown }).length === 'number');
  if (ok) return;
  const posterior = isObject(series) && (typeof series['engine'] === 'string' || typeof series['kind'] === 'string');
  refusePicture(
    'curvesSvg',
    series,
    'an array of series [{ name, values }] (values: numbers, one per x)',
    'named curves of numbers against x',
    posterior ? 'To draw a posterior, pick its numbers first (e.g. [{ name: "ESS", values: particlesOf(post).ess }]), or use reportHtml(post)' : undefined,
  );
}

/** particleFanSvg / particleDiagnosticsSvg: the weighted particles of an importance() run (particlesOf(post)). */
export function requireParticles(fn: string, particles: unknown, draws: string): void {
  if (isObject(particles) && typeof particles['stateValues'] === 'function' && particles['weights'] instanceof Float64Array && isObject(particles['ess'])) return;
  const importanceRun = isObject(particles) && particles['engine'] === 'importance';
  refusePicture(
    fn,
    particles,
    'the weighted particles of an importance() run',
    draws,
    importanceRun ? 'Pass particlesOf(post), not the posterior itself' : 'Run infer(model, importance({ particles })) and pass particlesOf(post); for other posteriors use marginalsSvg(post) or reportHtml(post)',
  );
}

/** beliefSvg / beliefPolicySvg: the belief posterior of a POMDP (infer(pomdp, exact())). */
export function requireBeliefPosterior(fn: string, post: unknown, draws: string): void {
  if (isObject(post) && typeof post['belief'] === 'function' && isObject(post['graph']) && hasFiniteStates(post['graph'])) return;
  const tabular = isObject(post) && hasFiniteStates(post['graph']);
  refusePicture(
    fn,
    post,
    "the belief posterior of a POMDP (infer(model, exact()) on a model with an observation(...) part)",
    draws,
    tabular ? 'A fully observed model has no beliefs: use policyTableSvg(post) or marginalsSvg(post)' : undefined,
  );
}

/** stateNamer: an array of state values (post.graph.states.values). */
export function requireStateValues(values: unknown): void {
  if (Array.isArray(values)) return;
  refusePicture(
    'stateNamer',
    values,
    'an array of state values',
    'axis labels for states',
    isObject(values) && hasFiniteStates(values['graph']) ? 'Pass post.graph.states.values' : hasFiniteStates(values) ? 'Pass graph.states.values' : undefined,
  );
}
