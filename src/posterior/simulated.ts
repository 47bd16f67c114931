/**
 * The posterior of a learned policy on a model that can only be simulated:
 * the policy at any state from the engine's logits,
 *
 *   π_t(a | s) = p(a|s) e^{ℓ(s,a,t)} / Σ_{b allowed} p(b|s) e^{ℓ(s,b,t)}   (allowed: p(b|s) > 0, r_t(s,b) > −∞),
 *
 * samples by simulation, and the evidence the engine estimated. Tables,
 * marginals, the mode and log-probabilities need densities the simulator
 * does not have: they throw `unsupported-query`, naming what to use instead.
 * Shared by the variational engine and the learning engines.
 */
import { checkMemory, trajectoryBytes } from '../compile/memory.js';
import { categorical, type Categorical } from '../dist/categorical.js';
import { rng } from '../dist/rng.js';
import { fail, show } from '../errors.js';
import type { Evidence, Exactness, Posterior, SampleOptions, ScoredTrajectory, Trajectory } from '../types/posterior.js';
import type { Simulator, SimulatorGraph } from '../types/simulator.js';
import { unsupported } from './unsupported.js';
import { requireSampleOptions } from '../compile/arguments.js';

/** What an engine hands to `simulatedPosterior`. */
export interface SimulatedPolicySource<S, A> {
  readonly engine: string;
  readonly graph: SimulatorGraph<S, A>;
  readonly sim: Simulator<unknown, S, unknown>;
  /** ℓ(s, ·, t) into `out` (length nA); `index` is the state's index in a finite domain, or −1. */
  logits(s: S, t: number, index: number, out: Float64Array): void;
  readonly exactness: Exactness;
  readonly evidence: Evidence;
}

/** A posterior that answers policy and sampling queries by simulation. */
export function simulatedPosterior<S, A>(source: SimulatedPolicySource<S, A>): Posterior<S, A, 'simulator'> {
  return new SimulatedPosterior<S, A>(source);
}

class SimulatedPosterior<S, A> implements Posterior<S, A, 'simulator'> {
  readonly engine: string;
  readonly exactness: Exactness;
  readonly graph: SimulatorGraph<S, A>;
  readonly horizon: number;
  readonly logEvidence: number;
  readonly evidence: Evidence;
  readonly value: number;
  readonly convergence = undefined;
  private readonly prior: Float64Array;
  private readonly row: Float64Array;

  constructor(private readonly source: SimulatedPolicySource<S, A>) {
    this.engine = source.engine;
    this.graph = source.graph;
    this.horizon = source.graph.horizon;
    this.evidence = source.evidence;
    this.logEvidence = source.evidence.logValue;
    this.value = source.sim.alpha * source.evidence.logValue;
    this.exactness = source.exactness;
    this.prior = new Float64Array(source.sim.nA);
    this.row = new Float64Array(source.sim.nA);
  }

  /** Stationary policies of an infinite horizon are read at t = 0. */
  private slot(t: number): number {
    return Number.isFinite(this.horizon) ? t : 0;
  }

  /** π_t(· | s) into `row`; false when s has no allowed action (prior 0 or r = −∞ everywhere). */
  private policyInto(t: number, s: S, index: number): boolean {
    const { sim } = this.source;
    const nA = sim.nA;
    // Handles of a simulated model are the state values themselves.
    sim.prior(s, this.prior);
    this.source.logits(s, this.slot(t), index, this.row);
    let m = -Infinity;
    for (let a = 0; a < nA; a++) {
      if (!(this.prior[a]! > 0) || sim.reward(s, a, this.slot(t)) === -Infinity) this.prior[a] = 0;
      else if (this.row[a]! > m) m = this.row[a]!;
    }
    if (m === -Infinity) return false;
    let sum = 0;
    for (let a = 0; a < nA; a++) {
      this.row[a] = this.prior[a]! > 0 ? this.prior[a]! * Math.exp(this.row[a]! - m) : 0;
      sum += this.row[a]!;
    }
    for (let a = 0; a < nA; a++) this.row[a] = this.row[a]! / sum;
    return true;
  }

  private checkTime(query: string, t: number): void {
    if (!Number.isInteger(t) || t < 0 || t > this.horizon - 1) {
      const range = Number.isFinite(this.horizon) ? `0 … ${this.horizon - 1}` : 'a non-negative integer';
      fail({ code: 'time-out-of-range', part: query, t, message: `${query}: t = ${show(t)} is outside the horizon; expected ${range}` });
    }
  }

  policy(t: number, s: S): Categorical<A> {
    this.checkTime('policy', t);
    const states = this.source.sim.states;
    const index = states !== undefined ? states.indexOf(s) : -1;
    if (states !== undefined && index < 0) fail({ code: 'unknown-state', part: 'policy', state: s, message: `policy: s=${show(s)} is not a state of the model` });
    if (!this.policyInto(t, s, index)) {
      fail({ code: 'state-infeasible', part: 'policy', state: s, t, message: `policy(t=${t}, s=${show(s)}): every action has prior 0 or r = −Infinity here; the policy is undefined` });
    }
    return categorical(this.graph.actions.values.map((a, k) => [a, this.row[k]!] as const));
  }

  policyTable(t: number): Float64Array {
    const states = this.source.sim.states;
    if (states === undefined) return unsupported(this.engine, `policyTable(${t})`, 'the state has no finite domain', 'policy(t, s) at the states you need');
    this.checkTime('policyTable', t);
    const nA = this.source.sim.nA;
    const out = new Float64Array(states.size * nA);
    for (let s = 0; s < states.size; s++) if (this.policyInto(t, states.values[s]!, s)) out.set(this.row, s * nA);
    return out;
  }

  private noTables(query: string): never {
    return unsupported(this.engine, query, `the model is simulated (${this.graph.reason}), so the policy's values and marginals have no tables`, 'sample(n, { seed }) and averages over the samples, or a model with categorical transitions for exact tables');
  }

  Q(t: number): Float64Array {
    return this.noTables(`Q(${t})`);
  }
  V(t: number): Float64Array {
    return this.noTables(`V(${t})`);
  }
  stateMarginal(t: number): Float64Array {
    return this.noTables(`stateMarginal(${t})`);
  }
  stateActionMarginal(t: number): Float64Array {
    return this.noTables(`stateActionMarginal(${t})`);
  }
  actionMarginal(t: number): Float64Array {
    return this.noTables(`actionMarginal(${t})`);
  }
  mostProbable(): ScoredTrajectory<S, A> {
    return this.noTables('mostProbable()');
  }
  logProb(_trajectory: Trajectory<S, A>): number {
    return unsupported(this.engine, 'logProb(τ)', 'a simulated transition has no density to score a trajectory with', 'sample(n, { seed })');
  }

  /** n trajectories of the policy, simulated (each s_{t+1} from the model's own transition). */
  sample(n: number, given: SampleOptions): Trajectory<S, A>[] {
    const options = requireSampleOptions(given);
    if (!Number.isInteger(n) || n < 0) fail({ code: 'option-invalid', part: 'sample', message: `sample: n must be a non-negative integer, got ${show(n)}` });
    const steps = options.steps ?? this.horizon;
    if (!Number.isInteger(steps) || steps < 1 || steps > this.horizon) {
      const hint = Number.isFinite(this.horizon) ? `an integer in 1 … ${this.horizon}` : 'a positive integer (the horizon is infinite: say how many decisions)';
      fail({ code: 'option-invalid', part: 'sample', message: `sample: steps must be ${hint}, got ${show(steps)}` });
    }
    checkMemory('sample', trajectoryBytes(n, steps), `${n} trajectories of ${steps} decisions`, 'draw fewer (in batches, each with its own seed) or fewer steps');
    const { sim } = this.source;
    const states = sim.states;
    const random = rng(options.seed, 'sample');
    const transitions = steps === this.horizon && sim.hasTerminal ? steps : steps - 1;
    const out: Trajectory<S, A>[] = [];
    for (let i = 0; i < n; i++) {
      let x = sim.initial(random);
      const path: S[] = [sim.value(x)];
      const actions: A[] = [];
      for (let t = 0; t < steps; t++) {
        const s = sim.value(x);
        if (!this.policyInto(t, s, states !== undefined ? sim.index(x) : -1)) {
          fail({ code: 'state-infeasible', part: 'sample', state: s, t, message: `sample: reached s=${show(s)} at t=${t}, where every action has prior 0 or r = −Infinity` });
        }
        let u = random.next();
        let a = -1;
        for (let b = 0; b < sim.nA; b++) {
          if (this.row[b]! <= 0) continue;
          a = b;
          u -= this.row[b]!;
          if (u < 0) break;
        }
        actions.push(this.graph.actions.values[a]!);
        if (t >= transitions) break;
        x = sim.step(x, a, random);
        path.push(sim.value(x));
      }
      out.push({ states: path, actions });
    }
    return out;
  }
}
