"""Tabular soft Q-learning with a replay buffer in numpy: the side-by-side
peer of softQLearning() in bench/learning/run.ts. Written from the algorithm,
not from the TypeScript source, with the engine's defaults:

  behaviour   a ~ pi(a|s) = p(a|s) exp(Q(s,a)/alpha) / sum_b p(b|s) exp(Q(s,b)/alpha)
  buffer      every transition (s, a, r, s'), capacity = steps (nothing is overwritten)
  warm-up     the first update once the buffer holds `batch` transitions
  update      per environment step: a uniform minibatch of `batch` (with replacement),
                y     = r + gamma * alpha * log sum_a' p(a'|s') exp(Qbar(s',a')/alpha)
                delta = y - Q(s,a)
                g     = mean_batch delta * onehot(s,a)       (ascent on -1/2 delta^2)
              one Adam step (lr, beta1 0.9, beta2 0.999, eps 1e-8) on the whole table,
              then Polyak Qbar <- Qbar + tau (Q - Qbar)
  episodes    discounted infinite horizon: `episode` decisions from s0 ~ p(s0), then a
              reset; the last transition still bootstraps (a truncation, not an end)

The environment loop is sequential, so it is plain Python on lists (faster than
numpy on 4-element rows); the minibatch target, TD error, gradient (bincount),
Adam and Polyak steps are vectorised numpy. All random numbers are drawn in
bulk from one numpy Generator inside the timed section.

    python3 bench/learning/reference.py problem.json steps seed

Prints one JSON line: seconds (wall, the learning loop only; the tables are
built before the clock starts), cpuSeconds, steps, updates, episodes, and
qStart (the learned Q row of the start state, a sanity check against the
TypeScript engine: same algorithm, different random streams).
"""
import json
import math
import sys
import time

import numpy as np


def load(path):
    with open(path) as f:
        p = json.load(f)
    nS, nA = p["nS"], p["nA"]
    row_start, nxt, prob = p["rowStart"], p["next"], p["prob"]
    # Per (s, a) row: successor list and cumulative probabilities, as Python lists for the scalar loop.
    succ = [nxt[row_start[r] : row_start[r + 1]] for r in range(nS * nA)]
    cum = [list(np.cumsum(prob[row_start[r] : row_start[r + 1]])) for r in range(nS * nA)]
    reward = [p["reward"][s * nA : (s + 1) * nA] for s in range(nS)]
    prior = np.array(p["prior"], dtype=float).reshape(nS, nA)
    with np.errstate(divide="ignore"):
        logprior = np.log(prior)
    initial_cum = list(np.cumsum(p["initial"]))
    return p, nS, nA, succ, cum, reward, prior.tolist(), logprior, initial_cum


def draw(cum, u):
    """Index i with cum[i-1] <= u < cum[i] (the last one on round-off)."""
    for i, c in enumerate(cum):
        if u < c:
            return i
    return len(cum) - 1


def run(problem, steps, seed):
    p, nS, nA, succ, cum, reward, prior, logprior, initial_cum = problem
    alpha, gamma = p["alpha"], p["gamma"]
    B, lr, tau, episode = p["batchSize"], p["learningRate"], p["targetSmoothing"], p["episodeLength"]
    b1, b2, eps = 0.9, 0.999, 1e-8
    inv_alpha = 1.0 / alpha

    rng = np.random.default_rng(seed)
    u_act = rng.random(steps).tolist()
    u_next = rng.random(steps).tolist()
    u_batch = rng.random((steps, B))

    Q = np.zeros((nS, nA))
    Qf = Q.reshape(-1)  # a view: updates through Qf change Q
    Qbar = Q.copy()
    m1 = np.zeros(nS * nA)
    v2 = np.zeros(nS * nA)
    k = 0

    cap = steps
    S = np.zeros(cap, dtype=np.intp)
    A = np.zeros(cap, dtype=np.intp)
    R = np.zeros(cap)
    S2 = np.zeros(cap, dtype=np.intp)

    s = draw(initial_cum, rng.random())
    t = 0
    updates = 0
    episodes = 0
    for i in range(steps):
        # Behaviour: Boltzmann policy of the current Q, by inverse CDF (shifted by the max for safety).
        row = Qf[s * nA : (s + 1) * nA].tolist()
        pr = prior[s]
        mx = max(row) * inv_alpha
        w = [pr[a] * math.exp(row[a] * inv_alpha - mx) for a in range(nA)]
        u = u_act[i] * sum(w)
        a = nA - 1
        acc = 0.0
        for b in range(nA):
            acc += w[b]
            if u < acc:
                a = b
                break
        r = reward[s][a]
        row_index = s * nA + a
        s2 = succ[row_index][draw(cum[row_index], u_next[i])]
        S[i] = s
        A[i] = a
        R[i] = r
        S2[i] = s2
        size = i + 1
        if size >= B:
            # The vectorised minibatch update.
            idx = (u_batch[i] * size).astype(np.intp)
            bs, bs2 = S[idx], S2[idx]
            z = Qbar[bs2] * inv_alpha + logprior[bs2]
            zm = z.max(axis=1)
            V = alpha * (zm + np.log(np.exp(z - zm[:, None]).sum(axis=1)))
            flat = bs * nA + A[idx]
            delta = R[idx] + gamma * V - Qf[flat]
            g = np.bincount(flat, weights=delta, minlength=nS * nA) / B
            k += 1
            m1 *= b1
            m1 += (1 - b1) * g
            v2 *= b2
            v2 += (1 - b2) * (g * g)
            Qf += (lr / (1 - b1**k)) * m1 / (np.sqrt(v2 / (1 - b2**k)) + eps)
            Qbar += tau * (Q - Qbar)
            updates += 1
        t += 1
        if t == episode:
            episodes += 1
            t = 0
            s = draw(initial_cum, rng.random())
        else:
            s = s2
    return Q, updates, episodes


def main():
    path, steps, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    problem = load(path)
    run(problem, min(steps, 2000), seed)  # warm-up: caches, first-call overheads
    wall = time.perf_counter()
    cpu = time.process_time()
    Q, updates, episodes = run(problem, steps, seed)
    cpu = time.process_time() - cpu
    wall = time.perf_counter() - wall
    start = int(np.argmax(problem[0]["initial"]))
    print(
        json.dumps(
            {
                "seconds": wall,
                "cpuSeconds": cpu,
                "steps": steps,
                "updates": updates,
                "episodes": episodes,
                "qStart": Q[start].tolist(),
                "numpy": np.__version__,
                "python": sys.version.split()[0],
            }
        )
    )


if __name__ == "__main__":
    main()
