"""MaxEnt IRL in vectorised numpy with scipy's L-BFGS-B: the side-by-side
reference for bench/irl/run.ts. Two implementations of the same objective:

  log    the textbook log-space recursion (logsumexp over successors and actions);
  scaled the linear-space recursion with one shift per step that the TypeScript
         solver uses (src/engines/exact/occupancy.ts), vectorised.

Reads the problem the TypeScript runner wrote (CSR dynamics, initial
distribution, demonstrations as indices, T, alpha, l2, tolerance), fits
theta (one-hot state features) by maximising

    J(theta) = sum_demos log p(tau | O, theta) - (l2 / 2) |theta|^2,
    grad J   = (empirical - expected state visitation counts) / alpha - l2 theta,

with the posterior backup in log space (scipy.special.logsumexp), a forward
pass through the tilted dynamics, and stops when max |grad J| <= tol * N
(scipy's gtol is that same infinity norm). Prints one JSON line.

    python3 bench/irl/reference.py bench/out/irl-problem.json [reps] [log|scaled]
"""
import json
import sys
import time

import numpy as np
from scipy.optimize import minimize


def logsumexp(z, axis):
    m = np.max(z, axis=axis, keepdims=True)
    return np.squeeze(m, axis) + np.log(np.sum(np.exp(z - m), axis=axis))


def load(path):
    with open(path) as f:
        p = json.load(f)
    nS, nA, T = p["nS"], p["nA"], p["T"]
    row_start = np.array(p["rowStart"])
    nxt = np.array(p["next"])
    prob = np.array(p["prob"])
    width = int(np.max(np.diff(row_start)))
    # Padded dense successor arrays (nS, nA, width); padding has probability 0.
    succ = np.zeros((nS * nA, width), dtype=np.int64)
    logp = np.full((nS * nA, width), -np.inf)
    for row in range(nS * nA):
        a, b = row_start[row], row_start[row + 1]
        succ[row, : b - a] = nxt[a:b]
        logp[row, : b - a] = np.log(prob[a:b])
    succ = succ.reshape(nS, nA, width)
    logp = logp.reshape(nS, nA, width)
    states = np.array(p["states"]).reshape(-1, T)  # every demonstration has T steps
    actions = np.array(p["actions"]).reshape(-1, T)
    return p, nS, nA, T, succ, logp, np.array(p["initial"]), np.log(np.array(p["prior"])).reshape(nS, nA), states, actions


def fit(path, kind):
    p, nS, nA, T, succ, logp, p0, logprior, states, actions = load(path)
    alpha, l2, tol = p["alpha"], p["l2"], p["tolerance"]
    N = states.shape[0]
    empirical = np.bincount(states.ravel(), minlength=nS).astype(float)
    with np.errstate(divide="ignore"):
        logp0 = np.log(p0)
    flat_succ = succ.reshape(-1)
    tt = np.arange(T)
    # Which successor slot each demonstrated transition took (fixed, so found once).
    kidx = np.argmax(succ[states[:, :-1], actions[:, :-1]] == states[:, 1:, None], axis=2)

    P = np.exp(logp)  # padding: probability 0
    W0 = np.exp(logprior)
    flat_w_index = succ.reshape(nS, -1)

    def scaled(theta):
        # c_s = max_a r(s,a); W = p(a|s) exp((r - c)/alpha); E_{t+1} = exp((V_{t+1} - M_{t+1})/alpha)
        r = np.repeat(theta[:, None], nA, axis=1)
        c = r.max(axis=1)
        W = W0 * np.exp((r - c[:, None]) / alpha)
        S = np.ones((T, nS, nA))
        total = np.zeros((T, nS))
        E = np.ones((T + 1, nS))
        V = np.zeros((T + 1, nS))
        M = np.zeros(T + 1)
        for t in range(T - 1, -1, -1):
            if t < T - 1:
                S[t] = (P * E[t + 1][succ]).sum(axis=2)
            total[t] = (W * S[t]).sum(axis=1)
            V[t] = c + M[t + 1] + alpha * np.log(total[t])
            M[t] = V[t].max()
            E[t] = np.exp((V[t] - M[t]) / alpha)
        w0 = p0 * np.exp((V[0] - V[0].max()) / alpha)
        logZ = V[0].max() / alpha + np.log(w0.sum())
        m0 = w0 / w0.sum()
        with np.errstate(divide="ignore"):
            ll = np.log(m0[states[:, 0]]).sum()
        s, a = states, actions
        ll += (np.log(W[s, a]) + np.log(S[tt[None, :], s, a]) - np.log(total[tt[None, :], s])).sum()
        s1, a1 = states[:, :-1], actions[:, :-1]
        ll += (logp[s1, a1, kidx] + np.log(E[tt[None, 1:], states[:, 1:]]) - np.log(S[tt[None, :-1], s1, a1])).sum()
        # m_{t+1} = E_{t+1} * M^T (m_t / total_t), M(s, s') = sum_a W(s,a) p(s'|s,a)
        MW = (W[:, :, None] * P).reshape(nS, -1)
        m = N * m0
        visits = m.copy()
        for t in range(T - 1):
            m = E[t + 1] * np.bincount(flat_w_index.ravel(), weights=((m / total[t])[:, None] * MW).ravel(), minlength=nS)
            visits += m
        grad = (empirical - visits) / alpha - l2 * theta
        return -(ll - 0.5 * l2 * theta @ theta), -grad, ll

    def objective(theta):
        if kind == "scaled":
            return scaled(theta)
        r = np.repeat(theta[:, None], nA, axis=1)  # one-hot state features: r(s, a) = theta_s
        V = np.zeros((T + 1, nS))
        logpi = np.zeros((T, nS, nA))
        logK = np.zeros((T, nS, nA, succ.shape[2]))
        for t in range(T - 1, -1, -1):
            if t == T - 1:
                Q = r.copy()
            else:
                z = logp + V[t + 1][succ] / alpha  # (nS, nA, width)
                B = logsumexp(z, axis=2)
                logK[t] = z - B[:, :, None]
                Q = r + alpha * B
            V[t] = alpha * logsumexp(logprior + Q / alpha, axis=1)
            logpi[t] = logprior + (Q - V[t][:, None]) / alpha
        logZ = logsumexp(logp0 + V[0] / alpha, axis=0)
        logm0 = logp0 + V[0] / alpha - logZ
        # Log-likelihood of the demonstrations under p(tau | O).
        ll = logm0[states[:, 0]].sum()
        ll += logpi[tt[None, :], states, actions].sum()
        ll += logK[tt[None, :-1], states[:, :-1], actions[:, :-1], kidx].sum()
        # Expected state visitation under the posterior: m_{t+1}(s') = sum_{s,a} m_t(s) pi_t(a|s) K_t(s'|s,a).
        m = N * np.exp(logm0)
        visits = m.copy()
        pi = np.exp(logpi)
        K = np.exp(logK[: T - 1])
        for t in range(T - 1):
            w = (m[:, None] * pi[t])[:, :, None] * K[t]
            m = np.bincount(flat_succ, weights=w.reshape(-1), minlength=nS)
            visits += m
        grad = (empirical - visits) / alpha - l2 * theta
        J = ll - 0.5 * l2 * theta @ theta
        return -J, -grad, ll

    calls = {"n": 0}

    def f(theta):
        calls["n"] += 1
        J, g, _ = objective(theta)
        return J, g

    started = time.perf_counter()
    cpu_started = time.process_time()
    result = minimize(f, np.zeros(nS), jac=True, method="L-BFGS-B", options={"gtol": tol * N, "maxiter": p["steps"], "maxcor": p["memory"], "ftol": 0})
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    _, _, ll = objective(result.x)
    return elapsed, cpu, result, ll, calls["n"]


def main():
    path = sys.argv[1]
    reps = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    kind = sys.argv[3] if len(sys.argv) > 3 else "scaled"
    times = []
    cpus = []
    for _ in range(reps):
        elapsed, cpu, result, ll, evaluations = fit(path, kind)
        times.append(elapsed)
        cpus.append(cpu)
    print(json.dumps({
        "numpy": np.__version__,
        "kind": kind,
        "seconds": sorted(times)[len(times) // 2],
        "cpuSeconds": sorted(cpus)[len(cpus) // 2],
        "all": times,
        "iterations": int(result.nit),
        "evaluations": evaluations,
        "converged": bool(result.success),
        "message": str(result.message),
        "logLikelihood": float(ll),
        "theta": result.x.tolist(),
    }))


if __name__ == "__main__":
    main()
