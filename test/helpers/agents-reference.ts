/**
 * Independent references for the agent backups (RELIABILITY 24). Plain nested
 * arrays and loops; nothing here imports the library.
 *
 * - `agentReference`: the recursions as the papers write them — Boltzmann over
 *   hard-max Q* (Baker, Saxe & Tenenbaum 2009) and the agentmodels
 *   expected-utility agent EU_t = r + γ E_{s'} Σ_{a'} π_{t+1}(a'|s') EU_{t+1}(s', a').
 * - `bruteForceQStar`: Q*_t(s, a) by enumerating every deterministic Markov policy
 *   for the steps after t and taking the best expected return — no Bellman recursion.
 * - `tinyMdp`: a seeded random small MDP.
 */

export interface TinyMdp {
  readonly nS: number;
  readonly nA: number;
  readonly T: number;
  readonly gamma: number;
  readonly alpha: number;
  readonly initial: readonly number[];
  /** prior[s][a] */
  readonly prior: readonly (readonly number[])[];
  /** next[s][a] = [[s', p], …] */
  readonly next: readonly (readonly (readonly (readonly [number, number])[])[])[];
  /** reward[t][s][a] */
  readonly reward: readonly (readonly (readonly number[])[])[];
  readonly terminal: readonly number[] | undefined;
}

export interface AgentTables {
  /** policy[t][s][a] */
  readonly policy: number[][][];
  /** Q[t][s][a] */
  readonly Q: number[][][];
  /** U[t][s] */
  readonly U: number[][];
}

/** π(·|s) ∝ p(a|s) exp(Q/α) (α = 0: the prior on the maximisers). */
function softmaxRow(q: readonly number[], prior: readonly number[], alpha: number): number[] {
  const allowed = q.filter((_, a) => prior[a]! > 0);
  const m = Math.max(...allowed);
  const w = q.map((v, a) => (prior[a]! === 0 ? 0 : alpha === 0 ? (v >= m - 1e-10 * Math.max(1, Math.abs(m)) ? prior[a]! : 0) : prior[a]! * Math.exp((v - m) / alpha)));
  const z = w.reduce((x, y) => x + y, 0);
  return w.map((x) => x / z);
}

export function agentReference(m: TinyMdp, kind: 'boltzmann' | 'expected-utility'): AgentTables {
  const policy: number[][][] = [];
  const Q: number[][][] = [];
  const U: number[][] = [];
  let next: number[] | undefined = m.terminal ? [...m.terminal] : undefined;
  for (let t = m.T - 1; t >= 0; t--) {
    const qt: number[][] = [];
    const pt: number[][] = [];
    const ut: number[] = [];
    for (let s = 0; s < m.nS; s++) {
      const q: number[] = [];
      for (let a = 0; a < m.nA; a++) {
        let future = 0;
        if (next) for (const [s2, p] of m.next[s]![a]!) future += p * next[s2]!;
        q.push(m.reward[t]![s]![a]! + m.gamma * future);
      }
      const pi = softmaxRow(q, m.prior[s]!, m.alpha);
      qt.push(q);
      pt.push(pi);
      ut.push(kind === 'boltzmann' || m.alpha === 0 ? Math.max(...q.filter((_, a) => m.prior[s]![a]! > 0)) : q.reduce((sum, v, a) => sum + pi[a]! * v, 0));
    }
    policy[t] = pt;
    Q[t] = qt;
    U[t] = ut;
    next = ut;
  }
  return { policy, Q, U };
}

/**
 * Q*_t(s, a) = max over deterministic Markov policies μ of r_t(s,a) + γ E[Σ_{k>t} γ^{k−t−1} r_k(s_k, μ_k(s_k)) + γ^{T−t} r_T].
 * Only actions with prior mass may be chosen. Exponential: keep nS, nA and T tiny.
 */
export function bruteForceQStar(m: TinyMdp): number[][][] {
  const out: number[][][] = [];
  for (let t = 0; t < m.T; t++) {
    const rest = m.T - 1 - t;
    const perStep = m.nA ** m.nS;
    const count = perStep ** rest;
    const qt: number[][] = [];
    for (let s = 0; s < m.nS; s++) {
      const row: number[] = [];
      for (let a = 0; a < m.nA; a++) {
        let best = -Infinity;
        for (let code = 0; code < count; code++) {
          // μ_{t+1+k}(s) = digit of `code`; an action without prior mass makes μ inadmissible.
          const choice = (k: number, state: number) => Math.floor(code / perStep ** k / m.nA ** state) % m.nA;
          let admissible = true;
          for (let k = 0; k < rest && admissible; k++) for (let x = 0; x < m.nS; x++) if (m.prior[x]![choice(k, x)]! === 0) admissible = false;
          if (!admissible) continue;
          // Expected return by propagating the state distribution forward.
          let dist = new Array<number>(m.nS).fill(0);
          for (const [s2, p] of m.next[s]![a]!) dist[s2]! += p;
          let total = m.reward[t]![s]![a]!;
          let discount = m.gamma;
          if (rest === 0 && !m.terminal) dist = dist.map(() => 0);
          for (let k = 0; k < rest; k++) {
            const moved = new Array<number>(m.nS).fill(0);
            for (let x = 0; x < m.nS; x++) {
              if (dist[x] === 0) continue;
              const b = choice(k, x);
              total += discount * dist[x]! * m.reward[t + 1 + k]![x]![b]!;
              for (const [x2, p] of m.next[x]![b]!) moved[x2]! += dist[x]! * p;
            }
            dist = moved;
            discount *= m.gamma;
          }
          if (m.terminal) for (let x = 0; x < m.nS; x++) total += discount * dist[x]! * m.terminal[x]!;
          if (total > best) best = total;
        }
        row.push(best);
      }
      qt.push(row);
    }
    out.push(qt);
  }
  return out;
}

/** A seeded random tiny MDP (mulberry32), every prior entry positive unless `sparsePrior`. */
export function tinyMdp(seed: number, shape: { nS: number; nA: number; T: number; gamma?: number; alpha: number; terminal?: boolean; sparsePrior?: boolean }): TinyMdp {
  let x = seed >>> 0;
  const random = () => {
    x = (x + 0x6d2b79f5) >>> 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return ((z ^ (z >>> 14)) >>> 0) / 4294967296;
  };
  const { nS, nA, T } = shape;
  const normalise = (w: number[]) => {
    const z = w.reduce((a, b) => a + b, 0);
    return w.map((v) => v / z);
  };
  const prior = Array.from({ length: nS }, () => {
    const w = Array.from({ length: nA }, (_, a) => (shape.sparsePrior && a > 0 && random() < 0.3 ? 0 : 0.2 + random()));
    return normalise(w);
  });
  const next = Array.from({ length: nS }, () =>
    Array.from({ length: nA }, () => {
      const w: number[] = Array.from({ length: nS }, () => (random() < 0.5 ? 0 : random()));
      if (!w.some((v) => v > 0)) w[Math.floor(random() * nS)] = 1;
      return normalise(w)
        .map((p, s2) => [s2, p] as [number, number])
        .filter(([, p]) => p > 0);
    }),
  );
  const reward = Array.from({ length: T }, () => Array.from({ length: nS }, () => Array.from({ length: nA }, () => Math.round((random() * 4 - 2) * 8) / 8)));
  return {
    nS,
    nA,
    T,
    gamma: shape.gamma ?? 1,
    alpha: shape.alpha,
    initial: normalise(Array.from({ length: nS }, () => 0.1 + random())),
    prior,
    next,
    reward,
    terminal: shape.terminal ? Array.from({ length: nS }, () => Math.round(random() * 16) / 8) : undefined,
  };
}
