"""
An independent MaxEnt IRL in numpy (Ziebart et al. 2008), conditioned on each
demonstration's start state, with the MAP convention most code uses:

    maximise  J(θ) = (1/N) Σ_i log p(τ_i | s_0^i, θ) − (λ/2) ‖θ‖²

    p(τ | s_0, θ) = Π_t p(a_t|s_t) p(s_{t+1}|s_t,a_t) exp(r_θ(s_t,a_t)/α) / Z(s_0),
    r_θ = Φθ,  Z(s_0) = exp(V_0(s_0)/α)

Backward pass (log space):  Q_t(s,a) = r(s,a) + α log Σ_{s'} p(s'|s,a) exp(V_{t+1}(s')/α)
(Q_{T−1} = r),  V_t(s) = α log Σ_a p(a|s) exp(Q_t(s,a)/α).
Gradient: ∇J = (F_emp − Σ_i E[F | s_0^i]) / (α N) − λθ, the expectation by a
forward pass from D_0 = the demonstrations' starts through π_t = p(a|s)
exp((Q_t − V_t)/α) and the conditional dynamics K_t(s'|s,a) ∝ p(s'|s,a)
exp(V_{t+1}(s')/α). Under deterministic dynamics K_t = p and this is Ziebart's
Algorithm 1 line for line; under stochastic dynamics K_t is what makes the
forward pass the exact gradient of the likelihood above (Algorithm 1's
untilted forward pass is not). Maximised by Newton's method (Hessian by
central differences of the exact gradient), so θ is exact to ~1e-10.

Reads JSON on stdin:
  { "alpha", "T", "nS", "nA", "initial": [nS], "prior": [nS][nA],
    "dynamics": [nS][nA] -> [[s', p], ...], "features": [nS][nA][K],
    "demos": [[[s, a], ...], ...] (full length T), "lambda" }
Writes { "theta": [K], "meanLogLikelihood", "gradientNorm", "iterations" }.
Never imports the library it checks.
"""
import json
import sys

import numpy as np


def logsumexp(x, axis, weights):
    m = np.max(np.where(weights > 0, x, -np.inf), axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)
    return np.squeeze(m, axis) + np.log(np.sum(weights * np.exp(x - m), axis=axis))


def main():
    spec = json.load(sys.stdin)
    alpha, T, nS, nA = spec["alpha"], spec["T"], spec["nS"], spec["nA"]
    p0 = np.array(spec["initial"], dtype=float)
    prior = np.array(spec["prior"], dtype=float)
    P = np.zeros((nS, nA, nS))
    for s in range(nS):
        for a in range(nA):
            for nxt, p in spec["dynamics"][s][a]:
                P[s, a, nxt] += p
    Phi = np.array(spec["features"], dtype=float)  # nS × nA × K
    K = Phi.shape[2]
    demos = spec["demos"]
    N = len(demos)
    lam = spec["lambda"]
    F_emp = np.zeros(K)
    for d in demos:
        assert len(d) == T
        for s, a in d:
            F_emp += Phi[s, a]

    def backward(theta):
        r = Phi @ theta
        V = np.zeros((T + 1, nS))
        Q = np.zeros((T, nS, nA))
        for t in range(T - 1, -1, -1):
            if t == T - 1:
                Q[t] = r
            else:
                Q[t] = r + alpha * logsumexp(np.broadcast_to(V[t + 1] / alpha, (nS, nA, nS)), 2, P)
            V[t] = alpha * logsumexp(Q[t] / alpha, 1, prior)
        return r, Q, V

    def objective(theta):
        r, Q, V = backward(theta)
        ll = 0.0
        for d in demos:
            s0 = d[0][0]
            ll += np.log(p0[s0]) - V[0, s0] / alpha
            for t, (s, a) in enumerate(d):
                ll += np.log(prior[s, a]) + r[s, a] / alpha
                if t + 1 < T:
                    ll += np.log(P[s, a, d[t + 1][0]])
        # Forward pass from the demonstrations' own starts.
        D = np.zeros(nS)
        for d in demos:
            D[d[0][0]] += 1.0
        expected = np.zeros(K)
        for t in range(T):
            pi = prior * np.exp((Q[t] - V[t][:, None]) / alpha)
            mu = D[:, None] * pi  # nS × nA
            expected += np.einsum("sa,sak->k", mu, Phi)
            if t + 1 < T:
                Ktilt = P * np.exp(V[t + 1] / alpha)[None, None, :]
                Ktilt /= Ktilt.sum(axis=2, keepdims=True)
                D = np.einsum("sa,sat->t", mu, Ktilt)
        J = ll / N - 0.5 * lam * theta @ theta
        grad = (F_emp - expected) / (alpha * N) - lam * theta
        return J, grad, ll / N

    theta = np.zeros(K)
    iterations = 0
    for iterations in range(1, 100):
        J, g, _ = objective(theta)
        if np.max(np.abs(g)) < 1e-13:
            break
        h = 1e-5
        H = np.zeros((K, K))
        for k in range(K):
            e = np.zeros(K)
            e[k] = h
            H[:, k] = (objective(theta + e)[1] - objective(theta - e)[1]) / (2 * h)
        H = 0.5 * (H + H.T)
        step = np.linalg.solve(H, -g)
        # Backtrack on J so a far start cannot overshoot.
        t = 1.0
        while objective(theta + t * step)[0] < J - 1e-14 and t > 1e-8:
            t *= 0.5
        theta = theta + t * step
    J, g, mean_ll = objective(theta)
    json.dump({"theta": theta.tolist(), "meanLogLikelihood": mean_ll, "gradientNorm": float(np.max(np.abs(g))), "iterations": iterations}, sys.stdout)


if __name__ == "__main__":
    main()
