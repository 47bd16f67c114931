/**
 * A lottery: why the exact posterior is risk-seeking under stochastic dynamics.
 *
 * From 'start' the agent either takes 'safe' (a sure prize of 1) or 'gamble'
 * (the jackpot, 10, with probability 5 %; otherwise nothing). The gamble's
 * expected prize is 0.5, half the sure one.
 *
 *   exact posterior:  Q(gamble) = α log E[exp(V′/α)] = α log(0.05 e^{10/α} + 0.95)   ≈ 7.0 at α = 1
 *   fixed dynamics:   Q(gamble) = E[V′]             = 0.05 · 10                        = 0.5
 *
 * Conditioning on O = 1 ("the episode went optimally") also conditions the
 * coin: given that things went well, the jackpot probably came up. The
 * posterior policy therefore gambles; the fixed-dynamics backup (the
 * structured variational posterior, which cannot choose its luck) takes the
 * sure prize, and `evaluate` confirms it earns more.
 *
 * The variational engine reaches the same conclusion by optimisation: it fits
 * q(a|s) by maximising the ELBO with the dynamics kept fixed, so its q is the
 * fixed-dynamics optimum (it takes the sure prize), and its ELBO stays below
 * log p(O) by the KL divergence from q(τ) to the risk-seeking p(τ | O). The
 * ELBO curve of the fit is drawn as a text plot.
 *
 * Run: npx tsx dsl-examples/lottery.ts
 */
import { pathToFileURL } from 'node:url';
import {
  action,
  categorical,
  deterministic,
  evaluate,
  exact,
  horizon,
  infer,
  model,
  optimality,
  state,
  table,
  tabularSoftmax,
  temperature,
  textPlot,
  transition,
  variational,
  variationalFit,
} from '../src/index.js';

export type Where = 'start' | 'sure' | 'jackpot' | 'bust';
export type Choice = 'safe' | 'gamble';

export interface Options {
  /** The sure prize (default 1). */
  readonly sure?: number;
  /** The jackpot (default 10) and its probability (default 0.05). */
  readonly jackpot?: number;
  readonly chance?: number;
  /** Temperatures to compare (default [1, 0]; 0 is the hard-max limit). */
  readonly temperatures?: readonly number[];
  /** Adam steps of the variational fit (default 300). */
  readonly steps?: number;
}

/** The lottery at temperature α: one choice at t = 0, the prize as the reward at t = 1. */
export function lottery(alpha: number, sure = 1, jackpot = 10, chance = 0.05) {
  const prize: Record<Where, number> = { start: 0, sure, jackpot, bust: 0 };
  return model<Where, Choice>(
    state('where', ['start', 'sure', 'jackpot', 'bust'] as Where[], { initial: 'start' }),
    action('choice', ['safe', 'gamble'] as Choice[]),
    transition((s: Where, a: Choice) => {
      if (s !== 'start') return deterministic(s); // the outcome stays; the second choice changes nothing
      return a === 'safe' ? deterministic<Where>('sure') : categorical<Where>([['jackpot', chance], ['bust', 1 - chance]]);
    }),
    optimality((s: Where) => prize[s]),
    temperature(alpha),
    horizon(2),
  );
}

export function main(options: Options = {}): void {
  const sure = options.sure ?? 1;
  const jackpot = options.jackpot ?? 10;
  const chance = options.chance ?? 0.05;
  console.log(`Lottery: 'safe' pays ${sure} for sure; 'gamble' pays ${jackpot} with probability ${chance}, else 0 (expected ${jackpot * chance}).`);
  console.log('');
  const prefers = new Map<string, Choice>();
  const rows: (string | number)[][] = [['α', 'backup', 'Q(safe)', 'Q(gamble)', 'π(gamble)', 'E[return]', 'prefers']];
  for (const alpha of options.temperatures ?? [1, 0]) {
    const m = lottery(alpha, sure, jackpot, chance);
    for (const backup of ['posterior', 'fixed-dynamics'] as const) {
      const post = infer(m, exact({ backup }));
      const start = post.graph.states.indexOf('start');
      const q = post.Q(0).subarray(start * 2, start * 2 + 2);
      const pi = post.policy(0, 'start');
      const gamble = pi.probs[pi.support.indexOf('gamble')]!;
      // The return of the policy under the true coin, not under the posterior's tilted one.
      const value = evaluate(m, post).value;
      prefers.set(`${alpha} ${backup}`, gamble > 0.5 ? 'gamble' : 'safe');
      rows.push([alpha === 0 ? '0 (max)' : String(alpha), backup, q[0]!, q[1]!, gamble, value, gamble > 0.5 ? 'gamble' : 'safe']);
    }
  }
  console.log(table(rows, { digits: 3, header: true }));
  console.log('');
  for (const alpha of options.temperatures ?? [1, 0]) {
    const p = prefers.get(`${alpha} posterior`);
    const f = prefers.get(`${alpha} fixed-dynamics`);
    console.log(`α = ${alpha}: the posterior prefers ${p === 'gamble' ? 'the gamble' : 'safe'}; fixed-dynamics prefers ${f === 'gamble' ? 'the gamble' : 'safe'}.`);
  }
  console.log('Conditioned on O the jackpot is likely, so the exact posterior gambles (it "chooses its luck");');
  console.log('Q = r + E[V′] keeps the true chance, and its policy earns more under the real coin (E[return]).');
  variationalSection(options, sure, jackpot, chance);
}

/** The exact posterior against a variational fit (α > 0 only: at α = 0 the ELBO is infinite), and the fit's ELBO curve. */
function variationalSection(options: Options, sure: number, jackpot: number, chance: number): void {
  const temperatures = (options.temperatures ?? [1, 0]).filter((alpha) => alpha > 0);
  if (temperatures.length === 0) return;
  console.log('');
  console.log('The variational engine: q(a|s) fitted by maximising the ELBO with the true coin (tabular softmax, Adam).');
  console.log('');
  const rows: (string | number)[][] = [['α', 'engine', 'π(gamble)', 'log p(O) / ELBO', 'E[return]', 'prefers']];
  let curve: { alpha: number; elbo: Float64Array; logZ: number } | undefined;
  const verdicts: string[] = [];
  for (const alpha of temperatures) {
    const m = lottery(alpha, sure, jackpot, chance);
    const posterior = infer(m, exact());
    const fitted = infer(m, variational({ family: tabularSoftmax({ timeIndexed: true }), steps: options.steps ?? 300 }));
    const fit = variationalFit(fitted);
    for (const [name, post] of [['exact posterior', posterior], ['variational', fitted]] as const) {
      const pi = post.policy(0, 'start');
      const gamble = pi.probs[pi.support.indexOf('gamble')]!;
      rows.push([String(alpha), name, gamble, post.logEvidence, evaluate(m, post).value, gamble > 0.5 ? 'gamble' : 'safe']);
      if (name === 'variational') verdicts.push(`α = ${alpha}: variational prefers ${gamble > 0.5 ? 'the gamble' : 'safe'}; log p(O) − ELBO = ${fit.gap!.toFixed(4)} after ${fit.steps} steps.`);
    }
    curve ??= { alpha, elbo: fit.elbo, logZ: fit.logZ! };
  }
  console.log(table(rows, { digits: 3, header: true }));
  console.log('');
  for (const line of verdicts) console.log(line);
  console.log('The gap is the KL from q(τ) to the exact p(τ | O), which bets on the jackpot; q cannot, so it takes the sure prize.');
  if (curve !== undefined) {
    console.log('');
    console.log(textPlot(curve.elbo, { width: 50, height: 8, title: `ELBO per Adam step (α = ${curve.alpha}); log p(O) = ${curve.logZ.toFixed(3)} lies far above` }));
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main();
