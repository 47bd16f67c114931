/**
 * Brute force for small POMDPs, independent of the library (RELIABILITY 19):
 * a POMDP as plain arrays, and every quantity by enumerating hidden-state
 * sequences, observation histories and action sequences.
 *
 * fixed-dynamics (the belief MDP over histories h = (o_0, a_0, o_1, …)):
 *   w_h(s_{0:t}) = p(s_0) Z_0(o_0|s_0) Π_k T(s_{k+1}|s_k,a_k) Z(o_{k+1}|s_{k+1},a_k)   (enumerated)
 *   Q_t(h, a) = E_{w_h}[r(s_t, a)] + γ Σ_o P(o | h, a) V_{t+1}(h a o)
 *   V_t(h) = α log Σ_a p(a) exp(Q_t(h, a)/α)                   (max at α = 0)
 *
 * posterior (the unrolled graph conditioned on O):
 *   p(s, a, o, O) = p(s_0) Z_0 Π_t p(a_t) exp(r(s_t,a_t)/α) T Z,
 *   p(a_t | h_t, O) = Σ_{consistent} p(·) / Σ_{consistent up to a_{t−1}} p(·)
 */

export interface PomdpSpec {
  readonly nS: number;
  readonly nA: number;
  readonly nO: number;
  readonly T: number;
  readonly gamma: number;
  readonly alpha: number;
  readonly p0: readonly number[];
  readonly prior: readonly number[];
  /** r[s][a] (may be −Infinity). */
  readonly r: readonly (readonly number[])[];
  /** trans[s][a][s'] */
  readonly trans: readonly (readonly (readonly number[])[])[];
  /** z[s'][a][o] */
  readonly z: readonly (readonly (readonly number[])[])[];
  /** z0[s][o], when s_0 is observed. */
  readonly z0?: readonly (readonly number[])[];
  /** r_T(s) on the state after the last decision (fixed-dynamics reference only). */
  readonly terminal?: readonly number[];
}

export interface Hist {
  readonly actions: readonly number[];
  readonly observations: readonly number[];
  readonly initial?: number;
}

/** Every state sequence s_0 … s_t with its weight w_h (all nS^(t+1) of them, zeros included). */
export function sequences(spec: PomdpSpec, h: Hist): { states: number[]; w: number }[] {
  const t = h.actions.length;
  let paths: { states: number[]; w: number }[] = [];
  for (let s = 0; s < spec.nS; s++) {
    const w0 = spec.p0[s]! * (spec.z0 !== undefined ? spec.z0[s]![h.initial!]! : 1);
    paths.push({ states: [s], w: w0 });
  }
  for (let k = 0; k < t; k++) {
    const a = h.actions[k]!;
    const o = h.observations[k]!;
    const next: { states: number[]; w: number }[] = [];
    for (const p of paths) {
      const s = p.states[p.states.length - 1]!;
      for (let s2 = 0; s2 < spec.nS; s2++) next.push({ states: [...p.states, s2], w: p.w * spec.trans[s]![a]![s2]! * spec.z[s2]![a]![o]! });
    }
    paths = next;
  }
  return paths;
}

/** p(s_t | h) by summing the enumerated sequences (Bayes' rule by enumeration); undefined when P(h) = 0. */
export function beliefByEnumeration(spec: PomdpSpec, h: Hist): number[] | undefined {
  const b = new Array<number>(spec.nS).fill(0);
  let total = 0;
  for (const p of sequences(spec, h)) {
    b[p.states[p.states.length - 1]!]! += p.w;
    total += p.w;
  }
  if (!(total > 0)) return undefined;
  return b.map((x) => x / total);
}

function softMax(values: readonly number[], prior: readonly number[], alpha: number): number {
  let m = -Infinity;
  values.forEach((v, a) => {
    if (prior[a]! > 0 && v > m) m = v;
  });
  if (m === -Infinity || alpha === 0) return m;
  let sum = 0;
  values.forEach((v, a) => {
    if (prior[a]! > 0) sum += prior[a]! * Math.exp((v - m) / alpha);
  });
  return m + alpha * Math.log(sum);
}

/** Q_t(h, ·) and V_t(h) of the belief MDP, by recursion over histories with enumerated weights. */
export function fixedDynamics(spec: PomdpSpec, h: Hist): { q: number[]; v: number } {
  const t = h.actions.length;
  const paths = sequences(spec, h);
  const total = paths.reduce((x, p) => x + p.w, 0);
  const q: number[] = [];
  for (let a = 0; a < spec.nA; a++) {
    if (!(spec.prior[a]! > 0)) {
      q.push(-Infinity);
      continue;
    }
    let r = 0;
    let forbidden = false;
    for (const p of paths) {
      if (p.w === 0) continue;
      const x = spec.r[p.states[t]!]![a]!;
      if (x === -Infinity) forbidden = true;
      else r += (p.w / total) * x;
    }
    if (forbidden) {
      q.push(-Infinity);
      continue;
    }
    if (t === spec.T - 1) {
      // E[r_T(s_T)] over s_T ~ T(· | s_{T−1}, a) under the enumerated weights.
      let last = 0;
      if (spec.terminal !== undefined) {
        for (const p of paths) {
          if (p.w === 0) continue;
          for (let s2 = 0; s2 < spec.nS; s2++) last += (p.w / total) * spec.trans[p.states[t]!]![a]![s2]! * (spec.trans[p.states[t]!]![a]![s2]! > 0 ? spec.terminal[s2]! : 0);
        }
      }
      q.push(r + spec.gamma * last);
      continue;
    }
    let future = 0;
    for (let o = 0; o < spec.nO; o++) {
      const child: Hist = { ...h, actions: [...h.actions, a], observations: [...h.observations, o] };
      const pO = sequences(spec, child).reduce((x, p) => x + p.w, 0) / total;
      if (!(pO > 0)) continue;
      const v = fixedDynamics(spec, child).v;
      if (v === -Infinity) {
        future = -Infinity;
        break;
      }
      future += pO * v;
    }
    q.push(future === -Infinity ? -Infinity : r + spec.gamma * future);
  }
  return { q, v: softMax(q, spec.prior, spec.alpha) };
}

/** The value at the start: Σ_{o_0} P(o_0) V_0(o_0) (or V_0 of the empty history). */
export function fixedDynamicsValue(spec: PomdpSpec): number {
  if (spec.z0 === undefined) return fixedDynamics(spec, { actions: [], observations: [] }).v;
  let value = 0;
  for (let o = 0; o < spec.nO; o++) {
    let p = 0;
    for (let s = 0; s < spec.nS; s++) p += spec.p0[s]! * spec.z0[s]![o]!;
    if (!(p > 0)) continue;
    const v = fixedDynamics(spec, { actions: [], observations: [], initial: o }).v;
    if (v === -Infinity) return -Infinity;
    value += p * v;
  }
  return value;
}

/** Every full configuration (s_{0:T−1}, a_{0:T−1}, o_{1:T−1}, o_0) of the unrolled graph with its weight p(·, O = 1) (α > 0). */
function configurations(spec: PomdpSpec): { s: number[]; a: number[]; o: number[]; o0: number; w: number }[] {
  const out: { s: number[]; a: number[]; o: number[]; o0: number; w: number }[] = [];
  const rec = (s: number[], a: number[], o: number[], o0: number, w: number) => {
    if (w === 0) return;
    const t = s.length - 1;
    for (let act = 0; act < spec.nA; act++) {
      const r = spec.r[s[t]!]![act]!;
      const wa = w * spec.prior[act]! * Math.exp(r / spec.alpha);
      if (wa === 0) continue;
      if (t === spec.T - 1) {
        out.push({ s, a: [...a, act], o, o0, w: wa });
        continue;
      }
      for (let s2 = 0; s2 < spec.nS; s2++) {
        for (let obs = 0; obs < spec.nO; obs++) {
          rec([...s, s2], [...a, act], [...o, obs], o0, wa * spec.trans[s[t]!]![act]![s2]! * spec.z[s2]![act]![obs]!);
        }
      }
    }
  };
  for (let s = 0; s < spec.nS; s++) {
    if (spec.z0 === undefined) rec([s], [], [], -1, spec.p0[s]!);
    else for (let o0 = 0; o0 < spec.nO; o0++) rec([s], [], [], o0, spec.p0[s]! * spec.z0[s]![o0]!);
  }
  return out;
}

/** log p(O) of the unrolled graph and p(a_t | h_t, O), by enumeration (α > 0, γ = 1). */
export function posteriorByEnumeration(spec: PomdpSpec): { logZ: number; policy(h: Hist): number[] | undefined } {
  const all = configurations(spec);
  const Z = all.reduce((x, c) => x + c.w, 0);
  return {
    logZ: Math.log(Z),
    policy: (h: Hist) => {
      const t = h.actions.length;
      const consistent = all.filter(
        (c) => (h.initial === undefined || c.o0 === h.initial) && h.actions.every((a, k) => c.a[k] === a) && h.observations.every((o, k) => c.o[k] === o),
      );
      const total = consistent.reduce((x, c) => x + c.w, 0);
      if (!(total > 0)) return undefined;
      const out = new Array<number>(spec.nA).fill(0);
      for (const c of consistent) out[c.a[t]!]! += c.w / total;
      return out;
    },
  };
}

/** Every history of length t (initial observation included when s_0 is observed). */
export function histories(spec: PomdpSpec, t: number): Hist[] {
  let out: Hist[] = spec.z0 === undefined ? [{ actions: [], observations: [] }] : Array.from({ length: spec.nO }, (_, o) => ({ actions: [], observations: [], initial: o }));
  for (let k = 0; k < t; k++) {
    const next: Hist[] = [];
    for (const h of out) for (let a = 0; a < spec.nA; a++) for (let o = 0; o < spec.nO; o++) next.push({ ...h, actions: [...h.actions, a], observations: [...h.observations, o] });
    out = next;
  }
  return out;
}
