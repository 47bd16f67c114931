/**
 * The particle loop: N trajectories advanced together, one step at a time,
 * held in typed arrays (no object per particle or per step).
 *
 * At step t every live particle i draws a_t ~ q_t(· | s_t) and multiplies its
 * weight by exp(γ^t r_t(s_t, a_t)/α) · p(a_t|s_t)/q_t(a_t|s_t); then s_{t+1} ~ k_t
 * (the dynamics, or a tilted kernel with its ratio p/k), and after the last
 * decision the terminal factor exp(γ^T r_T(s_T)/α). With resampling, when
 * ESS < essThreshold · N the population is resampled and the evidence estimate
 * takes the stage's mean weight:
 *
 *   log Ẑ = Σ_{stages k} log (1/N) Σ_i w_i^(k)      (weights reset to 1 after each resampling)
 *
 * Storage is a genealogy: per step a column of states (Int32Array of state
 * indices when the simulator is indexed), a column of actions, and, where the
 * population was resampled, the parent of each particle. Trajectories of the
 * final particles are traced back once at the end (O(N·T)), not copied at
 * every resampling. On a tabulated model under the prior proposal the two
 * inner loops read the prior, reward and CSR tables directly, drawing exactly
 * what the table simulator would.
 */
import type { Rng } from '../../dist/rng.js';
import { fail } from '../../errors.js';
import { scaledReward } from '../reward-scale.js';
import type { FactorGraph } from '../../types/factor-graph.js';
import type { Simulator } from '../../types/simulator.js';
import type { BoundProposal, PriorRows } from './proposals.js';
import { essOf, logMeanOf, resample, weightSums, type ResampleScheme, type WeightSums } from './smc.js';

/** A column of state handles, one per particle: state indices, or state values. */
export type StateColumn = Int32Array | unknown[];

export interface ParticleSettings {
  readonly particles: number;
  /** Decisions simulated. */
  readonly decisions: number;
  /** Whether the state after the last decision and its terminal factor are included. */
  readonly terminal: boolean;
  readonly resample: ResampleScheme;
  readonly essThreshold: number;
  readonly random: Rng;
  /** The tables of a tabulated model, for the fast path of the prior proposal. */
  readonly tables?: FactorGraph | undefined;
}

/** The weighted population after the last step, its trajectories traced back through every resampling. */
export interface ParticleSystem {
  readonly count: number;
  readonly decisions: number;
  /** states[t][i]: the handle of s_t on final particle i's path (T columns, T + 1 with a terminal factor). */
  readonly states: readonly StateColumn[];
  /** actions[t][i]: a_t on final particle i's path; −1 after the particle's weight became 0. */
  readonly actions: readonly Int32Array[];
  /** Unnormalised log-weights of the final particles (since the last resampling). */
  readonly logWeights: Float64Array;
  /** The index at t = 0 of each final particle's ancestor (its "Eve"). */
  readonly eves: Int32Array;
  /** log Ẑ = Σ_stages log mean w. */
  readonly logEvidence: number;
  /** ESS of the weights after step t's factors, before any resampling at t. */
  readonly ess: Float64Array;
  /** 1 where the population was resampled after step t. */
  readonly resampled: Uint8Array;
  /** Number of resamplings. */
  readonly resamplings: number;
  /** ESS of each stage's weights when they entered Ẑ (at each resampling, then at the end). */
  readonly stageEss: readonly number[];
  /**
   * lineagesAt[t]: distinct particles of the population at step t that are ancestors of a final
   * particle with weight > 0 (one per state step). Non-increasing in t reversed: resampling prunes it.
   */
  readonly lineagesAt: Int32Array;
}

/** Run the particle loop (see the file header). Throws 'weights-all-zero' as soon as no particle has weight left. */
export function runParticles(sim: Simulator<unknown>, proposal: BoundProposal, prior: PriorRows, settings: ParticleSettings): ParticleSystem {
  const { particles: n, decisions: T, terminal, random } = settings;
  const nA = sim.nA;
  const indexed = sim.indexed;
  const alpha = sim.alpha;
  const gamma = sim.gamma;
  const lastState = terminal ? T : T - 1;
  const column = (): StateColumn => (indexed ? new Int32Array(n) : new Array<unknown>(n));

  const states: StateColumn[] = new Array<StateColumn>(lastState + 1);
  const actions: Int32Array[] = new Array<Int32Array>(T);
  /** parents[t][i]: index at step t − 1 of particle i's parent, where resampling happened after t − 1. */
  const parents: (Int32Array | undefined)[] = new Array<Int32Array | undefined>(lastState + 1).fill(undefined);
  const lw = new Float64Array(n);
  const ess = new Float64Array(T);
  const resampled = new Uint8Array(T);
  let eves = new Int32Array(n);
  for (let i = 0; i < n; i++) eves[i] = i;
  const sums: WeightSums = { max: 0, sum: 0, sumSquares: 0 };
  const scratch = { cumulative: new Float64Array(n), positions: new Float64Array(n) };
  const ancestors = new Int32Array(n);
  const tilt = proposal.tilt;
  // Tabulated model, prior proposal: the same loops read the tables directly (monomorphic, no calls per particle).
  const fast = settings.tables !== undefined && proposal.isPrior && tilt === undefined ? settings.tables : undefined;
  let logEvidence = 0;
  let resamplings = 0;
  const stageEss: number[] = [];

  // s_0 ~ q(s_0): the model's initial distribution, or the tilted one with its ratio p/q.
  const first = column();
  for (let i = 0; i < n; i++) {
    if (tilt === undefined) first[i] = sim.initial(random);
    else {
      first[i] = tilt.initial(random);
      lw[i] = tilt.logRatio;
    }
  }
  states[0] = first;

  for (let t = 0; t < T; t++) {
    const current = states[t]!;
    const acts = new Int32Array(n);
    actions[t] = acts;
    // exp(γ^t r/α): the discount weights later rewards less (γ = 1 for an undiscounted horizon).
    const scale = Math.pow(gamma, t) / alpha;
    proposal.begin(t);
    if (fast !== undefined) fastActions(fast, current as Int32Array, acts, lw, n, t, scale, random);
    else for (let i = 0; i < n; i++) {
      if (lw[i] === -Infinity) {
        acts[i] = -1; // a dead particle stays where it is; it is never resampled and has weight 0
        continue;
      }
      const x = current[i];
      const offset = proposal.row(t, x);
      const q = proposal.table;
      // a ~ q_t(· | x) by inverse CDF over the row.
      let u = random.next();
      let a = -1;
      for (let k = 0; k < nA; k++) {
        const p = q[offset + k]!;
        if (!(p > 0)) continue;
        a = k;
        u -= p;
        if (u < 0) break;
      }
      acts[i] = a;
      const r = sim.reward(x, a, t);
      let increment = scaledReward(r, r === -Infinity ? -Infinity : r * scale, alpha, 'importance()', t);
      // Twisted SMC: the look-ahead ψ_t(s_t) leaves the partial weight as the step is taken.
      if (tilt !== undefined) increment -= tilt.twist(t, x as number);
      if (!proposal.isPrior) {
        // log p(a|s) − log q(a|s): the action's ratio against the model's prior.
        const logQ = Math.log(q[offset + a]!);
        const p = prior.row(x);
        increment += Math.log(prior.table[p + a]!) - logQ;
      }
      lw[i] = lw[i]! + increment;
    }

    let next: StateColumn | undefined;
    if (t < lastState) {
      next = column();
      const terminalScale = t === T - 1 ? Math.pow(gamma, T) / alpha : 0;
      if (fast !== undefined) {
        fastSteps(fast, current as Int32Array, acts, next as Int32Array, lw, n, random);
        if (t === T - 1) {
          for (let i = 0; i < n; i++) {
            if (lw[i] === -Infinity) continue;
            const rT = sim.terminal(next[i]);
            lw[i] = rT === -Infinity ? -Infinity : lw[i]! + rT * terminalScale;
          }
        }
      } else for (let i = 0; i < n; i++) {
        const x = current[i];
        if (lw[i] === -Infinity) {
          next[i] = x;
          continue;
        }
        let y: unknown;
        if (tilt === undefined) y = sim.step(x, acts[i]!, random);
        else {
          y = tilt.step(t, x as number, acts[i]!, random);
          // p/k of the tilted draw, and ψ_{t+1}(s_{t+1}) enters (after the last decision the terminal factor is the target itself).
          lw[i] = lw[i]! + tilt.logRatio + (t < T - 1 ? tilt.twist(t + 1, y as number) : 0);
        }
        next[i] = y;
        if (t === T - 1) {
          const rT = sim.terminal(y);
          lw[i] = rT === -Infinity ? -Infinity : lw[i]! + scaledReward(rT, rT * terminalScale, alpha, 'importance()', T);
        }
      }
    }

    weightSums(lw, n, sums);
    ess[t] = essOf(sums);
    if (sums.max === -Infinity) allZero(n, t, T, terminal, proposal.isPrior);
    if (next !== undefined && settings.resample !== 'none' && t < T - 1 && ess[t]! < settings.essThreshold * n) {
      logEvidence += logMeanOf(sums, n);
      stageEss.push(ess[t]!);
      resample(settings.resample, lw, n, sums, random, ancestors, scratch);
      const permuted = column();
      const nextEves = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        permuted[i] = next[ancestors[i]!];
        nextEves[i] = eves[ancestors[i]!]!;
      }
      next = permuted;
      eves = nextEves;
      parents[t + 1] = ancestors.slice();
      lw.fill(0);
      resampled[t] = 1;
      resamplings++;
    }
    if (next !== undefined) states[t + 1] = next;
  }
  weightSums(lw, n, sums);
  logEvidence += logMeanOf(sums, n);
  stageEss.push(essOf(sums));

  const traced = trace(states, actions, parents, n, T, column, lw);
  return { count: n, decisions: T, states: traced.states, actions: traced.actions, logWeights: lw, eves, logEvidence, ess, resampled, resamplings, stageEss, lineagesAt: traced.lineagesAt };
}

/**
 * The action loop for a tabulated model under the prior proposal: a ~ p(· | s) from the prior table,
 * log w += r_t(s, a)/α·γ^t (the prior ratio is 1). Same draws, in the same order, as the general loop.
 */
function fastActions(g: FactorGraph, current: Int32Array, acts: Int32Array, lw: Float64Array, n: number, t: number, scale: number, random: Rng): void {
  const { nA, prior } = g;
  const reward = g.rewardAt(t);
  for (let i = 0; i < n; i++) {
    if (lw[i] === -Infinity) {
      acts[i] = -1;
      continue;
    }
    const offset = current[i]! * nA;
    let u = random.next();
    let a = -1;
    for (let k = 0; k < nA; k++) {
      const p = prior[offset + k]!;
      if (!(p > 0)) continue;
      a = k;
      u -= p;
      if (u < 0) break;
    }
    acts[i] = a;
    const r = reward[offset + a]!;
    lw[i] = r === -Infinity ? -Infinity : lw[i]! + r * scale;
  }
}

/** s' ~ p(· | s, a) by a scan of the CSR row, as the table simulator draws it. */
function fastSteps(g: FactorGraph, current: Int32Array, acts: Int32Array, next: Int32Array, lw: Float64Array, n: number, random: Rng): void {
  const { nA } = g;
  const { rowStart, next: successor, prob } = g.dynamics;
  for (let i = 0; i < n; i++) {
    const s = current[i]!;
    if (lw[i] === -Infinity) {
      next[i] = s;
      continue;
    }
    const row = s * nA + acts[i]!;
    const end = rowStart[row + 1]!;
    let u = random.next();
    let k = rowStart[row]!;
    for (; k < end - 1; k++) {
      u -= prob[k]!;
      if (u < 0) break;
    }
    next[i] = successor[k]!;
  }
}

/** The final particles' paths: follow parents back from the last step (no copy when nothing was resampled). */
function trace(
  states: StateColumn[],
  actions: Int32Array[],
  parents: (Int32Array | undefined)[],
  n: number,
  T: number,
  column: () => StateColumn,
  lw: Float64Array,
): { states: StateColumn[]; actions: Int32Array[]; lineagesAt: Int32Array } {
  // Surviving lineages at t: distinct ancestors at step t of the final particles with weight > 0.
  const lineagesAt = new Int32Array(states.length);
  let alive = 0;
  for (let i = 0; i < n; i++) if (lw[i]! > -Infinity) alive++;
  if (parents.every((p) => p === undefined)) return { states, actions, lineagesAt: lineagesAt.fill(alive) };
  const outStates = new Array<StateColumn>(states.length);
  const outActions = new Array<Int32Array>(T);
  const index = new Int32Array(n);
  for (let i = 0; i < n; i++) index[i] = i;
  const seen = new Int32Array(n).fill(-1);
  for (let t = states.length - 1; t >= 0; t--) {
    let distinct = 0;
    for (let i = 0; i < n; i++) {
      if (!(lw[i]! > -Infinity) || seen[index[i]!] === t) continue;
      seen[index[i]!] = t;
      distinct++;
    }
    lineagesAt[t] = distinct;
    const s = states[t]!;
    const col = column();
    for (let i = 0; i < n; i++) col[i] = s[index[i]!];
    outStates[t] = col;
    if (t < T) {
      const a = actions[t]!;
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) out[i] = a[index[i]!]!;
      outActions[t] = out;
    }
    const p = parents[t];
    if (p !== undefined) for (let i = 0; i < n; i++) index[i] = p[index[i]!]!;
  }
  return { states: outStates, actions: outActions, lineagesAt };
}

function allZero(n: number, t: number, T: number, terminal: boolean, isPrior: boolean): never {
  const where = terminal && t === T - 1 ? `by t=${t} (the last decision, with its terminal factor)` : `by t=${t}`;
  const how = isPrior ? 'each met a −Infinity reward' : 'each met a −Infinity reward or took a step the model gives probability 0';
  return fail({
    code: 'weights-all-zero',
    part: 'importance()',
    t,
    message: `importance(): all ${n} particles have weight 0 ${where}: ${how}; Ẑ = 0. Use more particles, a proposal that avoids the hard constraints (e.g. the policy of another engine's posterior), or check that the constraints can be met`,
  });
}
