"""Jack's car rental by numpy policy iteration (Sutton & Barto, example 4.2).

An independent implementation of bench/jack/model.ts: it builds the dense
S x A x S tensor P and the S x A rewards R from the Poisson arithmetic itself
(tails folded into "all cars rented" and "20 cars"; moves clipped to the cars
there), then runs policy iteration: evaluation by an exact linear solve
(I - gamma P_pi) V = r_pi, greedy improvement keeping the current action on
ties, until the policy is stable.

Reads {"rounds": n} on stdin; prints JSON with V (states in the model's order,
first-location cars slowest), the policy, the iterations, and the median wall
and CPU seconds of building P, R and of solving, with the numpy version.
"""
import json
import math
import sys
import time

import numpy as np

MAX_CARS, MAX_MOVE, GAMMA = 20, 5, 0.9
RENT, MOVE_COST = 10.0, 2.0
REQUESTS, RETURNS = (3, 4), (3, 2)
N = MAX_CARS + 1
MOVES = np.arange(-MAX_MOVE, MAX_MOVE + 1)


def poisson(lam, k):
    return math.exp(-lam) * lam**k / math.factorial(k)


def day(cars, requested, returned):
    """End-of-day car distribution (length 21) and expected rentals from `cars`."""
    nxt = np.zeros(N)
    rentals, rent_mass = 0.0, 0.0
    for rented in range(cars + 1):
        pr = poisson(requested, rented) if rented < cars else 1.0 - rent_mass
        rent_mass += pr
        rentals += pr * rented
        left, back_mass = cars - rented, 0.0
        for back in range(MAX_CARS - left + 1):
            pb = poisson(returned, back) if left + back < MAX_CARS else 1.0 - back_mass
            back_mass += pb
            nxt[left + back] += pr * pb
    return nxt, rentals


def build():
    days = [[day(c, REQUESTS[i], RETURNS[i]) for c in range(N)] for i in range(2)]
    first, second = np.divmod(np.arange(N * N), N)
    k = np.clip(MOVES[None, :], -second[:, None], first[:, None])  # cars moved, S x A
    c1 = np.minimum(MAX_CARS, first[:, None] - k)
    c2 = np.minimum(MAX_CARS, second[:, None] + k)
    d1 = np.array([d[0] for d in days[0]])  # 21 x 21
    d2 = np.array([d[0] for d in days[1]])
    r1 = np.array([d[1] for d in days[0]])
    r2 = np.array([d[1] for d in days[1]])
    P = (d1[c1][:, :, :, None] * d2[c2][:, :, None, :]).reshape(N * N, len(MOVES), N * N)
    R = RENT * (r1[c1] + r2[c2]) - MOVE_COST * np.abs(k)
    return P, R


def solve(P, R):
    nS = P.shape[0]
    policy = np.full(nS, MAX_MOVE)  # move nothing
    eye, rows = np.eye(nS), np.arange(nS)
    iterations = 0
    while True:
        iterations += 1
        V = np.linalg.solve(eye - GAMMA * P[rows, policy], R[rows, policy])
        Q = R + GAMMA * P @ V
        best = Q.max(axis=1)
        keep = Q[rows, policy] >= best - 1e-12 * np.maximum(1.0, np.abs(best))
        improved = np.where(keep, policy, Q.argmax(axis=1))
        if np.array_equal(improved, policy):
            return V, policy, iterations
        policy = improved


def median(xs):
    return sorted(xs)[len(xs) // 2]


rounds = json.load(sys.stdin).get("rounds", 1)
times = {"build": ([], []), "solve": ([], [])}
for _ in range(rounds):
    w, c = time.perf_counter(), time.process_time()
    P, R = build()
    times["build"][0].append(time.perf_counter() - w)
    times["build"][1].append(time.process_time() - c)
    w, c = time.perf_counter(), time.process_time()
    V, policy, iterations = solve(P, R)
    times["solve"][0].append(time.perf_counter() - w)
    times["solve"][1].append(time.process_time() - c)
json.dump(
    {
        "V": V.tolist(),
        "policy": (policy - MAX_MOVE).tolist(),
        "iterations": iterations,
        **{f"{k}Wall": median(v[0]) for k, v in times.items()},
        **{f"{k}Cpu": median(v[1]) for k, v in times.items()},
        "numpy": np.__version__,
        "python": sys.executable,
    },
    sys.stdout,
)
