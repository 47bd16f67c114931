"""memo's MDP goal-inference demo as a vectorised numpy recursion, run side by
side with bench/inverse-planning/run.ts:

    python3 bench/inverse-planning/reference.py problem.json out.json

Hard-max Q over T steps for every goal at once (K × S × A arrays),
Q_t = R + V_{t+1}[next], V_t = max_a Q_t, then the β Boltzmann policy
π_g(a|s) ∝ exp(β Q_0) and the goal posterior p(g | s, a) ∝ π_g(a | s)
(uniform prior over goals). Prints one JSON line with CPU and wall time of one
run (the problem is loaded before timing) and writes the posterior to out.json.
"""
import json
import sys
import time

import numpy as np


def solve(nxt, R, T, beta):
    V = np.zeros(R.shape[:2])
    for _ in range(T):
        Q = R + V[:, nxt]            # K × S × A: r + V_{t+1}(s'), deterministic successors
        V = Q.max(axis=2)
    logits = beta * (Q - Q.max(axis=2, keepdims=True))
    pi = np.exp(logits)
    pi /= pi.sum(axis=2, keepdims=True)
    return pi / pi.sum(axis=0, keepdims=True)


def main():
    problem = json.load(open(sys.argv[1]))
    nS, nA, T, beta = problem["nS"], problem["nA"], problem["T"], problem["beta"]
    nxt = np.array(problem["next"], dtype=np.int64).reshape(nS, nA)
    R = np.array(problem["rewards"], dtype=np.float64).reshape(-1, nS, nA)
    cpu0, wall0 = time.process_time(), time.perf_counter()
    post = solve(nxt, R, T, beta)
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    json.dump(post.reshape(-1).tolist(), open(sys.argv[2], "w"))
    print(json.dumps({"cpuMs": cpu * 1e3, "wallMs": wall * 1e3, "numpy": np.__version__, "python": sys.executable}))


if __name__ == "__main__":
    main()
