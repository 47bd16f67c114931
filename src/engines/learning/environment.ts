/**
 * Episodes of a simulator, one environment step at a time, written straight
 * into the replay buffer. A finite horizon runs T decisions (then, with a
 * terminal factor, one last transition whose r_T(s_T) becomes the `tail`); a
 * discounted infinite horizon runs `episodeLength` decisions and resets —
 * a truncation, not a termination, so its last transition still bootstraps.
 *
 * Hard constraints: an action with p(a|s) = 0 or r_t(s,a) = −∞ gets a zero
 * (masked) prior, so no policy ever takes it. A state where every action is
 * masked is a dead end: its soft value is −∞ for every policy, which a learned
 * critic cannot represent, so the run stops with an error naming the state.
 */
import type { Rng } from '../../dist/rng.js';
import { fail, show } from '../../errors.js';
import type { Simulator } from '../../types/simulator.js';
import type { ReplayBuffer } from './replay.js';

export class Environment<S> {
  readonly finite: boolean;
  readonly T: number;
  readonly nA: number;
  readonly gamma: number;
  /** Environment steps taken so far (decisions; the terminal transition is part of the last one). */
  steps = 0;
  /** The current decision: time t, the state's handle, value and index, its masked prior. */
  t = 0;
  private x: unknown;
  value!: S;
  index = -1;
  prior: Float64Array;
  private nextPrior: Float64Array;
  private readonly rewards: Float64Array;

  constructor(
    private readonly sim: Simulator<unknown, S, unknown>,
    private readonly random: Rng,
    /** Decisions per episode: T on a finite horizon. */
    readonly episodeLength: number,
    private readonly part: string,
  ) {
    this.T = sim.horizon;
    this.finite = Number.isFinite(sim.horizon);
    this.nA = sim.nA;
    this.gamma = sim.gamma;
    this.prior = new Float64Array(this.nA);
    this.nextPrior = new Float64Array(this.nA);
    this.rewards = new Float64Array(this.nA);
    this.reset();
  }

  /** The time index families are read at: t on a finite horizon, 0 (stationary) otherwise. */
  slot(t: number): number {
    return this.finite ? t : 0;
  }

  /** Start an episode: s_0 ~ p(s_0). */
  reset(): void {
    this.t = 0;
    this.x = this.sim.initial(this.random);
    this.value = this.sim.value(this.x);
    this.index = this.sim.index(this.x);
    this.mask(this.x, 0, this.prior);
  }

  /** The masked prior of handle x at time t into `out` (and the rewards into `rewards`). */
  private mask(x: unknown, t: number, out: Float64Array): void {
    const { sim, nA } = this;
    sim.prior(x, out);
    let any = false;
    for (let a = 0; a < nA; a++) {
      const r = out[a]! > 0 ? sim.reward(x, a, this.slot(t)) : -Infinity;
      this.rewards[a] = r;
      if (r === -Infinity) out[a] = 0;
      else any = true;
    }
    if (!any) this.deadEnd(sim.value(x), t, false);
  }

  /**
   * Take action a at the current state: write the transition at the buffer's head, push it,
   * and move to the next decision (or a new episode). Returns true when the episode ended.
   */
  act(a: number, buffer: ReplayBuffer<S>): boolean {
    const { sim, nA } = this;
    const k = buffer.head;
    const t = this.t;
    // `rewards` still holds r_t(s, ·) of the current state: the next mask() overwrites it below.
    buffer.value[k] = this.value;
    buffer.index[k] = this.index;
    buffer.time[k] = this.slot(t);
    buffer.action[k] = a;
    buffer.reward[k] = this.rewards[a]!;
    buffer.prior.set(this.prior, k * nA);
    this.steps++;
    const last = this.finite ? t === this.T - 1 : t === this.episodeLength - 1;
    let tail = 0;
    let bootstrap = 0;
    if (!this.finite || !last || sim.hasTerminal) {
      const next = sim.step(this.x, a, this.random);
      const nextValue = sim.value(next);
      buffer.nextValue[k] = nextValue;
      buffer.nextIndex[k] = sim.index(next);
      if (this.finite && last) {
        const rT = sim.terminal(next);
        if (rT === -Infinity) this.deadEnd(nextValue, this.T, true);
        tail = this.gamma * rT;
        buffer.nextPrior.fill(0, k * nA, (k + 1) * nA);
      } else {
        this.mask(next, t + 1, this.nextPrior);
        buffer.nextPrior.set(this.nextPrior, k * nA);
        bootstrap = 1;
      }
      if (!last) {
        this.x = next;
        this.value = nextValue;
        this.index = buffer.nextIndex[k]!;
        [this.prior, this.nextPrior] = [this.nextPrior, this.prior];
        this.t = t + 1;
      }
    } else {
      buffer.nextValue[k] = this.value;
      buffer.nextIndex[k] = -1;
      buffer.nextPrior.fill(0, k * nA, (k + 1) * nA);
    }
    buffer.tail[k] = tail;
    buffer.bootstrap[k] = bootstrap;
    buffer.push();
    if (last) this.reset();
    return last;
  }

  private deadEnd(value: unknown, t: number, terminal: boolean): never {
    const where = terminal ? `the terminal reward r_T(s=${show(value)}) is −Infinity` : `every action at s=${show(value)}, t=${t} has r = −Infinity or prior 0`;
    return fail({
      code: 'infeasible',
      part: this.part,
      state: value,
      t,
      message: `${this.part}: an episode reached a dead end — ${where} — so its soft value is −Infinity under every policy, which a learned critic cannot hold. A learning engine sees only the states it visits and cannot steer around a constraint it has not met; use a large finite penalty instead of −Infinity, or exact() on a tabulable model`,
    });
  }
}
