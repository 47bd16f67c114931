/**
 * The one refusal every part of the library gives a POMDP it cannot solve:
 * an engine (or query) that ignores `observation(...)` would silently solve
 * the fully observed problem — a policy that peeks at the hidden state — so it
 * must say so and name what can.
 */
import { fail } from '../errors.js';
import type { Engine } from '../types/engine.js';
import type { FactorGraph } from '../types/factor-graph.js';
import type { Model } from '../types/model.js';
import type { SimulatorGraph } from '../types/simulator.js';

/** Which engines solve a POMDP, for messages. */
export const BELIEF_ENGINES = "exact() (exact planning over reachable beliefs; backup 'fixed-dynamics' or 'posterior')";

/** True when the model or compiled graph has an observation part. */
export function isPartiallyObserved(source: Model<unknown, unknown> | FactorGraph<unknown, unknown> | SimulatorGraph<unknown, unknown>): boolean {
  if (source.kind === 'model') return source.parts.some((p) => p.kind === 'observation');
  return source.kind === 'factor-graph' && source.observation !== undefined;
}

/**
 * Refuse a POMDP for an engine without the 'partial-observability' capability;
 * `simulated` when the POMDP's transitions only sample (no engine solves that yet).
 */
export function refusePartialObservability<S, A>(
  source: Model<S, A> | FactorGraph<S, A> | SimulatorGraph<S, A>,
  engine: Engine<unknown, 'tables' | 'simulator'>,
  simulated = false,
): void {
  if (!isPartiallyObserved(source as Model<unknown, unknown>)) return;
  // exact() with an agent backup lacks the capability too: name the backup, so the fix (another backup) reads right.
  const backup = engine.name === 'exact' ? (engine.options as { readonly backup?: unknown } | undefined)?.backup : undefined;
  const by = typeof backup === 'string' && backup !== 'posterior' && backup !== 'fixed-dynamics' ? `exact({ backup: '${backup}' })` : `${engine.name}()`;
  if (simulated) {
    fail({
      code: 'observation-unsupported',
      part: by,
      message: `${by}: the model has an observation(...) part and a transition that only samples; no engine solves a simulated POMDP (importance() refuses it: see docs/guides/pomdp.md). Return categorical(...) from the transition and use ${BELIEF_ENGINES}`,
    });
  }
  if (engine.capabilities.includes('partial-observability')) return;
  fail({
    code: 'observation-unsupported',
    part: by,
    message: `${by}: the model has an observation(...) part (a POMDP) and ${by} plans as if the state were seen, which would solve the fully observed problem instead; use ${BELIEF_ENGINES}`,
  });
}

/** The refusal for a query (not an engine) that reads a fully observed model, e.g. `rewardLikelihood`. */
export function refusePomdpQuery(part: string, source: Model<unknown, unknown> | FactorGraph<unknown, unknown>, fix: string): void {
  if (!isPartiallyObserved(source)) return;
  fail({
    code: 'observation-unsupported',
    part,
    message: `${part}: the model has an observation(...) part (a POMDP), and ${part} treats the state as seen, which would answer for the fully observed problem instead; ${fix}`,
  });
}
